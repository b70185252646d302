package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings scoped to one side ({@code source.<key>}, {@code destination.<key>}) given to {@code java -jar
 * workspace-sync.jar} in every channel: {@code --set}, a config file line, {@code
 * WORKSPACE_SYNC_SOURCE_*}/{@code WORKSPACE_SYNC_DESTINATION_*}; each side gets its own value, the wrong side
 * is refused naming the key and the side, secrets stay masked, and {@code providers --explain} names the
 * scoped key a value came from.
 */
class SettingsScopeIT {
    private static final String TOKEN = "ghp_settingsScopeSecret0123456";

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
        builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("workspace-sync " + String.join(" ", args) + " did not finish");
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private String git(Path cwd, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", cwd.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        builder.environment().put("GIT_CONFIG_GLOBAL", dir.resolve("gitconfig").toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("git %s: %s", List.of(args), output).isZero();
        return output;
    }

    private Path project() throws Exception {
        Path project = Files.createDirectories(dir.resolve("project"));
        Files.writeString(project.resolve("app.py"), "print('scoped')\n");
        return project;
    }

    private Path bare(String name) throws Exception {
        Path bare = Files.createDirectories(dir.resolve(name));
        git(bare, "init", "-q", "--bare");
        return bare;
    }

    @Test
    void eachChannelsScopedKeysReachTheirSideAndExplainNamesThem() throws Exception {
        Path project = project();
        Path remote = bare("remote.git");
        // The file sets the destination's branch only; an unscoped --set does not beat it for that side.
        Files.writeString(
                project.resolve("workspace-sync.properties"),
                "source=local\ndestination=git\n# the branch the destination pushes to\ndestination.git.branch=promoted\n");
        Map<String, String> env = Map.of(
                "WORKSPACE_SYNC_SOURCE_LOCAL_PATH", project.toString(),
                "WORKSPACE_SYNC_DESTINATION_GIT_REMOTE_URL", remote.toUri().toString());
        String[] sets = {
            "--set",
            "git.branch=main",
            "--set",
            "destination.git.author-name=Scoped Author",
            "--set",
            "destination.git.token=" + TOKEN
        };

        List<String> run = new ArrayList<>(List.of("run"));
        run.addAll(List.of(sets));
        Result result = cli(project, env, run.toArray(String[]::new));
        assertThat(result.code()).as(result.both()).isZero();
        assertThat(result.both()).doesNotContain(TOKEN);
        assertThat(git(remote, "branch", "--list")).contains("promoted").doesNotContain("main");
        assertThat(git(remote, "show", "promoted:app.py")).isEqualTo("print('scoped')\n");
        assertThat(git(remote, "log", "-1", "--format=%an", "promoted")).isEqualTo("Scoped Author\n");

        List<String> explain = new ArrayList<>(List.of("providers", "--explain", "--json"));
        explain.addAll(List.of(sets));
        Result explained = cli(project, env, explain.toArray(String[]::new));
        assertThat(explained.code()).as(explained.both()).isZero();
        assertThat(explained.both()).doesNotContain(TOKEN);
        Map<String, JsonNode> byKey = new HashMap<>();
        new ObjectMapper()
                .readTree(explained.out())
                .get("settings")
                .forEach(s -> byKey.put(s.get("key").asText(), s));
        Path file = project.toRealPath().resolve("workspace-sync.properties");
        assertThat(byKey.get("source.local.path").get("from").asText())
                .isEqualTo("env WORKSPACE_SYNC_SOURCE_LOCAL_PATH");
        assertThat(byKey.get("source.local.path").get("role").asText()).isEqualTo("source");
        assertThat(byKey.get("destination.git.remote-url").get("from").asText())
                .isEqualTo("env WORKSPACE_SYNC_DESTINATION_GIT_REMOTE_URL");
        assertThat(byKey.get("destination.git.branch").get("from").asText()).isEqualTo(file + " line 4");
        assertThat(byKey.get("destination.git.branch").get("value").asText()).isEqualTo("promoted");
        assertThat(byKey.get("destination.git.author-name").get("from").asText())
                .isEqualTo("--set");
        JsonNode token = byKey.get("destination.git.token");
        assertThat(token.get("value").asText()).isEqualTo("****");
        assertThat(token.get("secret").asBoolean()).isTrue();
        assertThat(byKey).doesNotContainKeys("git.branch", "git.remote-url");

        List<String> text = new ArrayList<>(List.of("providers", "--explain"));
        text.addAll(List.of(sets));
        Result shown = cli(project, env, text.toArray(String[]::new));
        assertThat(shown.code()).as(shown.both()).isZero();
        assertThat(shown.out())
                .doesNotContain(TOKEN)
                .contains("destination.git.token = ****  (--set)")
                .contains("destination.git.branch = promoted  (" + file + " line 4)");
    }

