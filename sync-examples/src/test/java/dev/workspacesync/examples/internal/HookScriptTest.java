package dev.workspacesync.examples.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hook body run by {@code sh} as the post-commit hook runs it (synchronously here), with a fake
 * {@code java} that records its arguments: hostile paths, repositories outside the projects directory, and
 * every way the hook itself can fail.
 */
class HookScriptTest {
    private static final String HOSTILE = " '\"$`\\*?[]();&|<>!#~-\t\né日本\uD83D\uDE00";

    @TempDir
    Path tmp;

    private Path tools;

    @BeforeEach
    void tools() throws IOException {
        // A PATH with what the hook needs and no java.
        tools = Files.createDirectories(tmp.resolve("tools"));
        for (String tool : List.of("date", "mv", "rm")) {
            Files.createSymbolicLink(tools.resolve(tool), which(tool));
        }
    }

    static LongStream seeds() {
        return new SplittableRandom().longs(6);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void hostilePathsReachJavaIntactAndOnlyProjectsAreSynced(long seed) throws Exception {
        System.out.println("HookScriptTest seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        Path home = Files.createDirectories(tmp.resolve(name(random)));
        Path projects = Files.createDirectories(home.resolve(name(random)));
        Path repo = Files.createDirectories(projects.resolve(name(random)));
        Path jar = Files.writeString(
                Files.createDirectories(home.resolve(name(random))).resolve(name(random)), "jar");
        Path java = fakeJava(home.resolve(name(random)), 0);
        Path args = tmp.resolve("args");
        HookScript script = HookScript.forJar(java, jar, projects.toRealPath());

        Result inside = run(script, repo, home, Map.of("FAKE_ARGS", args.toString()));
        assertThat(inside.log()).endsWith(HookScript.FINISHED + "\n");
        String[] passed = Files.readString(args).split("\0", -1);
        assertThat(passed).endsWith("-jar", jar.toString(), "hook-run", "");
        assertThat(passed[0]).isEqualTo("-XX:TieredStopAtLevel=1");
        assertThat(passed[1]).startsWith("-XX:ArchiveClassesAtExit=" + StableJar.classData(jar) + ".");
        assertThat(StableJar.classData(jar)).hasContent("dump");
        assertThat(home.resolve(".sync-errors.log")).doesNotExist();

        Files.delete(args);
        Path sibling = Files.createDirectories(home.resolve(name(random)));
        Path nested = Files.createDirectories(repo.resolve(name(random)));
        Path dotDot = projects.resolve("..").resolve(sibling.getFileName());
        Path link = Files.createSymbolicLink(projects.resolve(name(random) + "-link"), sibling);
        for (Path outside : List.of(sibling, nested, dotDot, link, projects)) {
            Result result = run(script, outside, home, Map.of("FAKE_ARGS", args.toString()));
            assertThat(result.log()).as("in %s", outside).endsWith(HookScript.OUTSIDE + "\n");
            assertThat(args).as("java ran in %s", outside).doesNotExist();
            assertThat(home.resolve(".sync-errors.log")).doesNotExist();
        }
    }

    @Test
    void theFirstRunWritesTheClassDataArchiveTheNextOnesMapIt() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path repo = Files.createDirectories(home.resolve("projects/demo"));
        Path jar = Files.writeString(tmp.resolve("workspace-sync-1.jar"), "jar");
        Path archive = tmp.resolve("workspace-sync-1.jsa");
        Path args = tmp.resolve("args");
        Path failing = fakeJava(tmp.resolve("jdk1"), 1);
        run(HookScript.forJar(failing, jar, home.resolve("projects")), repo, home, Map.of());
        assertThat(archive).as("a failed run leaves no archive").doesNotExist();
        try (var left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }

        HookScript script = HookScript.forJar(fakeJava(tmp.resolve("jdk"), 0), jar, home.resolve("projects"));
        run(script, repo, home, Map.of("FAKE_ARGS", args.toString()));
        assertThat(Files.readString(args)).contains("\0-XX:ArchiveClassesAtExit=" + archive + ".");
        assertThat(archive).hasContent("dump");

        Result second = run(script, repo, home, Map.of("FAKE_ARGS", args.toString()));
        assertThat(Files.readString(args).split("\0", -1))
                .containsExactly(
                        "-XX:TieredStopAtLevel=1",
                        "-XX:SharedArchiveFile=" + archive,
                        "-Xlog:cds=off",
                        "-Xlog:cds+dynamic=off",
                        "-jar",
                        jar.toString(),
                        "hook-run",
                        "");
        assertThat(second.log()).endsWith(HookScript.FINISHED + "\n");
    }

    @Test
    void aMissingJarIsReportedInTheErrorsLogOfTheHooksHome() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path repo = Files.createDirectories(home.resolve("projects/demo"));
        Path jar = home.resolve(".local/share/workspace-sync/workspace-sync-1234.jar");
        HookScript script = HookScript.forJar(
                fakeJava(tmp.resolve("jdk"), 0), jar, home.resolve("projects").toRealPath());
        Result result = run(script, repo, home, Map.of());
        String errors = Files.readString(home.resolve(".sync-errors.log"));
        assertThat(errors)
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ " + repo.toRealPath()
                        + ": this commit was not synced:"
                        + " the hook's jar " + jar + " is missing. Run `workspace-sync install-hook` again"
                        + " \\(java -jar workspace-sync.jar install-hook\\).\n");
        assertThat(result.log()).contains(HookScript.FAILED + "this commit was not synced");
    }

    @Test
    void javaGoneFallsBackToPathAndWithoutOneSaysSo() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path repo = Files.createDirectories(home.resolve("projects/demo"));
        Path jar = Files.writeString(tmp.resolve("app.jar"), "jar");
        HookScript script = HookScript.forJar(tmp.resolve("uninstalled-jdk/bin/java"), jar, home.resolve("projects"));

        run(script, repo, home, Map.of());
        assertThat(Files.readString(home.resolve(".sync-errors.log")))
                .contains("this commit was not synced: no java (" + tmp.resolve("uninstalled-jdk/bin/java")
                        + ", found by install-hook, is gone and there is no java on PATH). Install Java 17 or later,"
                        + " then run `workspace-sync install-hook` again.");

        Files.delete(home.resolve(".sync-errors.log"));
        fakeJava(tools, 0);
        Path args = tmp.resolve("args");
        Result result = run(script, repo, home, Map.of("FAKE_ARGS", args.toString()));
        assertThat(result.log())
                .contains("using " + tools.resolve("java") + " from PATH")
                .endsWith(HookScript.FINISHED + "\n");
        assertThat(args).exists();
        assertThat(home.resolve(".sync-errors.log")).doesNotExist();
    }

    @Test
    void aJvmThatDoesNotStartOrDiesIsReported() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path repo = Files.createDirectories(home.resolve("projects/demo"));
        Path jar = Files.writeString(tmp.resolve("app.jar"), "jar");
        Path errors = home.resolve(".sync-errors.log");

        run(HookScript.forJar(fakeJava(tmp.resolve("jdk1"), 1), jar, home.resolve("projects")), repo, home, Map.of());
        assertThat(Files.readString(errors))
                .contains("the sync process failed to start or crashed (exit status 1; see "
                        + repo.toRealPath().resolve("hook.log")
                        + "). If this repeats, run `workspace-sync install-hook` again.");

        Files.delete(errors);
        run(HookScript.forJar(fakeJava(tmp.resolve("jdk2"), -9), jar, home.resolve("projects")), repo, home, Map.of());
        assertThat(Files.readString(errors))
                .contains("this commit may not be synced: the sync process was killed by signal 9");
    }

    @Test
    void aDevelopmentBuildNamesItsClassesWhenTheyAreGone() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path repo = Files.createDirectories(home.resolve("projects/demo"));
        Path classes = tmp.resolve("target/classes");
        HookScript script = HookScript.forClassPath(
                fakeJava(tmp.resolve("jdk"), 0), classes, classes.toString(), "a.Main", home.resolve("projects"));
        run(script, repo, home, Map.of());
        assertThat(Files.readString(home.resolve(".sync-errors.log")))
                .contains(classes + " is missing: the hook was installed from a development build, not a jar.");
    }

    private record Result(int exitCode, String log) {}

    /** Runs the body as the hook's background function does, and waits for it (it is not detached here). */
    private Result run(HookScript script, Path dir, Path home, Map<String, String> env) throws Exception {
        Path wrapper = tmp.resolve("hook.sh");
        Path log = dir.resolve("hook.log");
        Files.deleteIfExists(log);
        Files.writeString(
                wrapper,
                "hook_log=hook.log\nworkspace_sync() {\n" + script.body()
                        + "\n}\nworkspace_sync >>\"$hook_log\" 2>&1\n");
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", wrapper.toString()).directory(dir.toFile());
        builder.environment().clear();
        builder.environment().put("HOME", home.toString());
        builder.environment().put("PATH", tools.toString());
        builder.environment().putAll(env);
        builder.redirectErrorStream(true)
                .redirectOutput(tmp.resolve("sh-output.txt").toFile());
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String printed = Files.readString(log);
        assertThat(process.exitValue()).as(printed).isZero();
        return new Result(process.exitValue(), printed);
    }

    /** A {@code java} that writes its arguments (NUL-terminated) to $FAKE_ARGS and exits with {@code status} (negative: killed by that signal). */
    private static Path fakeJava(Path dir, int status) throws IOException {
        Files.createDirectories(dir);
        Path java = dir.resolve("java");
        String exit = status < 0 ? "kill -" + (-status) + " $$" : "exit " + status;
        Files.writeString(
                java,
                "#!/bin/sh\nif [ -n \"$FAKE_ARGS\" ]; then printf '%s\\0' \"$@\" > \"$FAKE_ARGS\"; fi\n"
                        // Like the JVM, write the class-data archive asked for (even when the run then fails).
                        + "for a in \"$@\"; do case \"$a\" in -XX:ArchiveClassesAtExit=*)"
                        + " printf dump > \"${a#-XX:ArchiveClassesAtExit=}\" ;; esac; done\n"
                        + exit + "\n",
                StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return java;
    }

    private static String name(SplittableRandom random) {
        StringBuilder name = new StringBuilder();
        int length = 1 + random.nextInt(12);
        for (int i = 0; i < length; i++) {
            int[] chars = HOSTILE.codePoints().toArray();
            name.appendCodePoint(
                    random.nextInt(4) == 0 ? 'a' + random.nextInt(26) : chars[random.nextInt(chars.length)]);
        }
        String result = name.toString();
        // "." and ".." are not new directories.
        return result.equals(".") || result.equals("..") ? result + "x" : result;
    }

    private static Path which(String tool) {
        return Arrays.stream(System.getenv("PATH").split(":"))
                .map(dir -> Path.of(dir, tool))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new AssertionError(tool + " is not on PATH"));
    }
}
