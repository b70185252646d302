package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar sync-examples/target/workspace-sync.jar serve --port 0} as a user starts it: a separate
 * process with its own environment (nothing of the test JVM's {@code WINDMILL_*}, {@code GIT_*},
 * {@code SYNC_*} or {@code WORKSPACE_SYNC_*} leaks in), its home (and so its clone cache) in a test folder,
 * output captured to a file. The port is read from the startup line ({@code listening on ADDR:PORT}).
 */
final class ServeProcess implements AutoCloseable {
    // Tolerant: the last ":digits" on the line that says "listening".
    private static final Pattern LISTENING = Pattern.compile("(?i)listening\\b.*:(\\d{2,5})\\b");

    private final Process process;
    private final Path output;
    private final int port;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();

    private ServeProcess(Process process, Path output, int port) {
        this.process = process;
        this.output = output;
        this.port = port;
    }

    /** Starts the service and waits (up to 2 minutes) until it says where it listens. */
    static ServeProcess start(Path dir, Map<String, String> env) throws IOException, InterruptedException {
        Path jar = Path.of("target/workspace-sync.jar").toAbsolutePath();
        assertThat(jar).as("the packaged jar (failsafe runs after package)").exists();
        Path home = Files.createDirectories(dir.resolve("home"));
        Path output = dir.resolve("serve-" + System.nanoTime() + ".log");
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-Duser.home=" + home,
                        "-jar",
                        jar.toString(),
                        "serve",
                        "--port",
                        "0")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment()
                .keySet()
                .removeIf(k -> k.startsWith("WINDMILL_")
                        || k.startsWith("GIT_")
                        || k.startsWith("SYNC_")
                        || k.startsWith("WORKSPACE_SYNC_")
                        || k.startsWith("SLACK_")
                        || k.startsWith("DISCORD_"));
        builder.environment().put("HOME", home.toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            String text = Files.readString(output, StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    return new ServeProcess(process, output, Integer.parseInt(m.group(1)));
                }
            }
            if (process.waitFor(50, TimeUnit.MILLISECONDS)) {
                throw new AssertionError("serve exited with " + process.exitValue() + ":\n" + text);
            }
        }
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        throw new AssertionError("serve did not say where it listens:\n" + Files.readString(output));
    }

    int port() {
        return port;
    }

    /** Everything the service printed so far. */
    String output() throws IOException {
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    HttpResponse<String> post(String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sync"))
                .timeout(Duration.ofSeconds(180))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** SIGTERM, then (after 60 s) SIGKILL; returns once the process is gone. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(60, TimeUnit.SECONDS);
        }
    }
}
