package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A targets file through the real jar: {@code serve --targets} with three targets on three schedules,
 * {@code /sync?target=NAME}, {@code /status}, a bad file refused at start-up naming every problem (exit 2),
 * and {@code run --target}.
 */
class TargetsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "targets-it-token-5b0c";

    @TempDir
    Path dir;

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    private String target(String name, String schedule) throws IOException {
        Path source = Files.createDirectories(dir.resolve("src-" + name));
        Files.writeString(source.resolve("file-" + name + ".txt"), "content of " + name + "\n");
        return """
                  - name: %s
                    source: local
                    destinations: [directory]
                    settings:
                      local.path: %s
                      directory.path: %s
                      directory.state-dir: %s
                %s""".formatted(
                        name,
                        source,
                        dir.resolve("out-" + name),
                        dir.resolve("state"),
                        schedule == null ? "" : "    schedule: \"" + schedule + "\"\n    timeout: 5m\n");
    }

    private JsonNode status(ServeProcess serve) throws Exception {
        return JSON.readTree(http.send(
                        HttpRequest.newBuilder(URI.create(serve.url("/status"))).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
    }

    private JsonNode entry(JsonNode status, String name) {
        for (JsonNode t : status.path("targets")) {
            if (t.path("target").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no " + name + " in " + status);
    }

    @Test
    void threeTargetsRunThreeSchedulesAndAnswerByName() throws Exception {
        Path file = dir.resolve("targets.yaml");
        Files.writeString(
                file,
                "targets:\n" + target("alpha", "* * * * *") + target("beta", "* * * * *") + target("gamma", "* * * * *")
                        + target("manual", null));
        ServeProcess serve = ServeProcess.start(
                dir.resolve("serve"), Map.of("HOME", dir.resolve("home").toString()), "info", new String[] {
                    "--targets", file.toString(), "--max-parallel", "2"
                });
        cleanup.add(serve);
        assertThat(serve.out()).contains("4 target(s) from " + file + " (3 scheduled)");

        JsonNode before = status(serve);
        assertThat(before.path("targets")).hasSize(4);
        for (String name : List.of("alpha", "beta", "gamma")) {
            assertThat(entry(before, name).path("nextRun").asText()).as(name).isNotEmpty();
        }
        assertThat(entry(before, "manual").path("nextRun").isNull()).isTrue();

        HttpResponse<String> manual = http.send(
                HttpRequest.newBuilder(URI.create(serve.url("/sync?target=manual")))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(manual.statusCode()).as(manual.body()).isEqualTo(200);
        assertThat(Files.readString(dir.resolve("out-manual/file-manual.txt"))).isEqualTo("content of manual\n");

        HttpResponse<String> unknown = http.send(
                HttpRequest.newBuilder(URI.create(serve.url("/sync?target=alhpa")))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("No target 'alhpa'").contains("did you mean 'alpha'?");
        HttpResponse<String> settings = http.send(
                HttpRequest.newBuilder(URI.create(serve.url("/sync")))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"target\":\"alpha\",\"git_remote_url\":\"x\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(settings.statusCode()).isEqualTo(400);
        assertThat(settings.body()).contains("names a target only");

        // Each schedule fires on its own (cron's minute: within about a minute).
        ServeProcess.await("three scheduled runs", Duration.ofSeconds(150), () -> {
            try {
                JsonNode now = status(serve);
                return List.of("alpha", "beta", "gamma").stream()
                        .allMatch(n -> entry(now, n).path("status").asText().equals("SYNCED"));
            } catch (Exception e) {
                return false;
            }
        });
        for (String name : List.of("alpha", "beta", "gamma")) {
            assertThat(Files.readString(dir.resolve("out-" + name).resolve("file-" + name + ".txt")))
                    .isEqualTo("content of " + name + "\n");
            assertThat(entry(status(serve), name).path("consecutiveFailures").asInt())
                    .isZero();
        }
        serve.terminate();
        assertThat(serve.awaitExit(Duration.ofSeconds(60))).isZero();
    }

    record Result(int code, String out, String err) {}

    private Result jar(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                Path.of("target/workspace-sync.jar").toAbsolutePath().toString()));
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
        builder.environment().putAll(env);
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void aBadFileIsRefusedAtStartNamingEveryProblem() throws Exception {
        Path file = dir.resolve("targets.yaml");
        Files.writeString(
                file,
                "targets:\n" + target("one", "every minute")
                        + "  - name: two\n    source: local\n    destinations: [git]\n    settings:\n"
                        + "      local.path: /tmp\n      git.remote-url: https://example.invalid/r.git\n"
                        + "      git.token: " + TOKEN + "\n      git.brnch: main\n");
        Result serve = jar(Map.of(), "serve", "--port", "0", "--targets", file.toString());
        assertThat(serve.code()).isEqualTo(2);
        assertThat(serve.err())
                .contains(file + ": target 'one': key 'schedule' 'every minute' is not a cron expression")
                .contains(file + ": target 'two': key 'settings.git.token' is a secret written in the file")
                .contains("'git.brnch'")
                .contains("did you mean 'git.branch'?")
                .doesNotContain(TOKEN);
        assertThat(serve.out()).doesNotContain("listening on");
    }

    @Test
    void runTargetRunsOneTargetOfTheFile() throws Exception {
        Files.writeString(
                dir.resolve("workspace-sync-targets.yaml"), "targets:\n" + target("a", null) + target("b", null));
        // Found in the working directory, as config files are.
        Result run = jar(Map.of(), "run", "--target", "b", "--json");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(JSON.readTree(run.out()).path("status").asText()).isEqualTo("SYNCED");
        assertThat(Files.readString(dir.resolve("out-b/file-b.txt"))).isEqualTo("content of b\n");
        assertThat(dir.resolve("out-a")).doesNotExist();

        Result unknown = jar(Map.of(), "run", "--target", "c");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("No target 'c'");
        Result mixed = jar(Map.of(), "run", "--target", "a", "--source", "local");
        assertThat(mixed.code()).isEqualTo(2);
        assertThat(mixed.err()).contains("drop --source, --destination, --set and --config");
    }
}
