package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.databricks.testing.WorkspaceEmulator;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.Fault;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The way back from Databricks through the packaged CLI in child processes against the workspace
 * emulator: {@code run --source local --destination databricks}, then {@code run --source databricks
 * --destination directory} into a fresh directory reproduces the project byte for byte (notebooks of each
 * language and a Jupyter one under their names, binary files, an executable bit, a file over the 10 MB
 * export limit, names with spaces and Unicode); a second pull reports {@code NO_CHANGES}; the token
 * appears in no output.
 */
class DatabricksRoundTripIT {
    private static final String TOKEN = "dapi-roundtrip-9a7e";
    private static final String ROOT = "/Workspace/Users/" + WorkspaceEmulator.USER + "/projects/round trip";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private WorkspaceEmulator emulator;
    private Path project;

    @BeforeEach
    void start() throws IOException {
        emulator = WorkspaceEmulator.start(TOKEN);
        project = dir.resolve("round trip");
        write("etl.py", "# Databricks notebook source\nprint('etl')\n\n# COMMAND ----------\n\nx = 1\n");
        write("queries/report é.sql", "-- Databricks notebook source\nselect 1\n");
        write("jobs/Job.scala", "// Databricks notebook source\nval x = 1\n");
        write("stats/model.r", "# Databricks notebook source\nx <- 1\n");
        write(
                "notebooks/explore data.ipynb",
                "{\n \"cells\": [{\"cell_type\": \"code\", \"source\": [\"print(1)\"], \"metadata\": {}, \"outputs\": [],"
                        + " \"execution_count\": null}],\n \"metadata\": {\"application/vnd.databricks.v1+notebook\":"
                        + " {\"language\": \"python\"}},\n \"nbformat\": 4,\n \"nbformat_minor\": 2\n}\n");
        write("lib/helpers.py", "def helper():\n    return 1\n"); // a module, not a notebook
        write("docs/naïve 日本.md", "# docs\r\nwindows line ends\r\n");
        write("bin/run.sh", "#!/bin/sh\necho run\n");
        Files.setPosixFilePermissions(project.resolve("bin/run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        byte[] binary = new byte[70_000];
        new SplittableRandom(11).nextBytes(binary);
        Files.write(Files.createDirectories(project.resolve("data")).resolve("blob.bin"), binary);
        byte[] big = new byte[10 * 1024 * 1024 + 123];
        new SplittableRandom(12).nextBytes(big);
        Files.write(project.resolve("data/big over 10 MB.bin"), big);
        Files.write(project.resolve("empty"), new byte[0]);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private void write(String rel, String text) throws IOException {
        Path file = project.resolve(rel);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private int runs;

    private JsonNode run(String source, String destination, String... settings) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                Path.of("target/workspace-sync.jar").toAbsolutePath().toString(),
                "run",
                "--source",
                source,
                "--destination",
                destination,
                "--json",
                "--set",
                "databricks.host=" + emulator.host(),
                "--set",
                "databricks.root=" + ROOT));
        for (String s : settings) {
            command.add("--set");
            command.add(s);
        }
        Path output = dir.resolve("run-" + (++runs) + ".json");
        Path errors = dir.resolve("run-" + runs + ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(output.toFile())
                .redirectError(errors.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("DATABRICKS_") || k.startsWith("WORKSPACE_SYNC_"));
        builder.environment().put("DATABRICKS_TOKEN", TOKEN);
        builder.environment().put("HOME", dir.toString());
        Process process = builder.start();
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("the run ends").isTrue();
        String printed = Files.readString(output) + Files.readString(errors);
        assertThat(printed).doesNotContain(TOKEN);
        assertThat(process.exitValue()).as(printed).isZero();
        return JSON.readTree(Files.readString(output));
    }

    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String rel = root.relativize(file).toString().replace('\\', '/');
                byte[] bytes = Files.readAllBytes(file);
                out.put(
                        rel,
                        (Files.isExecutable(file) ? "x " : "- ") + bytes.length + " "
                                + Arrays.hashCode(bytes) + " "
                                + java.util.HexFormat.of()
                                        .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                                .digest(bytes)));
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    @Test
    void localToDatabricksToAFreshDirectoryReproducesTheProject() throws Exception {
        JsonNode push = run("local", "databricks", "local.path=" + project);
        assertThat(push.path("status").asText()).as(push.toString()).isEqualTo("SYNCED");
        assertThat(emulator.object(ROOT + "/etl"))
                .get()
                .satisfies(o -> assertThat(o.language()).isEqualTo("PYTHON"));

        Path restored = dir.resolve("fresh container/project");
        // The way back meets a 429 and a 503 and still brings everything.
        emulator.inject(Fault.rateLimited(Fault.kind(Kind.EXPORT), 2, 0));
        emulator.inject(Fault.unavailable(Fault.kind(Kind.DOWNLOAD), 1));
        emulator.resetCounts();
        JsonNode pull = run("databricks", "directory", "directory.path=" + restored);
        assertThat(pull.path("status").asText()).as(pull.toString()).isEqualTo("SYNCED");
        assertThat(tree(restored)).isEqualTo(tree(project));
        assertThat(emulator.mutatingRequests()).as("a pull writes nothing").isZero();

        JsonNode again = run("databricks", "directory", "directory.path=" + restored);
        assertThat(again.path("status").asText()).as(again.toString()).isEqualTo("NO_CHANGES");
        assertThat(tree(restored)).isEqualTo(tree(project));
    }

    @Test
    void aMissingFolderFailsNamingIt() throws Exception {
        Path output = dir.resolve("missing.json");
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        Path.of("target/workspace-sync.jar").toAbsolutePath().toString(),
                        "run",
                        "--source",
                        "databricks",
                        "--destination",
                        "directory",
                        "--set",
                        "databricks.host=" + emulator.host(),
                        "--set",
                        "databricks.root=" + ROOT + "/nope",
                        "--set",
                        "directory.path=" + dir.resolve("out"))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("DATABRICKS_") || k.startsWith("WORKSPACE_SYNC_"));
        builder.environment().put("DATABRICKS_TOKEN", TOKEN);
        builder.environment().put("HOME", dir.toString());
        Process process = builder.start();
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
        String printed = Files.readString(output);
        assertThat(process.exitValue()).as(printed).isNotZero();
        assertThat(printed).contains(ROOT + "/nope").contains("does not exist").doesNotContain(TOKEN);
        assertThat(dir.resolve("out")).doesNotExist();
    }
}