    @Test
    void aScopedKeyTheSidesProviderDoesNotKnowIsRefusedNamingTheKeyAndTheSide() throws Exception {
        Path project = project();
        Path remote = bare("refused.git");
        List<String> base = List.of(
                "run",
                "--source",
                "local",
                "--destination",
                "git",
                "--set",
                "local.path=" + project,
                "--set",
                "git.remote-url=" + remote.toUri());

        List<String> wrongSide = new ArrayList<>(base);
        wrongSide.addAll(List.of("--set", "source.git.remote-url=" + remote.toUri()));
        Result refused = cli(project, Map.of(), wrongSide.toArray(String[]::new));
        assertThat(refused.code()).as(refused.both()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(refused.err())
                .contains("Setting 'source.git.remote-url' (from --set) is scoped to the source, but the source"
                        + " is local, which has no setting 'git.remote-url'; git is the destination here: write"
                        + " 'destination.git.remote-url' (or 'git.remote-url' for both sides)");

        // The same in the environment, the secret never shown.
        Result env = cli(project, Map.of("WORKSPACE_SYNC_SOURCE_GIT_TOKEN", TOKEN), base.toArray(String[]::new));
        assertThat(env.code()).as(env.both()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(env.both()).doesNotContain(TOKEN);
        assertThat(env.err())
                .contains("Setting 'source.git.token' (from the environment, WORKSPACE_SYNC_SOURCE_GIT_TOKEN) is"
                        + " scoped to the source, but the source is local");

        // A typo of a scoped key gets a scoped did-you-mean; a bad scoped value names the scoped key.
        List<String> typo = new ArrayList<>(base);
        typo.addAll(List.of("--set", "destination.git.brnch=x", "--set", "destination.git.push-attempts=many"));
        Result typed = cli(project, Map.of(), typo.toArray(String[]::new));
        assertThat(typed.code()).as(typed.both()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(typed.err())
                .contains("Unknown setting 'destination.git.brnch' (from --set); did you mean"
                        + " 'destination.git.branch'?");
        List<String> malformed = new ArrayList<>(base);
        malformed.addAll(List.of("--set", "destination.git.push-attempts=many"));
        Result bad = cli(project, Map.of(), malformed.toArray(String[]::new));
        assertThat(bad.code()).as(bad.both()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(bad.err())
                .contains("Setting 'destination.git.push-attempts' has value 'many', which is not a whole number");
        // Nothing was pushed by any refused run.
        assertThat(git(remote, "branch", "--list")).isEmpty();
    }

    @Test
    void gitToGitMirrorsOneRemoteToAnotherWithScopedUrls() throws Exception {
        // Two local bare repositories: the source has a branch, the destination starts empty.
        Path work = Files.createDirectories(dir.resolve("work"));
        git(work, "init", "-q", "-b", "main");
        Files.writeString(work.resolve("README.md"), "mirrored\n");
        Files.createDirectories(work.resolve("src"));
        Files.writeString(work.resolve("src/app.py"), "print('mirror')\n");
        git(work, "add", ".");
        git(work, "-c", "user.name=Dev", "-c", "user.email=dev@example.invalid", "commit", "-q", "-m", "first");
        Path from = bare("from.git");
        Path to = bare("to.git");
        git(work, "push", "-q", from.toUri().toString(), "main");
        Path cwd = Files.createDirectories(dir.resolve("cwd"));
        Map<String, String> env =
                Map.of("WORKSPACE_SYNC_DESTINATION_GIT_REMOTE_URL", to.toUri().toString());
        String[] args = {
            "--source",
            "git",
            "--destination",
            "git",
            "--set",
            "source.git.remote-url=" + from.toUri(),
            "--set",
            "git.branch=main",
            "--set",
            "destination.git.token=" + TOKEN
        };

        List<String> run = new ArrayList<>(List.of("run"));
        run.addAll(List.of(args));
        Result result = cli(cwd, env, run.toArray(String[]::new));
        assertThat(result.code()).as(result.both()).isZero();
        assertThat(result.both()).doesNotContain(TOKEN);
        assertThat(git(to, "show", "main:src/app.py")).isEqualTo("print('mirror')\n");
        assertThat(git(to, "show", "main:README.md")).isEqualTo("mirrored\n");
        // The source was only read.
        assertThat(git(from, "rev-list", "--count", "main")).isEqualTo("1\n");

        // A change upstream is mirrored by the next run.
        Files.writeString(work.resolve("README.md"), "mirrored twice\n");
        git(work, "-c", "user.name=Dev", "-c", "user.email=dev@example.invalid", "commit", "-q", "-am", "second");
        git(work, "push", "-q", from.toUri().toString(), "main");
        Result again = cli(cwd, env, run.toArray(String[]::new));
        assertThat(again.code()).as(again.both()).isZero();
        assertThat(git(to, "show", "main:README.md")).isEqualTo("mirrored twice\n");

        // explain: each side under its own heading, with the scoped key each value came from.
        List<String> explain = new ArrayList<>(List.of("providers", "--explain"));
        explain.addAll(List.of(args));
        Result shown = cli(cwd, env, explain.toArray(String[]::new));
        assertThat(shown.code()).as(shown.both()).isZero();
        assertThat(shown.out())
                .doesNotContain(TOKEN)
                .contains("git (source):")
                .contains("git (destination):")
                .contains("source.git.remote-url = " + from.toUri() + "  (--set)")
                .contains("destination.git.remote-url = " + to.toUri()
                        + "  (env WORKSPACE_SYNC_DESTINATION_GIT_REMOTE_URL)")
                .contains("destination.git.token = ****  (--set)");

        // Without the destination's URL, the problem says which side it is about.
        Result missing = cli(cwd, Map.of(), run.toArray(String[]::new));
        assertThat(missing.code()).as(missing.both()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(missing.err()).contains("For the destination: Missing required setting 'git.remote-url'");
        assertThat(missing.err()).doesNotContain("For the source: Missing");
    }
}
