package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.databricks.testing.WorkspaceEmulator;
import dev.workspacesync.git.testing.GitTesting;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --source local} with file names that are hard to carry: control characters, backslashes,
 * both Unicode forms of one name, names that are not UTF-8, names too long for a file system. What can be
 * carried lands byte for byte; the rest makes the run INCOMPLETE (exit 4) with every file listed, and a
 * rerun after fixing the names converges.
 */
class CompletenessEndToEndTest {
    private static final String LONG_230 = "l".repeat(226) + ".txt";
    private static final String LONG_256 = "m".repeat(252) + ".txt";
    private static final String NFC = "caf\u00e9.txt";
    private static final String NFD = "cafe\u0301.txt";
    private static final List<String> CARRIED = List.of(
            "README.md",
            "new\nline.txt",
            "tab\there.txt",
            "bell\u0007.txt",
            "esc\u001b[31m.txt",
            "back\\slash.txt",
            "sub\\dir/x.txt",
            NFC,
            NFD,
            LONG_230);

    @TempDir
    Path dir;

    private Path project;

    @BeforeAll
    static void isolate() {
        GitTesting.isolateJGit();
    }

    @AfterAll
    static void restore() {
        GitTesting.restoreJGit();
    }

    @BeforeEach
    void project() throws Exception {
        project = dir.resolve("project");
        Files.createDirectories(project);
        for (String name : CARRIED) {
            Path file = project.resolve(name);
            Files.createDirectories(file.getParent());
            Files.writeString(file, "content of " + name.length() + " " + name.hashCode());
        }
        // Names that are not UTF-8 cannot be made with java.nio under a UTF-8 locale: the shell makes them.
        sh("printf one > \"$(printf 'bad\\351.txt')\"; printf two > \"$(printf 'bad\\352.txt')\";"
                + " mkdir \"$(printf 'dir\\377')\"; printf three > \"$(printf 'dir\\377')/inner.txt\"");
    }

