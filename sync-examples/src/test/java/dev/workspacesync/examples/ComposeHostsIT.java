package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.workspacesync.databricks.testing.WorkspaceEmulator;
import dev.workspacesync.git.testing.GitHttpServer;
import dev.workspacesync.git.testing.GitTesting;
import dev.workspacesync.windmill.testing.Fixtures;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Docker Compose host names ({@code windmill_server}, {@code git_server}, {@code dbx_host},
 * {@code hooks_server}) through the packaged CLI in its own JVM, whose {@code -Djdk.net.hosts.file} maps them
 * to 127.0.0.1 as Compose's DNS would; and credentials written into URLs, per adapter: never shown on
 * stdout, stderr or in any file written, taken (git) or refused naming the token setting (Windmill,
 * Databricks).
 */
class ComposeHostsIT {
    private static final String WINDMILL_TOKEN = "wm-compose-token-71c9";
    private static final String DATABRICKS_TOKEN = "dapi-compose-token-3e0a";
    private static final String URL_PASSWORD = "PASSWORD-in-url-4f2d9";

    @TempDir
    Path dir;

    private Path hosts;
    private Path project;
    private WindmillEmulator windmill;
    private GitHttpServer git;
    private WorkspaceEmulator databricks;

    /** What a CLI process printed. */
    record Result(int code, String out, String err) {
        String all() {
            return out + "\n" + err;
        }

        JsonNode json() throws IOException {
            return new ObjectMapper().readTree(out);
        }
    }

    @BeforeEach
    void start() throws Exception {
        hosts = dir.resolve("hosts");
        Files.writeString(hosts, "127.0.0.1 localhost\n127.0.0.1 windmill_server git_server dbx_host hooks_server\n");
        project = dir.resolve("project");
        Files.createDirectories(project.resolve("src"));
        Files.writeString(project.resolve("README.md"), "# compose\n");
        Files.writeString(project.resolve("src/app.py"), "print('hi')\n");
        windmill = WindmillEmulator.start(WINDMILL_TOKEN).workspace("admins", Fixtures.fullWorkspace());
        git = new GitHttpServer(dir.resolve("server"));
        git.createRepository("backup");
        databricks = WorkspaceEmulator.start(DATABRICKS_TOKEN);
    }

    @AfterEach
    void stop() throws Exception {
        windmill.close();
        git.close();
        databricks.close();
    }

    private static String port(String url) {
        Matcher m = Pattern.compile(":(\\d+)").matcher(url.substring(url.indexOf("://") + 3));
        assertThat(m.find()).as(url).isTrue();
        return m.group(1);
    }

    private String windmillUrl() {
        return "http://windmill_server:" + port(windmill.baseUrl());
    }

    private String gitUrl(String userInfo) {
        return "http://" + userInfo + "git_server:" + port(git.url("backup")) + "/git/backup";
    }

    private String databricksUrl(String userInfo) {
        return "http://" + userInfo + "dbx_host:" + port(databricks.host());
    }

