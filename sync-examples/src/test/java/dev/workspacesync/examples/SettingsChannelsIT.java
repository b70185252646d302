package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.core.KnownSettings;
import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.spi.SettingKey;
import dev.workspacesync.core.testing.Seeds;
import dev.workspacesync.databricks.testing.WorkspaceEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Settings as a user gives them to {@code java -jar workspace-sync.jar}, each in its own process with a
 * temporary HOME and working directory: near-miss typos of real keys in every channel ({@code run --set},
 * a config file line, {@code WORKSPACE_SYNC_*}, {@code hook-run --set}, {@code serve}'s environment), config
 * file discovery and precedence, {@code providers --explain}, and {@code hook-run}'s directories.
 */
class SettingsChannelsIT {
    private static final ProviderRegistry REGISTRY = ProviderRegistry.discover();
    private static final String TOKEN = "ghp_settingsChannelsSecret0123";

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
        String both() {
            return out + err;
        }
    }

    /** {@code java -jar workspace-sync.jar ARGS} in {@code cwd}, with only PATH, HOME and {@code env}. */
    private Result cli(Path cwd, Map<String, String> env, String... args) throws Exception {
        Path jar = Path.of("target/workspace-sync.jar").toAbsolutePath();
        assertThat(jar).exists();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Duser.home=" + dir.resolve("home"),
                "-jar",
                jar.toString()));
        command.addAll(List.of(args));
        Files.createDirectories(cwd);
        Path out = Files.createTempFile(dir, "cli-", ".out");
        Path err = Files.createTempFile(dir, "cli-", ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(cwd.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        String path = System.getenv("PATH");
        builder.environment().clear();
        builder.environment().put("PATH", path == null ? "/usr/bin:/bin" : path);
        builder.environment()
                .put("HOME", Files.createDirectories(dir.resolve("home")).toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("workspace-sync " + String.join(" ", args) + " did not finish");
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static List<SettingKey> keysOf(String... types) {
        List<SettingKey> keys = new ArrayList<>();
        for (String type : types) {
            REGISTRY.source(type).ifPresent(p -> keys.addAll(p.settings()));
            REGISTRY.destination(type).ifPresent(p -> keys.addAll(p.settings()));
        }
        return keys;
    }

    /** Every key of the jar's providers (the test class path adds a memory source the jar does not have). */
    private static List<SettingKey> allKeys() {
        List<SettingKey> all = new ArrayList<>();
        REGISTRY.sources().stream().filter(p -> !p.type().equals("memory")).forEach(p -> all.addAll(p.settings()));
        REGISTRY.destinations().forEach(p -> all.addAll(p.settings()));
        return all;
    }

    /** A near miss: a dropped, swapped or replaced character, or _ for -. */
    private static String typo(SplittableRandom random, String key) {
        int i = random.nextInt(key.length() - 1);
        return switch (random.nextInt(4)) {
            case 0 -> key.substring(0, i) + key.substring(i + 1);
            case 1 -> key.substring(0, i) + key.charAt(i + 1) + key.charAt(i) + key.substring(i + 2);
            case 2 -> key.substring(0, i) + (char) ('a' + random.nextInt(26)) + key.substring(i + 1);
            default -> key.contains("-") ? key.replaceFirst("-", "_") : key.substring(0, i) + key.substring(i + 1);
        };
    }

    /**
     * {@code count} typos of {@code keys}, each not a real key and with its original as the nearest
     * candidate (so the did-you-mean must name it): typo → original.
     */
    private static Map<String, String> typos(SplittableRandom random, List<String> keys, Set<String> real, int count) {
        Map<String, String> typos = new LinkedHashMap<>();
        for (int tries = 0; typos.size() < count && tries < 10_000; tries++) {
            String key = keys.get(random.nextInt(keys.size()));
            String typo = typo(random, key);
            if (!real.contains(typo)
                    && !typo.equals(key)
                    && KnownSettings.suggest(typo, keys).orElse("").equals(key)) {
                typos.put(typo, key);
            }
        }
        return typos;
    }

    static Stream<Long> seeds() {
        return Seeds.seeds(3);
    }

    private Path project() throws Exception {
        Path project = Files.createDirectories(dir.resolve("project"));
        Files.writeString(project.resolve("a.txt"), "a\n");
        return project;
    }

    private List<String> runArgs(Path project, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "run",
                "--source",
                "local",
                "--destination",
                "directory",
                "--set",
                "local.path=" + project,
                "--set",
                "directory.path=" + dir.resolve("mirror"),
                "--set",
                "directory.state-dir=" + dir.resolve("state")));
        args.addAll(List.of(extra));
        return args;
    }

    private void assertRefused(Result result, Map<String, String> typos, String channel) {
        assertThat(result.code()).as(result.both()).isEqualTo(WorkspaceSync.USAGE);
        typos.forEach((typo, key) -> assertThat(result.err())
                .as("typo %s of %s", typo, key)
                .contains("Unknown setting '" + typo + "' (from " + channel + "); did you mean '" + key + "'?"));
        assertThat(dir.resolve("mirror")).doesNotExist();
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void typosOnTheCommandLineAreRefused(long seed) throws Exception {
        SplittableRandom random = Seeds.random("SettingsChannelsIT.set", seed);
        List<String> used =
                keysOf("local", "directory").stream().map(SettingKey::key).toList();
        Set<String> real =
                new LinkedHashSet<>(allKeys().stream().map(SettingKey::key).toList());
        Map<String, String> typos = typos(random, used, real, 6);
        List<String> args = runArgs(project());
        typos.keySet().forEach(t -> args.addAll(List.of("--set", t + "=x")));
        assertRefused(cli(project(), Map.of(), args.toArray(String[]::new)), typos, "--set");
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void typosInAConfigFileAreRefusedWithTheirLine(long seed) throws Exception {
        SplittableRandom random = Seeds.random("SettingsChannelsIT.config", seed);
        List<String> used =
                keysOf("local", "directory").stream().map(SettingKey::key).toList();
        Set<String> real =
                new LinkedHashSet<>(allKeys().stream().map(SettingKey::key).toList());
        Map<String, String> typos = typos(random, used, real, 6);
        StringBuilder file = new StringBuilder("# settings\n");
        // Another provider's key is fine in a shared file.
        file.append("databricks.host=https://example.invalid\n");
        Map<String, String> channels = new HashMap<>();
        Path config = dir.resolve("conf/settings.properties");
        int line = 3;
        for (String typo : typos.keySet()) {
            file.append(typo).append(" = x\n");
            channels.put(typo, config + " line " + line++);
        }
        Files.createDirectories(config.getParent());
        Files.writeString(config, file);
        List<String> args = runArgs(project(), "--config", config.toString());
        Result result = cli(project(), Map.of(), args.toArray(String[]::new));
        assertThat(result.code()).as(result.both()).isEqualTo(WorkspaceSync.USAGE);
        typos.forEach((typo, key) -> assertThat(result.err())
                .contains("Unknown setting '" + typo + "' (from " + channels.get(typo) + "); did you mean '" + key
                        + "'?"));
        assertThat(result.err()).doesNotContain("databricks.host");
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void typosInTheEnvironmentAreRefusedByRunAndServe(long seed) throws Exception {
        SplittableRandom random = Seeds.random("SettingsChannelsIT.environment", seed);
        List<String> names =
                allKeys().stream().map(SettingKey::environmentName).distinct().toList();
        Map<String, String> typos = new LinkedHashMap<>();
        typos(
                        random,
                        names.stream()
                                .map(n -> n.substring("WORKSPACE_SYNC_".length()))
                                .toList(),
                        Set.of(),
                        40)
                .forEach((typo, name) -> {
                    String variable =
                            "WORKSPACE_SYNC_" + typo.toUpperCase(Locale.ROOT).replace('-', '_');
                    if (!names.contains(variable)
                            && KnownSettings.suggest(variable, names).orElse("").equals("WORKSPACE_SYNC_" + name)
                            && typos.size() < 5) {
                        typos.put(variable, "WORKSPACE_SYNC_" + name);
                    }
                });
        assertThat(typos).isNotEmpty();
        Map<String, String> env = new HashMap<>();
        typos.keySet().forEach(v -> env.put(v, TOKEN));
        env.put("WORKSPACE_SYNC_DATABRICKS_HOST", "https://example.invalid"); // another provider's: fine

        Result run = cli(project(), env, runArgs(project()).toArray(String[]::new));
        Result serve = cli(dir.resolve("serve"), env, "serve", "--port", "0");
        for (Result result : List.of(run, serve)) {
            assertThat(result.code()).as(result.both()).isEqualTo(WorkspaceSync.USAGE);
            typos.forEach((variable, meant) -> assertThat(result.err())
                    .contains(
                            "Unknown setting '" + variable + "' (from the environment); did you mean '" + meant + "'"));
            assertThat(result.both()).doesNotContain(TOKEN).doesNotContain("'WORKSPACE_SYNC_DATABRICKS_HOST' (from");
        }
        assertThat(serve.out()).doesNotContain("listening");
    }

    @Test
    void typosInTheSyncBodyAre400WithADidYouMeanAndNothingRuns() throws Exception {
        Map<String, String> env =
                Map.of("WINDMILL_TOKEN", TOKEN, "GIT_REMOTE_URL", "https://git.example.invalid/r.git");
        try (ServeProcess serve = ServeProcess.start(dir.resolve("serve"), env)) {
            Map<String, String> typos = new LinkedHashMap<>();
            typos.put("git_brnch", "git_branch");
            typos.put("windmill_tokn", "windmill_token");
            typos.put("Workspace", "workspace");
            typos.put("git-remote-url", "git_remote_url");
            typos.put("git_username", "git_user_name");
            typos.put("windmill_base_ur", "windmill_base_url");
            typos.put("source.workspce", "source.workspace");
            typos.put("destination.git_brnch", "destination.git_branch");
            for (Map.Entry<String, String> typo : typos.entrySet()) {
                var answer = serve.post("{\"" + typo.getKey() + "\": \"" + TOKEN + "\"}");
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
                assertThat(answer.body())
                        .contains("Unknown field '" + typo.getKey() + "'; did you mean '" + typo.getValue() + "'?")
                        .doesNotContain(TOKEN);
            }
            // Every typo of a body is named at once.
            var two = serve.post("{\"git_brnch\": \"dev\", \"workspce\": \"admins\"}");
            assertThat(two.statusCode()).isEqualTo(400);
            assertThat(two.body()).contains("did you mean 'git_branch'?").contains("did you mean 'workspace'?");
            assertThat(serve.err()).doesNotContain("Sync started");
            assertThat(serve.output()).doesNotContain(TOKEN);
        }
    }

    /** The three typos the issue reported, each once: they used to be ignored or misreported. */
    @Test
    void theReportedTyposAreRefusedWithTheKeyMeant() throws Exception {
        Path project = project();
        Result underscore = cli(
                project,
                Map.of(),
                "run",
                "--source",
                "local",
                "--destination",
                "git",
                "--set",
                "local.path=" + project,
                "--set",
                "git.remote_url=https://git.example.invalid/r.git");
        assertThat(underscore.code()).as(underscore.both()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(underscore.err())
                .contains("Unknown setting 'git.remote_url' (from --set); did you mean 'git.remote-url'?");

        Path remote = dir.resolve("remote.git");
        org.eclipse.jgit.api.Git.init()
                .setBare(true)
                .setDirectory(remote.toFile())
                .call()
                .close();
        Result branch = cli(
                project,
                Map.of(),
                "run",
                "--source",
                "local",
                "--destination",
                "git",
                "--set",
                "local.path=" + project,
                "--set",
                "git.remote-url=" + remote.toUri(),
                "--set",
                "git.work-dir=" + dir.resolve("clone"),
                "--set",
                "git.brnch=dev");
        assertThat(branch.code()).as(branch.both()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(branch.err()).contains("Unknown setting 'git.brnch' (from --set); did you mean 'git.branch'?");
        try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.open(remote.toFile())) {
            assertThat(git.getRepository().getRefDatabase().getRefs())
                    .as("nothing pushed")
                    .isEmpty();
        }

        Path config = dir.resolve("typo.properties");
        Files.writeString(config, "local.exclud=*.md\n");
        Result file = cli(
                project,
                Map.of(),
                runArgs(project, "--config", config.toString()).toArray(String[]::new));
        assertThat(file.code()).as(file.both()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(file.err())
                .contains("Unknown setting 'local.exclud' (from " + config + " line 1); did you mean 'local.exclude'?")
                .doesNotContain("SYNCED");
        assertThat(dir.resolve("mirror")).doesNotExist();
    }

    @Test
    void aSettingOfAProviderTheRunDoesNotUseIsIgnoredWithAWarning() throws Exception {
        List<String> args = runArgs(project(), "--set", "databricks.host=https://example.invalid");
        Result result = cli(project(), Map.of(), args.toArray(String[]::new));
        assertThat(result.code()).as(result.both()).isZero();
        assertThat(result.err())
                .contains("Warning: Setting 'databricks.host' (from --set) belongs to databricks, which this run"
                        + " does not use (it uses local, directory); ignored");
        assertThat(dir.resolve("mirror/a.txt")).exists();
    }

    private static String properties(Map<String, String> values) {
        StringBuilder out = new StringBuilder("# written by SettingsChannelsIT\n");
        values.forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
        return out.toString();
    }

    @Test
    void configFilesAreFoundLayeredAndBelowTheCommandLine() throws Exception {
        Path project = project();
        Path home = dir.resolve("home");
        Path user = home.resolve(".config/workspace-sync/config.properties");
        Files.createDirectories(user.getParent());
        Files.writeString(
                user,
                properties(Map.of(
                        "source", "local",
                        "destination", "directory",
                        "local.path", project.toString(),
                        "directory.path", dir.resolve("user-out").toString(),
                        "directory.state-dir", dir.resolve("state").toString())));
        Map<String, String> env =
                Map.of("WORKSPACE_SYNC_DIRECTORY_PATH", dir.resolve("env-out").toString());

        // Only the user's file: it beats the environment, and names source and destination.
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Result userOnly = cli(elsewhere, env, "run");
        assertThat(userOnly.code()).as(userOnly.both()).isZero();
        assertThat(dir.resolve("user-out/a.txt")).exists();
        assertThat(dir.resolve("env-out")).doesNotExist();

        // The project's file (in the working directory) beats the user's, key by key.
        Files.writeString(
                project.resolve("workspace-sync.properties"),
                properties(Map.of("directory.path", dir.resolve("project-out").toString())));
        Result layered = cli(project, env, "run");
        assertThat(layered.code()).as(layered.both()).isZero();
        assertThat(dir.resolve("project-out/a.txt")).exists();

        // --set beats both.
        Result set = cli(project, env, "run", "--set", "directory.path=" + dir.resolve("set-out"));
        assertThat(set.code()).as(set.both()).isZero();
        assertThat(dir.resolve("set-out/a.txt")).exists();

        // XDG_CONFIG_HOME moves the user's file: ~/.config is not read then.
        Path xdg = dir.resolve("xdg");
        Files.createDirectories(xdg.resolve("workspace-sync"));
        Files.writeString(
                xdg.resolve("workspace-sync/config.properties"),
                properties(Map.of(
                        "source", "local",
                        "destination", "directory",
                        "local.path", project.toString(),
                        "directory.path", dir.resolve("xdg-out").toString(),
                        "directory.state-dir", dir.resolve("state").toString())));
        Result moved = cli(elsewhere, Map.of("XDG_CONFIG_HOME", xdg.toString()), "run");
        assertThat(moved.code()).as(moved.both()).isZero();
        assertThat(dir.resolve("xdg-out/a.txt")).exists();

        // --config replaces discovery: its file has no source, and the message says what to do.
        Path named = dir.resolve("named.properties");
        Files.writeString(
                named,
                properties(Map.of("directory.path", dir.resolve("named-out").toString())));
        Result explicit = cli(project, env, "run", "--config", named.toString());
        assertThat(explicit.code()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(explicit.err())
                .containsPattern("No source: pass --source TYPE \\(one of \\[databricks, git, local, windmill\\]\\)")
                .contains("), or put 'source=TYPE' in " + named)
                .contains("No destination: pass --destination TYPE");

        // Nothing anywhere: both places are named.
        Result none = cli(elsewhere, Map.of("HOME", dir.resolve("empty-home").toString()), "run");
        assertThat(none.code()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(none.err())
                .contains("or put 'source=TYPE' in " + elsewhere.toRealPath().resolve("workspace-sync.properties")
                        + " or " + dir.resolve("empty-home/.config/workspace-sync/config.properties"));
    }

    @Test
    void explainShowsEachValueAndWhereItCameFromWithSecretsMasked() throws Exception {
        Path project = project();
        Path user = dir.resolve("home/.config/workspace-sync/config.properties");
        Files.createDirectories(user.getParent());
        Files.writeString(user, "source=local\n\nlocal.mode=committed\ngit.branch=backup\n");
        Files.writeString(project.resolve("workspace-sync.properties"), "local.path=" + project + "\n");
        Map<String, String> env = Map.of(
                "GIT_TOKEN", TOKEN,
                "WORKSPACE_SYNC_GIT_REMOTE_URL", "https://git.example.invalid/r.git",
                "GIT_BRANCH", "from-env");
        Result result = cli(
                project,
                env,
                "providers",
                "--explain",
                "--destination",
                "git",
                "--set",
                "git.author-name=Ann",
                "--json");
        assertThat(result.code()).as(result.both()).isZero();
        assertThat(result.both()).doesNotContain(TOKEN);
        JsonNode json = new ObjectMapper().readTree(result.out());
        Path projectFile = project.toRealPath().resolve("workspace-sync.properties");
        assertThat(json.get("source").get("type").asText()).isEqualTo("local");
        assertThat(json.get("source").get("from").asText()).isEqualTo(user + " line 1");
        assertThat(json.get("destinations").get("from").asText()).isEqualTo("--destination");
        Map<String, JsonNode> byKey = new HashMap<>();
        json.get("settings").forEach(s -> byKey.put(s.get("key").asText(), s));
        assertThat(from(byKey, "local.path")).isEqualTo(projectFile + " line 1");
        assertThat(from(byKey, "local.mode")).isEqualTo(user + " line 3");
        assertThat(from(byKey, "git.branch")).isEqualTo(user + " line 4"); // the file beats GIT_BRANCH
        assertThat(from(byKey, "git.author-name")).isEqualTo("--set");
        assertThat(from(byKey, "git.remote-url")).isEqualTo("env WORKSPACE_SYNC_GIT_REMOTE_URL");
        assertThat(from(byKey, "git.token")).isEqualTo("env GIT_TOKEN");
        assertThat(byKey.get("git.token").get("value").asText()).isEqualTo("****");
        assertThat(from(byKey, "git.username")).isEqualTo("default");
        assertThat(byKey.get("git.ssh-key").get("value").isNull()).isTrue();

        Result text = cli(project, env, "providers", "--explain", "--destination", "git");
        assertThat(text.code()).as(text.both()).isZero();
        assertThat(text.out())
                .doesNotContain(TOKEN)
                .contains("git.token = ****  (env GIT_TOKEN)")
                .contains("git.branch = backup  (" + user + " line 4)")
                .contains("Source: local (from " + user + " line 1)");

        // A typo is shown by explain too, and makes it exit 2.
        Result typo = cli(project, env, "providers", "--explain", "--destination", "git", "--set", "git.brnch=x");
        assertThat(typo.code()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(typo.err()).contains("Unknown setting 'git.brnch' (from --set); did you mean 'git.branch'?");
    }

    private static String from(Map<String, JsonNode> byKey, String key) {
        assertThat(byKey).containsKey(key);
        return byKey.get(key).get("from").asText();
    }

    private void git(Path repo, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", repo.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        builder.environment().put("GIT_CONFIG_GLOBAL", dir.resolve("gitconfig").toString());
        builder.environment().put("GIT_AUTHOR_NAME", "Dev");
        builder.environment().put("GIT_AUTHOR_EMAIL", "dev@example.invalid");
        builder.environment().put("GIT_COMMITTER_NAME", "Dev");
        builder.environment().put("GIT_COMMITTER_EMAIL", "dev@example.invalid");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("git %s: %s", List.of(args), output).isZero();
    }

    @Test
    void hookRunFindsTheTopFromASubdirectoryAndSaysWhatIsWrongOtherwise() throws Exception {
        String token = "dapi-settings-channels-7f3a";
        try (WorkspaceEmulator emulator = WorkspaceEmulator.start(token)) {
            Path repo = dir.resolve("demo");
            Files.createDirectories(repo.resolve("src/deep"));
            Files.writeString(repo.resolve("src/app.py"), "print('app')\n");
            git(repo, "init", "-q", "-b", "main");
            git(repo, "add", ".");
            git(repo, "commit", "-q", "-m", "first");
            Map<String, String> env = Map.of("DATABRICKS_HOST", emulator.host(), "DATABRICKS_TOKEN", token);
            Path log = dir.resolve("errors.log");

            Result sub = cli(repo.resolve("src/deep"), env, "hook-run", "--error-log", log.toString());
            assertThat(sub.code()).isZero();
            assertThat(sub.out()).as(sub.both()).contains("✓ Synced to");
            assertThat(emulator.object("/Users/" + WorkspaceEmulator.USER + "/projects/demo/src/app.py"))
                    .isPresent();
            assertThat(log).doesNotExist();

            // A linked worktree: its .git is a file.
            Path worktree = dir.resolve("wt/other");
            git(repo, "worktree", "add", "-q", worktree.toString());
            Result linked = cli(
                    dir, env, "hook-run", "--repo", worktree.resolve("src").toString(), "--error-log", log.toString());
            assertThat(linked.code()).isZero();
            assertThat(linked.out()).as(linked.both()).contains("✓ Synced to");
            assertThat(emulator.object("/Users/" + WorkspaceEmulator.USER + "/projects/other/src/app.py"))
                    .isPresent();

            Path missing = dir.resolve("no/such/repo");
            Result gone = cli(dir, env, "hook-run", "--repo", missing.toString(), "--error-log", log.toString());
            assertThat(gone.code()).isZero();
            assertThat(gone.err()).contains("no such directory: " + missing);
            assertThat(Files.readString(log)).contains("no such directory: " + missing);

            Result typo = cli(repo, env, "hook-run", "--error-log", log.toString(), "--set", "databricks.prject=x");
            assertThat(typo.code()).isZero();
            String expected = "Unknown setting 'databricks.prject' (from hook-run --set); did you mean"
                    + " 'databricks.project'?";
            assertThat(typo.err()).contains(expected);
            assertThat(Files.readString(log)).contains(expected);

            // The log cannot be written (its path is a directory): stderr says so, and what failed.
            Path unwritable = Files.createDirectories(dir.resolve("log-is-a-directory"));
            Result noLog =
                    cli(dir, env, "hook-run", "--repo", missing.toString(), "--error-log", unwritable.toString());
            assertThat(noLog.code()).isZero();
            assertThat(noLog.err())
                    .contains("cannot write the error log " + unwritable)
                    .contains("no such directory: " + missing);
            assertThat(noLog.out())
                    .contains("✗ Sync failed; see the message above (the error log could not be written)")
                    .doesNotContain("see " + unwritable);
            // A log whose directory is missing, and a failed sync (not a settings error) with it.
            Path nowhere = dir.resolve("no/dir/errors.log");
            Result failedSync = cli(
                    repo,
                    Map.of("DATABRICKS_HOST", emulator.host(), "DATABRICKS_TOKEN", "dapi-wrong-token-0000"),
                    "hook-run",
                    "--error-log",
                    nowhere.toString());
            assertThat(failedSync.code()).isZero();
            assertThat(failedSync.err())
                    .contains("cannot write the error log " + nowhere + " (its directory does not exist")
                    .contains("rejected the token")
                    .doesNotContain("dapi-wrong-token-0000");
            assertThat(failedSync.out()).contains("see the message above");
        }
    }
}
