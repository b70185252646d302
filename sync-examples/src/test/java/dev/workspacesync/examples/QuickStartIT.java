package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workspacesync.git.testing.GitTesting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's quick start, as a newcomer runs it: the packaged jar's {@code demo}, in a fresh process. */
class QuickStartIT {
    @TempDir
    Path dir;

    private record Demo(int code, String printed) {}

    /** {@code java -jar workspace-sync.jar demo ARGS} in the test folder, standard output and error together. */
    private Demo demo(String... args) throws Exception {
        Path jar = Path.of("target/workspace-sync.jar").toAbsolutePath();
        assertThat(jar).exists();
        Path output = dir.resolve("output-" + System.nanoTime() + ".txt");
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(), "demo"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("HOME", dir.toString());
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Demo(process.exitValue(), Files.readString(output));
    }

    @Test
    void theDemoRunsFromThePackagedJarWithNothingElseSetUp() throws Exception {
        Demo run = demo();
        String printed = run.printed();
        assertThat(run.code()).as(printed).isZero();

        Path demo = dir.resolve("workspace-sync-demo");
        assertThat(printed)
                .contains("1) First sync of " + demo.resolve("project"))
                .contains("2) Changed src/app.py")
                .contains("git --git-dir " + demo.resolve("backup.git") + " log --stat");
        assertThat(printed.lines().filter(l -> l.startsWith("SYNCED in ")).count())
                .isEqualTo(2);
        // The files the demo kept out are named, each with the rule that kept it out.
        assertThat(printed)
                .contains("  Kept out, as git would ignore them (2):\n"
                        + "    build/output.bin  (.gitignore: build/)\n"
                        + "    debug.log         (.gitignore: *.log)\n");
        var commits = GitTesting.log(demo.resolve("backup.git"), "main");
        assertThat(commits).hasSize(2);
        assertThat(GitTesting.tree(demo.resolve("backup.git"), "main").keySet())
                .containsExactlyInAnyOrderElementsOf(
                        List.of(".gitignore", "README.md", "data/config.yaml", "notebooks/analysis.py", "src/app.py"));
    }

    @Test
    void theQuietDemoPrintsNothingAndStillBacksUpTwice() throws Exception {
        Demo quiet = demo("-q");
        assertThat(quiet.code()).as(quiet.printed()).isZero();
        assertThat(quiet.printed()).isEmpty();
        assertThat(GitTesting.log(dir.resolve("workspace-sync-demo/backup.git"), "main"))
                .hasSize(2);
    }

    /** The demo's folder, made in the checkout, is ignored there; the build command shows its progress. */
    @Test
    void theDemoFolderIsIgnoredAndTheBuildIsNotQuiet() throws Exception {
        Path checkout = Path.of("..").toAbsolutePath().normalize();
        org.eclipse.jgit.ignore.IgnoreNode ignore = new org.eclipse.jgit.ignore.IgnoreNode();
        try (var in = Files.newInputStream(checkout.resolve(".gitignore"))) {
            ignore.parse(in);
        }
        assertThat(ignore.isIgnored("workspace-sync-demo", true))
                .isEqualTo(org.eclipse.jgit.ignore.IgnoreNode.MatchResult.IGNORED);
        String readme = Files.readString(checkout.resolve("README.md"));
        String quickStart = readme.substring(readme.indexOf("## Quick start"));
        String first = quickStart
                .substring(quickStart.indexOf("```bash") + 8)
                .lines()
                .findFirst()
                .orElseThrow();
        assertThat(first)
                .contains("package")
                .contains("workspace-sync.jar demo")
                .doesNotContain(" -q ");
    }
}