    private void sh(String script) throws Exception {
        Process process = new ProcessBuilder("sh", "-c", script)
                .directory(project.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    private record Run(int code, String out, String err) {
        JsonNode json() throws IOException {
            return new ObjectMapper().readTree(out);
        }
    }

    private Run run(String destination, boolean json, String... settings) {
        List<String> args = new ArrayList<>(List.of("run", "--source", "local", "--destination", destination));
        if (json) {
            args.add("--json");
        }
        args.addAll(List.of("--set", "local.path=" + project));
        for (String setting : settings) {
            args.addAll(List.of("--set", setting));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new WorkspaceSync(Map.of(), false)
                .execute(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    private static final List<String> SKIPPED = List.of("bad\\xE9.txt", "bad\\xEA.txt", "dir\\xFF/inner.txt");

    private static List<String> skippedPaths(JsonNode node) {
        List<String> paths = new ArrayList<>();
        node.get("skipped").forEach(s -> {
            assertThat(s.get("reason").asText()).isNotBlank();
            paths.add(s.get("path").asText());
        });
        return paths;
    }

    @Test
    void directoryDestinationCarriesOddNamesAndReportsTheRest() throws Exception {
        Path mirror = dir.resolve("mirror");
        String[] settings = {"directory.path=" + mirror, "directory.state-dir=" + dir.resolve("state")};

        Run first = run("directory", true, settings);
        JsonNode json = first.json();
        assertThat(first.code()).as(first.out() + first.err()).isEqualTo(WorkspaceSync.INCOMPLETE);
        assertThat(json.get("status").asText()).isEqualTo("INCOMPLETE");
        assertThat(skippedPaths(json)).containsExactlyInAnyOrderElementsOf(SKIPPED);
        JsonNode destination = json.get("destinations").get(0);
        assertThat(destination.get("status").asText()).isEqualTo("INCOMPLETE");
        assertThat(skippedPaths(destination)).containsExactlyInAnyOrderElementsOf(SKIPPED);
        assertThat(destination.get("added").asInt()).isEqualTo(CARRIED.size());
        assertThat(json.get("skipped").toString()).contains("not valid UTF-8");
        assertThat(files(mirror)).containsExactlyInAnyOrderElementsOf(CARRIED);
        for (String name : CARRIED) {
            assertThat(Files.readString(mirror.resolve(name)))
                    .isEqualTo("content of " + name.length() + " " + name.hashCode());
        }

        // The human summary lists each skipped file, escaped, on its own line.
        Run human = run("directory", false, settings);
        assertThat(human.code()).isEqualTo(WorkspaceSync.INCOMPLETE);
        assertThat(human.out()).startsWith("INCOMPLETE").contains("Not synced (3;");
        for (String path : SKIPPED) {
            assertThat(human.out()).contains("    " + path + ": ");
        }
        assertThat(human.out()).doesNotContain("\u001b").doesNotContain("\u0007");

        // Fix the names: one renamed, the others removed. The run is complete again.
        sh(
                "mv \"$(printf 'bad\\351.txt')\" bad-fixed.txt; rm -r \"$(printf 'bad\\352.txt')\" \"$(printf 'dir\\377')\"");
        Run fixed = run("directory", true, settings);
        assertThat(fixed.code()).as(fixed.out()).isZero();
        assertThat(fixed.json().get("status").asText()).isEqualTo("SYNCED");
        assertThat(skippedPaths(fixed.json())).isEmpty();
        assertThat(Files.readString(mirror.resolve("bad-fixed.txt"))).isEqualTo("one");
        Run again = run("directory", true, settings);
        assertThat(again.json().get("status").asText()).isEqualTo("NO_CHANGES");
        assertThat(again.code()).isZero();
    }

    @Test
    void gitDestinationCarriesOddNamesByteForByte() throws Exception {
        Path bare = dir.resolve("remote.git");
        git(dir, "init", "--bare", "-q", "-b", "main", bare.toString());
        String[] settings = {"git.remote-url=" + bare.toUri(), "git.work-dir=" + dir.resolve("clone")};

        Run first = run("git", true, settings);
        JsonNode json = first.json();
        assertThat(first.code()).as(first.out() + first.err()).isEqualTo(WorkspaceSync.INCOMPLETE);
        assertThat(json.get("status").asText()).isEqualTo("INCOMPLETE");
        assertThat(skippedPaths(json)).containsExactlyInAnyOrderElementsOf(SKIPPED);
        assertThat(lsTree(bare)).containsExactlyInAnyOrderElementsOf(CARRIED);

        Run second = run("git", true, settings);
        assertThat(second.code()).isEqualTo(WorkspaceSync.INCOMPLETE);
        assertThat(second.json().get("destinations").get(0).get("added").asInt())
                .isZero();
        assertThat(skippedPaths(second.json())).containsExactlyInAnyOrderElementsOf(SKIPPED);
        assertThat(commits(bare)).isEqualTo(1);

        sh(
                "mv \"$(printf 'bad\\351.txt')\" bad-fixed.txt; rm -r \"$(printf 'bad\\352.txt')\" \"$(printf 'dir\\377')\"");
        Files.delete(project.resolve("new\nline.txt"));
        Run fixed = run("git", true, settings);
        assertThat(fixed.code()).as(fixed.out()).isZero();
        assertThat(fixed.json().get("status").asText()).isEqualTo("SYNCED");
        List<String> expected = new ArrayList<>(CARRIED);
        expected.remove("new\nline.txt");
        expected.add("bad-fixed.txt");
        assertThat(lsTree(bare)).containsExactlyInAnyOrderElementsOf(expected);
        Run again = run("git", true, settings);
        assertThat(again.code()).isZero();
        assertThat(again.json().get("status").asText()).isEqualTo("NO_CHANGES");
        assertThat(commits(bare)).isEqualTo(2);
    }

    /**
     * The Databricks Workspace keeps the conservative default: no control characters or backslashes, and
     * one name per Unicode spelling. A composed/decomposed pair is reported as a clash (it used to fail
     * every run with "offered café.txt twice"), everything else lands, and removing one of the pair
     * lets the other land under its NFC name.
     */
    @Test
    void databricksReportsWhatItCannotHoldAndSyncsTheRest() throws Exception {
        String token = "dapi-completeness-4242";
        try (WorkspaceEmulator databricks = WorkspaceEmulator.start(token)) {
            String root = "/Users/" + WorkspaceEmulator.USER + "/projects/odd";
            String[] settings = {
                "databricks.host=" + databricks.host(),
                "databricks.token=" + token,
                "databricks.root=/Workspace" + root,
                "databricks.state-dir=" + dir.resolve("dbstate")
            };
            sh("rm -r \"$(printf 'bad\\351.txt')\" \"$(printf 'bad\\352.txt')\" \"$(printf 'dir\\377')\"");
            Run first = run("databricks", true, settings);
            assertThat(first.code()).as(first.out() + first.err()).isEqualTo(WorkspaceSync.INCOMPLETE);
            assertThat(first.out()).doesNotContain(token);
            List<String> skipped = skippedPaths(first.json());
            assertThat(skipped)
                    .containsExactlyInAnyOrder(
                            "new\\nline.txt",
                            "tab\\there.txt",
                            "bell\\u0007.txt",
                            "esc\\u001b[31m.txt",
                            "back\\\\slash.txt",
                            "sub\\\\dir/x.txt",
                            NFC,
                            NFD);
            assertThat(first.json().get("skipped").toString()).contains("clashes with", "backslash", "U+000A");
            assertThat(databricks.object(root + "/README.md")).isPresent();
            assertThat(databricks.object(root + "/" + LONG_230)).isPresent();

            Files.delete(project.resolve(NFD));
            Run second = run("databricks", true, settings);
            assertThat(skippedPaths(second.json())).doesNotContain(NFC, NFD).hasSize(6);
            assertThat(databricks.object(root + "/" + NFC)).isPresent();
        }
    }

    /**
     * No Linux file system holds a 256-byte name, but a git tree does: committed mode reads one, and the
     * directory (NAME_MAX) and git (its clone's work tree) destinations report it instead of failing.
     * A tree name that is not UTF-8 is reported too, never carried under its Latin-1 reading.
     */
    @Test
    void namesOnlyACommitCanHoldAreReported() throws Exception {
        Path repo = dir.resolve("committed");
        Files.createDirectories(repo);
        git(repo, "init", "-q", "-b", "main");
        Files.writeString(repo.resolve("ok.txt"), "ok");
        byte[] blob = git(repo, "hash-object", "-w", "ok.txt");
        String id = new String(blob, StandardCharsets.US_ASCII).trim();
        git(repo, "update-index", "--add", "--cacheinfo", "100644," + id + ",ok.txt");
        git(repo, "update-index", "--add", "--cacheinfo", "100644," + id + "," + LONG_256);
        project = repo;
        sh("git update-index --add --cacheinfo \"100644," + id + ",$(printf 'bad\\351.txt')\"");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "odd names");
        List<String> skipped = List.of(LONG_256, "bad\\xE9.txt");

        Path mirror = dir.resolve("mirror");
        Run toDirectory = run(
                "directory",
                true,
                "local.mode=committed",
                "directory.path=" + mirror,
                "directory.state-dir=" + dir.resolve("state"));
        assertThat(toDirectory.code()).as(toDirectory.out() + toDirectory.err()).isEqualTo(WorkspaceSync.INCOMPLETE);
        assertThat(skippedPaths(toDirectory.json())).containsExactlyInAnyOrderElementsOf(skipped);
        assertThat(toDirectory.json().get("skipped").toString()).contains("255 bytes", "not valid UTF-8");
        assertThat(files(mirror)).containsExactly("ok.txt");

        Path bare = dir.resolve("remote.git");
        git(dir, "init", "--bare", "-q", "-b", "main", bare.toString());
        Run toGit = run(
                "git",
                true,
                "local.mode=committed",
                "git.remote-url=" + bare.toUri(),
                "git.work-dir=" + dir.resolve("clone"));
        assertThat(toGit.code()).as(toGit.out() + toGit.err()).isEqualTo(WorkspaceSync.INCOMPLETE);
        assertThat(skippedPaths(toGit.json())).containsExactlyInAnyOrderElementsOf(skipped);
        assertThat(lsTree(bare)).containsExactly("ok.txt");
    }

    /** The branch's file names exactly as git stores them (bytes, decoded only if they are UTF-8). */
    private List<String> lsTree(Path bare) throws Exception {
        byte[] raw = git(bare, "ls-tree", "-r", "-z", "--name-only", "main");
        List<String> names = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                byte[] name = Arrays.copyOfRange(raw, start, i);
                String text = new String(name, StandardCharsets.UTF_8);
                assertThat(text.getBytes(StandardCharsets.UTF_8))
                        .as("UTF-8 name")
                        .isEqualTo(name);
                names.add(text);
                start = i + 1;
            }
        }
        return names;
    }

    private int commits(Path bare) throws Exception {
        return new String(git(bare, "rev-list", "--count", "main"), StandardCharsets.UTF_8)
                        .trim()
                        .isEmpty()
                ? 0
                : Integer.parseInt(new String(git(bare, "rev-list", "--count", "main"), StandardCharsets.UTF_8).trim());
    }

    private byte[] git(Path in, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(in.toFile());
        builder.environment().put("HOME", dir.toString());
        builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        Process process = builder.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out;
        try (InputStream stdout = process.getInputStream()) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            stdout.transferTo(buffer);
            out = buffer.toByteArray();
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("git " + String.join(" ", args)).isZero();
        return out;
    }

    private static List<String> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString())
                    .toList();
        }
    }
}
