package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.git.testing.GitHttpServer;
import dev.workspacesync.git.testing.GitTesting;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --deploy-source git --deploy-destination directory} in its own process: signed push
 * webhooks deploy the pushed branch from a real smart-HTTP git remote; a bad signature deploys nothing.
 */
class DeployWebhookIT {
    private static final String HOOK_SECRET = "git-hook-secret-it-5c2e";
    private static final PersonIdent DEV = new PersonIdent("Dev", "dev@example.invalid");

    @TempDir
    Path dir;

    private GitHttpServer git;
    private Git work;
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
        git.createRepository("app.git");
        work = Git.init()
                .setDirectory(dir.resolve("work").toFile())
                .setInitialBranch("main")
                .call();
    }

    @AfterEach
    void stop() throws Exception {
        if (serve != null) {
            serve.close();
        }
        work.close();
        git.close();
    }

    /** Commits one file on {@code branch} and pushes the branch into the server's bare repository. */
    private String push(String branch, String path, String content) throws Exception {
        boolean exists = work.getRepository().findRef("refs/heads/" + branch) != null;
        if (work.getRepository().resolve("HEAD") != null) {
            work.checkout().setName(branch).setCreateBranch(!exists).call();
        }
        GitTesting.write(dir.resolve("work"), path, content);
        work.add().addFilepattern(".").call();
        RevCommit commit = work.commit()
                .setMessage("change " + path)
                .setAuthor(DEV)
                .setCommitter(DEV)
                .setSign(false)
                .call();
        work.push()
                .setRemote(git.directory("app.git").toUri().toString())
                .setRefSpecs(new RefSpec("refs/heads/" + branch + ":refs/heads/" + branch))
                .call();
        return commit.getName();
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", dir.resolve("home").toString());
        env.put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_REMOTE_URL", git.url("app.git"));
        env.put("GIT_TOKEN", GitHttpServer.PASSWORD);
        env.put("WORKSPACE_SYNC_GIT_USERNAME", GitHttpServer.USER);
        env.put("WORKSPACE_SYNC_DIRECTORY_PATH", dir.resolve("deployed").toString());
        env.put("WORKSPACE_SYNC_GIT_WEBHOOK_SECRET", HOOK_SECRET);
        return env;
    }

    private static String sign(byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(HOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    private byte[] payload(String ref, String after) {
        return ("{\"ref\":\"" + ref + "\",\"before\":\"" + "0".repeat(40) + "\",\"after\":\"" + after
                        + "\",\"repository\":{\"full_name\":\"acme/app\",\"clone_url\":\"" + git.url("app.git")
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

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return new ObjectMapper().readTree(response.body());
    }

    private String deployed(String path) {
        try {
            Path file = dir.resolve("deployed").resolve(path);
            return Files.exists(file) ? Files.readString(file) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** How many deploys finished, from {@code /status} (0 before the first). */
    private String lastDeploy() throws Exception {
        HttpResponse<String> status = http.send(
                HttpRequest.newBuilder(URI.create(serve.url("/status"))).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode deploys = json(status).get("deploys");
        return deploys.isEmpty() ? "" : deploys.get(0).get("finishedAt").asText();
    }

    @Test
    void signedPushesDeployTheirBranchAndBadSignaturesNothing() throws Exception {
        String first = push("main", "app/config.yaml", "version: 1\n");
        push("feature", "app/feature.txt", "wip\n");
        serve = ServeProcess.start(dir.resolve("run"), env(), "info", new String[] {
            "--deploy-source", "git", "--deploy-destination", "directory", "--deploy-branches", "main"
        });
        assertThat(serve.out()).contains("deploys deploy git " + git.url("app.git") + " -> directory (branches main)");

        byte[] ping = "{\"zen\":\"Design for failure.\",\"hook_id\":7}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> pong = hook(ping, "X-GitHub-Event", "ping", "X-Hub-Signature-256", "sha256=" + sign(ping));
        assertThat(pong.statusCode()).as(pong.body()).isEqualTo(200);

        // A signed GitHub push of main deploys main's tree (not feature's file).
        HttpResponse<String> accepted = github(payload("refs/heads/main", first));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(json(accepted).get("branch").asText()).isEqualTo("main");
        ServeProcess.await(
                "the first deploy", Duration.ofSeconds(120), () -> "version: 1\n".equals(deployed("app/config.yaml")));
        ServeProcess.await("its status", Duration.ofSeconds(30), () -> {
            try {
                return !lastDeploy().isEmpty();
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(deployed("app/feature.txt")).isNull();
        String afterFirst = lastDeploy();

        // A new commit, announced with one flipped byte or the wrong secret: 401, nothing deployed.
        String second = push("main", "app/config.yaml", "version: 2\n");
        byte[] body = payload("refs/heads/main", second);
        String signature = "sha256=" + sign(body);
        byte[] flipped = body.clone();
        flipped[body.length / 2] ^= 1;
        assertThat(hook(flipped, "X-GitHub-Event", "push", "X-Hub-Signature-256", signature)
                        .statusCode())
                .isEqualTo(401);
        assertThat(hook(body, "X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", HOOK_SECRET + "-wrong")
                        .statusCode())
                .isEqualTo(401);
        assertThat(hook(body, "X-GitHub-Event", "push").statusCode()).isEqualTo(401);
        // Pushes of another branch, of a tag, or of another repository are ignored.
        HttpResponse<String> feature = github(payload("refs/heads/feature", second));
        assertThat(feature.statusCode()).isEqualTo(200);
        assertThat(json(feature).get("status").asText()).isEqualTo("IGNORED");
        assertThat(json(github(payload("refs/tags/v1", second))).get("status").asText())
                .isEqualTo("IGNORED");
        byte[] other = new String(body, StandardCharsets.UTF_8)
                .replace("/app.git", "/other.git")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(json(github(other)).get("reason").asText()).contains("not the configured repository");
        // Every answer above came before anything was started: nothing ran since the first deploy.
        assertThat(lastDeploy()).isEqualTo(afterFirst);
        assertThat(deployed("app/config.yaml")).isEqualTo("version: 1\n");

        // The GitLab variant (the token itself in X-Gitlab-Token) deploys the new commit.
        byte[] gitlab = ("{\"object_kind\":\"push\",\"ref\":\"refs/heads/main\",\"after\":\"" + second
                        + "\",\"checkout_sha\":\"" + second + "\",\"project\":{\"git_http_url\":\"" + git.url("app.git")
                        + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> viaGitlab = hook(gitlab, "X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", HOOK_SECRET);
        assertThat(viaGitlab.statusCode()).as(viaGitlab.body()).isEqualTo(202);
        ServeProcess.await(
                "the GitLab-triggered deploy",
                Duration.ofSeconds(120),
                () -> "version: 2\n".equals(deployed("app/config.yaml")));

        assertThat(serve.output()).doesNotContain(HOOK_SECRET).doesNotContain("Authorization: Basic");
        serve.terminate();
        assertThat(serve.awaitExit(Duration.ofSeconds(60))).isZero();
    }
}
