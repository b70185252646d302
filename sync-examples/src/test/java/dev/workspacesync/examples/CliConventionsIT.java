package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
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
 * process: {@code --help}/{@code -h} on every subcommand (taken from the root's subcommand map, so a new
 * one is covered without touching this test), {@code --version}, the completion script, -vv and -q.
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
        StringWriter out = new StringWriter();
        int code = new WorkspaceSync(Map.of(), false)
                .execute(new PrintWriter(out), new PrintWriter(new StringWriter()), "help", sub);
        assertThat(code).isZero();
        assertThat(out.toString()).contains("Usage: workspace-sync " + name + " ");
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

    private static String[] concat(String[] args, String... more) {
        return Stream.concat(Stream.of(args), Stream.of(more)).toArray(String[]::new);
    }
}
