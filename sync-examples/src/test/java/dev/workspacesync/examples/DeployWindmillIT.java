package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.git.testing.GitHttpServer;
import dev.workspacesync.git.testing.GitTesting;
import dev.workspacesync.windmill.testing.Fixtures;
import dev.workspacesync.windmill.testing.WindmillEmulator;
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
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --deploy-source git --deploy-destination windmill} in its own process, configured through the
 * environment alone (scoped {@code WORKSPACE_SYNC_DESTINATION_WINDMILL_*} variables for the workspace it deploys
 * into): a signed push webhook deploys the backup repository's branch into the Windmill emulator, a rerun writes
 * nothing, one changed script is one write, and a bad signature writes nothing.
 */
class DeployWindmillIT {
    private static final String TOKEN = "wm-deploy-token-81c4d0";
    private static final String HOOK_SECRET = "git-hook-secret-deploy-wm-3a9f";
    private static final PersonIdent DEV = new PersonIdent("Dev", "dev@example.invalid");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The kinds the windmill destination pushes, as WindmillRoundTripIT lists them. */
    private static final Map<String, String> KINDS = Map.of(
            "WORKSPACE_SYNC_WINDMILL_INCLUDE_SCHEDULES", "true",
            "WORKSPACE_SYNC_WINDMILL_INCLUDE_TRIGGERS", "true",
            "WORKSPACE_SYNC_WINDMILL_INCLUDE_USERS", "true",
            "WORKSPACE_SYNC_WINDMILL_INCLUDE_GROUPS", "true",
            "WORKSPACE_SYNC_WINDMILL_PLAIN_SECRETS", "true");

    @TempDir
    Path dir;

    private GitHttpServer git;
    private ServeProcess serve;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void isolate() {
        GitTesting.isolateJGit();
    }

    @AfterAll
    static void restore() {
        GitTesting.restoreJGit();
    }

    @BeforeEach
    void start() throws Exception {
        git = new GitHttpServer(dir.resolve("server"));
        git.createRepository("backup.git");
    }

    @AfterEach
    void stop() throws Exception {
        if (serve != null) {
            serve.close();
        }
        git.close();
    }