    private ProcessBuilder java(Map<String, String> env, List<String> args) {
        Path jar = Path.of("target/workspace-sync.jar").toAbsolutePath();
        assertThat(jar).exists();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djdk.net.hosts.file=" + hosts,
                "-jar",
                jar.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("DATABRICKS_") || k.startsWith("WORKSPACE_SYNC_"));
        builder.environment().put("HOME", dir.resolve("home").toString());
        builder.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        builder.environment().putAll(env);
        return builder;
    }

    private Result cli(Map<String, String> env, String... args) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = java(env, List.of(args))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        boolean ended = process.waitFor(240, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor();
        }
        assertThat(ended).as("the CLI ended").isTrue();
        Result result = new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return result;
    }

    /** No file below the test's directory (homes, caches, clones, state, the remote) holds {@code secret}. */
    private void noFileContains(String secret) throws IOException {
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile).forEach(file -> {
                try {
                    String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                    assertThat(text)
                            .as(file.toString())
                            .doesNotContain(new String(needle, StandardCharsets.ISO_8859_1));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    // ---- hosts with '_'

    @Test
    void windmillAtAComposeHostBacksUpToADirectory() throws Exception {
        Path out = dir.resolve("backup");
        Result r = cli(
                Map.of(
                        "WINDMILL_BASE_URL",
                        windmillUrl(),
                        "WINDMILL_TOKEN",
                        WINDMILL_TOKEN,
                        "WINDMILL_WORKSPACE",
                        "admins"),
                "run",
                "--source",
                "windmill",
                "--destination",
                "directory",
                "--set",
                "directory.path=" + out,
                "--json");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.json().get("status").asText()).isEqualTo("SYNCED");
        assertThat(r.out()).contains("windmill_server:" + port(windmill.baseUrl()));
        try (Stream<Path> files = Files.walk(out)) {
            assertThat(files.filter(Files::isRegularFile).count()).isPositive();
        }
        assertThat(windmill.requests()).anySatisfy(q -> assertThat(q.path()).endsWith("/workspaces/tarball"));
        assertThat(r.all()).doesNotContain(WINDMILL_TOKEN);
    }

    @Test
    void aLocalProjectPushesToAGitServerAtAComposeHost() throws Exception {
        Result r = cli(
                Map.of("GIT_TOKEN", GitHttpServer.PASSWORD),
                "run",
                "--source",
                "local",
                "--set",
                "local.path=" + project,
                "--destination",
                "git",
                "--set",
                "git.remote-url=" + gitUrl(""),
                "--set",
                "git.username=" + GitHttpServer.USER,
                "--json");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.json().get("destinations").get(0).get("target").asText()).startsWith(gitUrl(""));
        assertThat(GitTesting.tree(git.directory("backup"), "main")).containsKeys("README.md", "src/app.py");
    }

    @Test
    void aLocalProjectUploadsToADatabricksHostAtAComposeHost() throws Exception {
        String root = "/Users/" + WorkspaceEmulator.USER + "/compose";
        Result r = cli(
                Map.of("DATABRICKS_TOKEN", DATABRICKS_TOKEN),
                "run",
                "--source",
                "local",
                "--set",
                "local.path=" + project,
                "--destination",
                "databricks",
                "--set",
                "databricks.host=" + databricksUrl(""),
                "--set",
                "databricks.root=" + root,
                "--set",
                "databricks.state-dir=" + dir.resolve("dbstate"),
                "--json");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.json().get("destinations").get(0).get("target").asText())
                .startsWith("databricks:" + databricksUrl("") + "/")
                .endsWith("/compose");
        assertThat(databricks.objectsUnder(root)).containsKeys(root + "/README.md", root + "/src/app.py");
        assertThat(r.all()).doesNotContain(DATABRICKS_TOKEN);
    }

    @Test
    void httpsToAComposeHostIsRefusedRatherThanUnverified() throws Exception {
        Result r = cli(
                Map.of("WINDMILL_TOKEN", WINDMILL_TOKEN, "WINDMILL_WORKSPACE", "admins"),
                "run",
                "--source",
                "windmill",
                "--set",
                "windmill.base-url=https://windmill_server:8443",
                "--destination",
                "directory",
                "--set",
                "directory.path=" + dir.resolve("never"),
                "--json");
        assertThat(r.code()).as(r.all()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(r.json().get("message").asText())
                .contains("windmill.base-url")
                .contains("'_'")
                .contains("http://windmill_server:8443");
    }

    /** The backup service posts its failure notice to a Slack webhook at a Compose host. */
    @Test
    void serveNotifiesAWebhookAtAComposeHost() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer hooks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hooks.createContext("/services/T000/B000", exchange -> {
            received.add(exchange.getRequestHeaders().get("Host") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        hooks.start();
        Path out = dir.resolve("serve.txt");
        Map<String, String> env = new HashMap<>();
        env.put("WINDMILL_BASE_URL", windmillUrl());
        env.put("WINDMILL_TOKEN", "not-the-token");
        env.put("WINDMILL_WORKSPACE", "admins");
        env.put("GIT_REMOTE_URL", gitUrl(""));
        env.put("GIT_TOKEN", GitHttpServer.PASSWORD);
        env.put("WORKSPACE_SYNC_GIT_USERNAME", GitHttpServer.USER);
        env.put("SLACK_WEBHOOK_URL", "http://hooks_server:" + hooks.getAddress().getPort() + "/services/T000/B000");
        Process serve = java(env, List.of("serve", "--port", "0"))
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        try {
            Pattern listening = Pattern.compile("listening on [0-9.]+:(\\d+)");
            String port = null;
            Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
            while (port == null && Instant.now().isBefore(deadline) && serve.isAlive()) {
                Matcher m = listening.matcher(Files.readString(out));
                if (m.find()) {
                    port = m.group(1);
                } else {
                    serve.waitFor(200, TimeUnit.MILLISECONDS);
                }
            }
            assertThat(port).as(Files.readString(out)).isNotNull();
            HttpResponse<String> answer = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sync"))
                                    .timeout(Duration.ofSeconds(120))
                                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isGreaterThanOrEqualTo(400);
            deadline = Instant.now().plus(Duration.ofSeconds(60));
            while (received.isEmpty() && Instant.now().isBefore(deadline)) {
                serve.waitFor(100, TimeUnit.MILLISECONDS);
            }
            assertThat(received)
                    .as(Files.readString(out))
                    .singleElement()
                    .satisfies(r -> assertThat(r)
                            .startsWith("[hooks_server:" + hooks.getAddress().getPort() + "] ")
                            .contains("FAILED"));
        } finally {
            serve.destroy();
            if (!serve.waitFor(90, TimeUnit.SECONDS)) {
                serve.destroyForcibly().waitFor();
            }
            hooks.stop(0);
        }
    }

    // ---- credentials inside URLs

    @Test
    void aTokenInTheGitRemoteUrlIsUsedWithANoticeAndNeverShown() throws Exception {
        // As the old service wrote it: the token as the URL's user (the user name comes from git.username).
        Result tokenOnly = cli(
                Map.of(),
                "run",
                "--source",
                "local",
                "--set",
                "local.path=" + project,
                "--destination",
                "git",
                "--set",
                "git.remote-url=" + gitUrl(GitHttpServer.PASSWORD + "@"),
                "--set",
                "git.username=" + GitHttpServer.USER,
                "--json");
        assertThat(tokenOnly.code()).as(tokenOnly.all()).isZero();
        assertThat(tokenOnly.err())
                .containsOnlyOnce("git.remote-url carries a credential")
                .contains("git.token (GIT_TOKEN)");
        assertThat(tokenOnly.json().get("destinations").get(0).get("target").asText())
                .isEqualTo(gitUrl("") + "#main");
        assertThat(GitTesting.tree(git.directory("backup"), "main")).containsKeys("README.md");

        // user:token, and a new commit through it.
        Files.writeString(project.resolve("src/app.py"), "print('again')\n");
        Result userAndToken = cli(
                Map.of(),
                "run",
                "--source",
                "local",
                "--set",
                "local.path=" + project,
                "--destination",
                "git",
                "--set",
                "git.remote-url=" + gitUrl(GitHttpServer.USER + ":" + GitHttpServer.PASSWORD + "@"),
                "--json");
        assertThat(userAndToken.code()).as(userAndToken.all()).isZero();
        assertThat(userAndToken.json().get("status").asText()).isEqualTo("SYNCED");
        assertThat(GitTesting.log(git.directory("backup"), "main")).hasSize(2);

        // A different git.token is a contradiction: refused, naming both keys and neither value.
        Result conflict = cli(
                Map.of("GIT_TOKEN", "another-token-9c1e"),
                "run",
                "--source",
                "local",
                "--set",
                "local.path=" + project,
                "--destination",
                "git",
                "--set",
                "git.remote-url=" + gitUrl(GitHttpServer.PASSWORD + "@"),
                "--json");
        assertThat(conflict.code()).as(conflict.all()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(conflict.json().get("message").asText())
                .contains("git.remote-url")
                .contains("git.token (GIT_TOKEN)")
                .doesNotContain("another-token-9c1e");

        for (Result r : List.of(tokenOnly, userAndToken, conflict)) {
            assertThat(r.all()).doesNotContain(GitHttpServer.PASSWORD);
        }
        noFileContains(GitHttpServer.PASSWORD);
    }

    @Test
    void credentialsInTheWindmillBaseUrlAreRefusedAndNeverShown() throws Exception {
        Result r = cli(
                Map.of("WINDMILL_TOKEN", WINDMILL_TOKEN, "WINDMILL_WORKSPACE", "admins"),
                "run",
                "--source",
                "windmill",
                "--set",
                "windmill.base-url=http://admin:" + URL_PASSWORD + "@windmill_server:" + port(windmill.baseUrl()),
                "--destination",
                "directory",
                "--set",
                "directory.path=" + dir.resolve("never"),
                "--json");
        assertThat(r.code()).as(r.all()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(r.json().get("message").asText())
                .contains("windmill.base-url")
                .contains("windmill.token (WINDMILL_TOKEN)")
                .contains(windmillUrl());
        assertThat(r.all()).doesNotContain(URL_PASSWORD).doesNotContain("admin:");
        assertThat(windmill.requests()).isEmpty();
        assertThat(dir.resolve("never")).doesNotExist();
        noFileContains(URL_PASSWORD);
    }

    @Test
    void credentialsInTheDatabricksHostAreRefusedAndNeverShown() throws Exception {
        Result setting = cli(
                Map.of("DATABRICKS_TOKEN", DATABRICKS_TOKEN),
                "run",
                "--source",
                "local",
                "--set",
                "local.path=" + project,
                "--destination",
                "databricks",
                "--set",
                "databricks.host=" + databricksUrl("u:" + URL_PASSWORD + "@"),
                "--set",
                "databricks.root=/Users/" + WorkspaceEmulator.USER + "/compose",
                "--json");
        Result environment = cli(
                Map.of("DATABRICKS_TOKEN", DATABRICKS_TOKEN, "DATABRICKS_HOST", databricksUrl(URL_PASSWORD + "@")),
                "run",
                "--source",
                "local",
                "--set",
                "local.path=" + project,
                "--destination",
                "databricks",
                "--set",
                "databricks.root=/Users/" + WorkspaceEmulator.USER + "/compose",
                "--json");
        for (Result r : List.of(setting, environment)) {
            assertThat(r.code()).as(r.all()).isEqualTo(WorkspaceSync.USAGE);
            assertThat(r.json().get("message").asText())
                    .contains("databricks.token' (DATABRICKS_TOKEN)")
                    .contains(databricksUrl(""));
            assertThat(r.all()).doesNotContain(URL_PASSWORD);
        }
        assertThat(setting.json().get("message").asText()).contains("databricks.host");
        assertThat(environment.json().get("message").asText()).contains("DATABRICKS_HOST");
        assertThat(databricks.totalRequests()).isZero();
        noFileContains(URL_PASSWORD);
    }
}
