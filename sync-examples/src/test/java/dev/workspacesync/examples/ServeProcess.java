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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code serve} as a user starts it: {@code java -jar target/workspace-sync.jar serve --port 0 ...} in its
 * own process, with a clean environment, output in files. {@link #close()} kills it for sure (call it
 * before temporary directories go).
 */
final class ServeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on \\S+:(\\d+) ");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final int port;

    private ServeProcess(Process process, Path stdout, Path stderr) throws Exception {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        await(
                "the startup line",
                Duration.ofSeconds(90),
                () -> LISTENING.matcher(out()).find() || !process.isAlive());
        Matcher m = LISTENING.matcher(out());
        assertThat(m.find()).as("serve did not start:%n%s%n%s", out(), err()).isTrue();
        this.port = Integer.parseInt(m.group(1));
    }

    /** Starts {@code serve --port 0 args...} with only {@code env} (plus PATH) in its environment. */
    static ServeProcess start(Path dir, Map<String, String> env, String... args) throws Exception {
        return start(dir, env, "info", args);
    }

    /** The same, logging at {@code logLevel} ({@code WORKSPACE_SYNC_LOG_LEVEL}; {@code env} may override it). */
    static ServeProcess start(Path dir, Map<String, String> env, String logLevel, String... args) throws Exception {
        Files.createDirectories(dir);
        Path jar = Path.of("target/workspace-sync.jar").toAbsolutePath();
        assertThat(jar).exists();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Duser.home=" + (env.containsKey("HOME") ? env.get("HOME") : dir.resolve("home")),
                "-jar",
                jar.toString(),
                "serve",
                "--port",
                "0"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        Path stdout = Files.createTempFile(dir, "serve-", ".out");
        Path stderr = Files.createTempFile(dir, "serve-", ".err");
        builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        String path = System.getenv("PATH");
        builder.environment().clear();
        builder.environment().put("PATH", path == null ? "/usr/bin:/bin" : path);
        // Its home (and so its clone cache) in the test folder, never the user's.
        builder.environment()
                .put("HOME", Files.createDirectories(dir.resolve("home")).toString());
        builder.environment().put("WORKSPACE_SYNC_LOG_LEVEL", logLevel);
        builder.environment().putAll(env);
        return new ServeProcess(builder.start(), stdout, stderr);
    }

    int port() {
        return port;
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    Process process() {
        return process;
    }

    String out() {
        return read(stdout);
    }

    String err() {
        return read(stderr);
    }

    /** Everything the service printed so far, standard output then standard error. */
    String output() {
        return out() + err();
    }

    HttpResponse<String> post(String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url("/sync")))
                .timeout(Duration.ofSeconds(180))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(60));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** Sends SIGTERM (what {@link Process#destroy()} does on Unix, and what Kubernetes and Docker send). */
    void terminate() {
        process.destroy();
    }

    /** Waits for the exit and returns the code; fails after {@code patience}. */
    int awaitExit(Duration patience) throws InterruptedException {
        assertThat(process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS))
                .as("serve exits within %s:%n%s%n%s", patience, out(), err())
                .isTrue();
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        process.waitFor(30, TimeUnit.SECONDS);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    /** Polls {@code condition} every 50 ms until it holds; fails naming {@code what} after {@code patience}. */
    static void await(String what, Duration patience, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline)
                    .as("waiting %s for %s", patience, what)
                    .isNegative();
            Thread.sleep(50);
        }
    }
}
