package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.git.testing.GitTesting;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The conventions people bring from git, rclone and {@code wmill}, checked on the packaged jar in its own
 * process: {@code --help}/{@code -h} and {@code help SUB} on every subcommand (taken from the root's
 * subcommand map, so a new one is covered without touching this test), {@code --version}, the completion
 * script, -v, -vv and -q, a dry run's listing, the deletion guard's {@code --max-delete}, the progress and
 * summary lines, and mistyped options, commands and types.
 */
class CliConventionsIT {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {}

    private Result jar(String... args) throws IOException, InterruptedException {
        Path jar = Path.of("target/workspace-sync.jar").toAbsolutePath();
        assertThat(jar).exists();
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "cli-", ".out");
        Path err = Files.createTempFile(dir, "cli-", ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        String path = System.getenv("PATH");
        builder.environment().clear();
        builder.environment().put("PATH", path == null ? "/usr/bin:/bin" : path);
        builder.environment()
                .put("HOME", Files.createDirectories(dir.resolve("home")).toString());
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS))
                .as("%s finished", command)
                .isTrue();
        return new Result(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Every subcommand the root declares (help included), however many there are. */
    static Stream<String> subcommands() {
        return new CommandLine(new WorkspaceSync(Map.of(), false)).getSubcommands().keySet().stream();
    }

    @ParameterizedTest
    @MethodSource("subcommands")
    void helpOnEverySubcommandExitsZeroWithItsUsageEvenWithoutItsRequiredOptions(String sub) throws Exception {
        // An alias (check) shows its command's usage (doctor).
        String name = new CommandLine(new WorkspaceSync(Map.of(), false))
                .getSubcommands()
                .get(sub)
                .getCommandName();
        for (String flag : List.of("--help", "-h")) {
            Result help = jar(sub, flag);
            assertThat(help.code()).as("%s %s: %s", sub, flag, help.err()).isZero();
            assertThat(help.out())
                    .contains("Usage: workspace-sync " + name + " ")
                    .contains("-h, --help")
                    .contains("-v, --verbose")
                    .contains("-q, --quiet");
            assertThat(help.err()).isEmpty();
        }
        // help SUB says the same.
        Result help = jar("help", sub);
        assertThat(help.code()).as(help.err()).isZero();
        assertThat(help.out()).contains("Usage: workspace-sync " + name + " ");
    }

    @Test
    void versionIsKeptOnTheRootAndEverySubcommand() throws Exception {
        for (String[] args :
                List.of(new String[] {"--version"}, new String[] {"-V"}, new String[] {"run", "--version"})) {
            Result version = jar(args);
            assertThat(version.code()).isZero();
            assertThat(version.out()).startsWith("workspace-sync ");
        }
        Result none = jar();
        assertThat(none.code()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(none.err()).contains("Usage: workspace-sync");
    }

    @Test
    void theCompletionScriptIsValidBashAndCompletesTheSubcommands() throws Exception {
        Result completion = jar("completion");
        assertThat(completion.code()).as(completion.err()).isZero();
        Path script = dir.resolve("workspace-sync-completion.bash");
        Files.writeString(script, completion.out());
        List<String> subcommands = subcommands().toList();
        assertThat(subcommands).contains("run", "serve", "completion");
        for (String sub : subcommands) {
            assertThat(completion.out()).contains(sub);
        }

        Process syntax = new ProcessBuilder("bash", "-n", script.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(syntax.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(syntax.exitValue())
                .as(new String(syntax.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();

        // Sourced, it completes "workspace-sync r" to run and "workspace-sync run --max" to --max-delete.
        Path probe = dir.resolve("probe.bash");
        Files.writeString(probe, """
                source "$1"
                complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
                  COMPREPLY=(); _complete_workspace-sync; printf '%s\\n' "${COMPREPLY[@]}"; }
                complete_words workspace-sync r
                complete_words workspace-sync run --max
                complete_words workspace-sync -v run --fo
                """);
        Process probed = new ProcessBuilder("bash", probe.toString(), script.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(probed.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String words = new String(probed.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(words.lines()).contains("run", "--max-delete", "--force-deletes");
    }

    @Test
    void doubleVerboseLogsDebugAndQuietPrintsNothingOnSuccess() throws Exception {
        Path project = Files.createDirectories(dir.resolve("project"));
        Files.writeString(project.resolve("a.txt"), "a");
        String[] run = {
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
            "directory.state-dir=" + dir.resolve("state")
        };
        Result plain = jar(concat(run, "--dry-run"));
        assertThat(plain.code()).as(plain.err()).isZero();
        assertThat(plain.err()).doesNotContain("DEBUG");
        assertThat(plain.out()).contains("    + a.txt");

        Result debug = jar(concat(run, "--dry-run", "-vv"));
        assertThat(debug.code()).as(debug.err()).isZero();
        assertThat(debug.err()).contains("DEBUG").contains("Discovered sources");

        Result quiet = jar(concat(run, "-q"));
        assertThat(quiet.code()).as(quiet.err()).isZero();
        assertThat(quiet.out()).isEmpty();
        assertThat(quiet.err()).isEmpty();
        assertThat(dir.resolve("mirror/a.txt")).hasContent("a");
    }

    private static final int FILES = 25;

    /** A project of {@value #FILES} files f01.txt … f25.txt and the run that mirrors it into {@code mirror}. */
    private String[] mirrorRun() throws IOException {
        Path project = Files.createDirectories(dir.resolve("project"));
        for (int i = 1; i <= FILES; i++) {
            Files.writeString(project.resolve(String.format("f%02d.txt", i)), "content " + i + "\n");
        }
        return new String[] {
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
            "directory.state-dir=" + dir.resolve("state")
        };
    }

    private static List<String> listed(String out) {
        return out.lines().filter(l -> l.startsWith("    ")).map(String::strip).toList();
    }

    private static List<String> files(char mark, int from, int to) {
        List<String> lines = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            lines.add(mark + " " + String.format("f%02d.txt", i));
        }
        return lines;
    }

    @Test
    void aDryRunListsThePlanCappedUnlessVerboseAndARunShowsRateTimeLeftAndCounts() throws Exception {
        String[] run = mirrorRun();
        Result dry = jar(concat(run, "--dry-run"));
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out()).startsWith("Dry run SYNCED in ").contains("25 to add, 0 to update, 0 to delete");
        List<String> capped = new ArrayList<>(files('+', 1, 20));
        capped.add("… and 5 more (use -v to list all)");
        assertThat(listed(dry.out())).isEqualTo(capped);

        Result verbose = jar(concat(run, "--dry-run", "-v"));
        assertThat(listed(verbose.out())).isEqualTo(files('+', 1, FILES));

        Result json = jar(concat(run, "--dry-run", "--json"));
        assertThat(json.code()).as(json.err()).isZero();
        JsonNode plan = new ObjectMapper()
                .readTree(json.out())
                .get("destinations")
                .get(0)
                .get("plan");
        assertThat(plan.get("add")).hasSize(FILES);
        assertThat(plan.get("add").get(24).asText()).isEqualTo("f25.txt");
        assertThat(dir.resolve("mirror")).doesNotExist();

        // A real run: progress with rate and time left on stderr (a line per tenth off a terminal), the
        // summary's counts on stdout, and no listing unless -v.
        Result real = jar(run);
        assertThat(real.code()).as(real.err()).isZero();
        assertThat(real.err().lines())
                .anyMatch(
                        l -> l.matches("  \\d+/25 files \\(\\d+%\\), .* of .*, [0-9.]+ files/s, .*/s, ETA \\d+:\\d\\d"))
                .anyMatch(l -> l.matches("  25/25 files \\(100%\\), .*, [0-9.]+ files/s, .*/s, in \\d+:\\d\\d"));
        assertThat(real.out()).contains(": 25 added, 0 updated, 0 deleted");
        assertThat(listed(real.out())).isEmpty();
        Files.writeString(dir.resolve("project/f03.txt"), "changed\n");
        Files.writeString(dir.resolve("project/new.txt"), "new\n");
        Result changed = jar(concat(run, "-v"));
        assertThat(changed.code()).as(changed.err()).isZero();
        assertThat(listed(changed.out())).containsExactly("~ f03.txt", "+ new.txt");
    }

    /** On a terminal (a pseudo-terminal from util-linux {@code script}) the bar is redrawn in place. */
    @Test
    void onATerminalTheProgressBarIsRedrawnInPlaceWithRateAndTimeLeft() throws Exception {
        Path scriptTool = Path.of("/usr/bin/script");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(scriptTool), "needs util-linux script");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                Path.of("target/workspace-sync.jar").toAbsolutePath().toString()));
        command.addAll(List.of(mirrorRun()));
        Path shell = dir.resolve("run.sh");
        Files.writeString(
                shell,
                "exec "
                        + String.join(
                                " ",
                                command.stream()
                                        .map(a -> "'" + a.replace("'", "'\\''") + "'")
                                        .toList())
                        + "\n");
        Path output = dir.resolve("terminal.txt");
        ProcessBuilder builder = new ProcessBuilder(scriptTool.toString(), "-qec", "sh " + shell, "/dev/null")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        String path = System.getenv("PATH");
        builder.environment().clear();
        builder.environment().put("PATH", path == null ? "/usr/bin:/bin" : path);
        builder.environment()
                .put("HOME", Files.createDirectories(dir.resolve("home")).toString());
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(printed).isZero();
        assertThat(printed)
                .containsPattern("\r\\[#+ +\\] \\d+/25 files, .* of .*, [0-9.]+ files/s, .*/s, ETA \\d+:\\d\\d")
                .containsPattern("\r\\[#{30}\\] 25/25 files, .*, in \\d+:\\d\\d")
                .contains(": 25 added, 0 updated, 0 deleted");
        assertThat(dir.resolve("mirror/f25.txt")).exists();
    }

    @Test
    void theDeletionGuardTakesTheUsersLimitAndNamesTheFilesAndTheFlag() throws Exception {
        String[] run = mirrorRun();
        assertThat(jar(run).code()).isZero();
        for (int i = 1; i <= 9; i++) {
            Files.delete(dir.resolve("project").resolve(String.format("f%02d.txt", i)));
        }
        // 9 of 25 is under the default 50%; a limit of 3 files or 10% refuses it.
        Result files = jar(concat(run, "--max-delete", "3"));
        assertThat(files.code()).as(files.err()).isEqualTo(WorkspaceSync.REFUSED);
        assertThat(files.out())
                .contains("deletes 9 files")
                .contains("more than the allowed 3: f01.txt, f02.txt, f03.txt, f04.txt, f05.txt … and 4 more.")
                .contains("    To accept it: --max-delete 9, or --force-deletes; -v lists every file.");
        Result percent = jar(concat(run, "--max-delete", "10%", "-v"));
        assertThat(percent.code()).isEqualTo(WorkspaceSync.REFUSED);
        assertThat(percent.out()).contains("deletes 9 of 25 files").contains("more than the allowed 10%");
        List<String> all = new ArrayList<>(files('-', 1, 9));
        all.add("To accept it: --max-delete 9, or --force-deletes.");
        assertThat(listed(percent.out())).isEqualTo(all);
        JsonNode refusal = new ObjectMapper()
                .readTree(jar(concat(run, "--max-delete", "10%", "--json")).out());
        assertThat(refusal.get("status").asText()).isEqualTo("REFUSED");
        assertThat(refusal.get("destinations").get(0).get("plan").get("delete")).hasSize(9);
        for (String bad : List.of("abc", "-3", "150%", "2.5", "")) {
            Result r = jar(concat(run, "--max-delete", bad));
            assertThat(r.code()).as("--max-delete '%s': %s", bad, r.err()).isEqualTo(WorkspaceSync.USAGE);
            assertThat(r.err()).contains("--max-delete has value '" + bad + "'");
        }
        assertThat(dir.resolve("mirror/f01.txt")).exists();

        Result accepted = jar(concat(run, "--max-delete", "36%"));
        assertThat(accepted.code()).as(accepted.out() + accepted.err()).isZero();
        assertThat(accepted.out()).contains(": 0 added, 0 updated, 9 deleted");
        assertThat(dir.resolve("mirror/f01.txt")).doesNotExist();

        // Deleting every file needs --force-deletes, whatever the limit.
        try (Stream<Path> left = Files.list(dir.resolve("project"))) {
            for (Path p : left.toList()) {
                Files.delete(p);
            }
        }
        Result everything = jar(concat(run, "--max-delete", "100%"));
        assertThat(everything.code()).isEqualTo(WorkspaceSync.REFUSED);
        assertThat(everything.out())
                .contains("deletes all 16 files")
                .contains("    To accept it: --force-deletes (the plan deletes every file); -v lists every file.");
        Result forced = jar(concat(run, "--force-deletes", "-q"));
        assertThat(forced.code()).as(forced.err()).isZero();
        assertThat(forced.out() + forced.err()).isEmpty();
        assertThat(dir.resolve("mirror/f25.txt")).doesNotExist();
    }

    @Test
    void quietShowsOnlyWhatWentWrongAndContradictingFlagsAreExitTwo() throws Exception {
        String[] run = mirrorRun();
        assertThat(jar(run).code()).isZero();
        try (Stream<Path> left = Files.list(dir.resolve("project"))) {
            for (Path p : left.toList()) {
                Files.delete(p);
            }
        }
        Result refused = jar(concat(new String[] {"-q"}, run));
        assertThat(refused.code()).isEqualTo(WorkspaceSync.REFUSED);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err()).startsWith("REFUSED in ").contains("To accept it: --force-deletes");
        Result both = jar(concat(run, "-q", "-v"));
        assertThat(both.code()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(both.err()).contains("-q/--quiet and -v/--verbose contradict each other");
    }

    @Test
    void theGitSummaryLineHasCountsLikeTheOthers() throws Exception {
        Path project = Files.createDirectories(dir.resolve("project"));
        Files.writeString(project.resolve("app.py"), "print(1)\n");
        Files.writeString(project.resolve("lib.py"), "x = 1\n");
        Files.writeString(project.resolve("old.py"), "print(0)\n");
        Path remote = GitTesting.bareRepository(dir.resolve("remote.git"));
        String[] run = {
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
            "git.author-name=Test",
            "--set",
            "git.author-email=test@example.invalid"
        };
        Result first = jar(run);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out())
                .containsPattern(
                        "  SYNCED  file:.*#main: 3 added, 0 updated, 0 deleted; pushed commit [0-9a-f]{40} to ");
        Files.writeString(project.resolve("app.py"), "print(2)\n");
        Files.delete(project.resolve("old.py"));
        Files.writeString(project.resolve("new.py"), "print(1)\n");
        Result second = jar(run);
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.out()).contains(": 1 added, 1 updated, 1 deleted; pushed commit ");
    }

    @Test
    void mistypedOptionsCommandsAndTypesGetOneLineAndASuggestionNotTheWholeUsage() throws Exception {
        Result option = jar("run", "--dryrun");
        assertThat(option.code()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(option.err())
                .contains("Unknown option: '--dryrun'")
                .contains("--dry-run")
                .contains("See 'workspace-sync run --help'.")
                .doesNotContain("Usage:");
        Result command = jar("runn");
        assertThat(command.code()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(command.err()).contains("Did you mean: workspace-sync run").doesNotContain("Usage:");
        Result value = jar("serve", "--port", "abc");
        assertThat(value.code()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(value.err())
                .contains("'abc' is not an int")
                .contains("See 'workspace-sync serve --help'.")
                .doesNotContain("Usage:");
        assertThat(value.err().lines()).hasSizeLessThanOrEqualTo(3);
        Result types = jar("run", "--source", "lcoal", "--destination", "dirctory");
        assertThat(types.code()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(types.err())
                .contains("Unknown source type 'lcoal' (from --source); known: [databricks, git, local, windmill];"
                        + " did you mean 'local'?")
                .contains("Unknown destination type 'dirctory' (from --destination)")
                .contains("did you mean 'directory'?");
    }

    private static String[] concat(String[] args, String... more) {
        return Stream.concat(Stream.of(args), Stream.of(more)).toArray(String[]::new);
    }
}