    @Test
    void signedPushesDeployTheBranchIntoTheWorkspace() throws Exception {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN)
                .workspace("staging", Fixtures.fullWorkspace())
                .emptyWorkspace("prod")) {
            backup(emulator);

            Map<String, String> env = new HashMap<>(KINDS);
            env.put("XDG_CACHE_HOME", dir.resolve("cache").toString());
            env.put("GIT_CONFIG_NOSYSTEM", "1");
            env.put("GIT_REMOTE_URL", git.url("backup.git"));
            env.put("GIT_TOKEN", GitHttpServer.PASSWORD);
            env.put("WORKSPACE_SYNC_GIT_USERNAME", GitHttpServer.USER);
            env.put("WORKSPACE_SYNC_SOURCE_GIT_BRANCH", "main");
            env.put("WORKSPACE_SYNC_DESTINATION_WINDMILL_BASE_URL", emulator.baseUrl());
            env.put("WORKSPACE_SYNC_DESTINATION_WINDMILL_WORKSPACE", "prod");
            env.put("WORKSPACE_SYNC_DESTINATION_WINDMILL_TOKEN", TOKEN);
            env.put("WORKSPACE_SYNC_DEPLOY_SOURCE", "git");
            env.put("WORKSPACE_SYNC_DEPLOY_DESTINATION", "windmill");
            env.put("WORKSPACE_SYNC_GIT_WEBHOOK_SECRET", HOOK_SECRET);
            serve = ServeProcess.start(dir.resolve("run"), env);
            assertThat(serve.out()).contains("deploy git " + git.url("backup.git") + " -> windmill (branches main)");
            String head = head();

            // The first signed push: prod becomes what staging is.
            emulator.resetRequests();
            HttpResponse<String> accepted = github(payload(head));
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            JsonNode first = awaitDeployAfter("");
            assertThat(first.path("status").asText()).as(first.toString()).isEqualTo("SYNCED");
            assertThat(emulator.writeRequests()).isPositive();
            assertThat(WindmillRoundTripIT.comparable(emulator.state("prod")))
                    .isEqualTo(WindmillRoundTripIT.comparable(emulator.state("staging")));

            // The same push again: nothing differs, nothing is written.
            emulator.resetRequests();
            assertThat(github(payload(head)).statusCode()).isEqualTo(202);
            JsonNode second = awaitDeployAfter(first.path("finishedAt").asText());
            assertThat(second.path("status").asText()).as(second.toString()).isEqualTo("NO_CHANGES");
            assertThat(emulator.writeRequests()).isZero();

            // One changed script, announced with a bad signature: refused before anything runs.
            String changed = commitChangedScript();
            emulator.resetRequests();
            byte[] body = payload(changed);
            byte[] flipped = body.clone();
            flipped[body.length / 2] ^= 1;
            assertThat(hook(flipped, "X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + sign(body))
                            .statusCode())
                    .isEqualTo(401);
            assertThat(hook(body, "X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", HOOK_SECRET + "-wrong")
                            .statusCode())
                    .isEqualTo(401);
            assertThat(lastDeploy().path("finishedAt").asText())
                    .isEqualTo(second.path("finishedAt").asText());
            assertThat(emulator.writeRequests()).isZero();

            // Signed: exactly one write, the script.
            assertThat(github(body).statusCode()).isEqualTo(202);
            JsonNode third = awaitDeployAfter(second.path("finishedAt").asText());
            assertThat(third.path("status").asText()).as(third.toString()).isEqualTo("SYNCED");
            assertThat(emulator.writeRequests()).isEqualTo(1);
            assertThat(emulator.state("prod")).contains("changed by a deploy");

            assertThat(serve.output())
                    .doesNotContain(TOKEN)
                    .doesNotContain(HOOK_SECRET)
                    .doesNotContain(GitHttpServer.PASSWORD);
            serve.terminate();
            assertThat(serve.awaitExit(Duration.ofSeconds(60))).isZero();
        }
    }

    /** Staging's tree as our windmill source writes it, on the backup repository's main (the CLI jar, run once). */
    private void backup(WindmillEmulator emulator) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                Path.of("target/workspace-sync.jar").toAbsolutePath().toString(),
                "run",
                "--source",
                "windmill",
                "--destination",
                "git",
                "--json"));
        for (String set : List.of(
                "windmill.base-url=" + emulator.baseUrl(),
                "windmill.workspace=staging",
                "git.remote-url=" + git.url("backup.git"),
                "git.username=" + GitHttpServer.USER,
                "git.work-dir=" + dir.resolve("backup-clone"))) {
            command.addAll(List.of("--set", set));
        }
        Path out = dir.resolve("backup.out");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectErrorStream(true);
        builder.environment()
                .keySet()
                .removeIf(k -> k.startsWith("WINDMILL_")
                        || k.startsWith("GIT_")
                        || k.startsWith("WORKSPACE_SYNC_")
                        || k.startsWith("DATABRICKS_"));
        builder.environment().putAll(KINDS);
        builder.environment().put("WINDMILL_TOKEN", TOKEN);
        builder.environment().put("GIT_TOKEN", GitHttpServer.PASSWORD);
        builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        builder.environment().put("HOME", dir.resolve("home").toString());
        builder.environment().put("XDG_CACHE_HOME", dir.resolve("backup-cache").toString());
        Process process = builder.start();
        boolean ended = process.waitFor(180, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor();
        }
        assertThat(ended && process.exitValue() == 0)
                .as("the backup run:%n%s", Files.readString(out))
                .isTrue();
    }

    private String head() throws IOException {
        try (Git bare = Git.open(git.directory("backup.git").toFile())) {
            return bare.getRepository().resolve("refs/heads/main").getName();
        }
    }

    /** Changes one script's code on main, pushed straight into the server's bare repository. */
    private String commitChangedScript() throws Exception {
        Path work = dir.resolve("work");
        try (Git clone = Git.cloneRepository()
                .setURI(git.directory("backup.git").toUri().toString())
                .setDirectory(work.toFile())
                .setBranch("main")
                .call()) {
            Path code = work.resolve("f/team/hello.py");
            assertThat(code).exists();
            Files.writeString(code, "def main():\n    return 'changed by a deploy'\n");
            clone.add().addFilepattern(".").call();
            String id = clone.commit()
                    .setMessage("change hello")
                    .setAuthor(DEV)
                    .setCommitter(DEV)
                    .setSign(false)
                    .call()
                    .getName();
            clone.push().call();
            return id;
        }
    }

    private static String sign(byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(HOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    private byte[] payload(String after) {
        return ("{\"ref\":\"refs/heads/main\",\"before\":\"" + "0".repeat(40) + "\",\"after\":\"" + after
                        + "\",\"repository\":{\"full_name\":\"acme/backup\",\"clone_url\":\"" + git.url("backup.git")
                        + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private HttpResponse<String> hook(byte[] body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(serve.url("/hooks/git")))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> github(byte[] body) throws Exception {
        return hook(body, "X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + sign(body));
    }

    /** The deploy's entry in {@code /status} (empty before the first deploy). */
    private JsonNode lastDeploy() throws IOException, InterruptedException {
        JsonNode deploys = JSON.readTree(serve.get("/status").body()).path("deploys");
        return deploys.isEmpty() ? JSON.createObjectNode() : deploys.get(0);
    }

    /** Waits for a deploy that finished after {@code finishedAt} (empty: any) and returns its status. */
    private JsonNode awaitDeployAfter(String finishedAt) throws InterruptedException {
        ServeProcess.await("a deploy after '" + finishedAt + "'", Duration.ofSeconds(180), () -> {
            try {
                String last = lastDeploy().path("finishedAt").asText();
                return !last.isEmpty() && !last.equals(finishedAt);
            } catch (IOException | InterruptedException e) {
                return false;
            }
        });
        try {
            return lastDeploy();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
