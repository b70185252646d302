package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncListener;
import dev.workspacesync.core.SyncPipeline;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.testing.CapturedOutput;
import dev.workspacesync.core.testing.InMemorySource;
import dev.workspacesync.examples.internal.BackupService;
import dev.workspacesync.examples.internal.DeployRoutes;
import dev.workspacesync.examples.internal.DeployService;
import dev.workspacesync.examples.internal.HttpLimits;
import dev.workspacesync.examples.internal.WebhookServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /deploy} and {@code POST /hooks/git} over real HTTP on loopback: an in-memory source whose
 * one file names the branch it was asked for, mirrored into a directory.
 */
class DeployRoutesTest {
    private static final String HOOK_SECRET = "git-hook-secret-7d1e";
    private static final String BEARER = "bearer-secret-90ab";
    private static final String REPO = "https://git.example.com/acme/deploy.git";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicInteger runs = new AtomicInteger();
    private final List<String> deployedBranches = Collections.synchronizedList(new ArrayList<>());
    private volatile CountDownLatch hold = new CountDownLatch(0);
    private volatile CountDownLatch holding = new CountDownLatch(0);
    private WebhookServer server;
    private BackupService service;
    private DeployService deploys;

    record Answer(int status, JsonNode body) {}

    private void start(Secret hookSecret, boolean withDeploys) throws Exception {
        service = new BackupService(new PipelinesOfBranches(), 2);
        DeployRoutes routes = null;
        if (withDeploys) {
            DeployService.Target target = new DeployService.Target(
                    "memory",
                    "directory",
                    SyncSettings.of(Map.of(
                            "directory.path", dir.resolve("mirror").toString(),
                            "directory.state-dir", dir.resolve("state").toString())),
                    "test.branch",
                    List.of("main", "release"),
                    List.of(REPO),
                    "deploy memory -> directory");
            deploys = new DeployService(target, new PipelinesOfBranches());
            routes = new DeployRoutes(deploys, hookSecret);
        }
        server = new WebhookServer(
                new InetSocketAddress("127.0.0.1", 0),
                service,
                body -> SyncSettings.empty(),
                Secret.of(BEARER),
                HttpLimits.defaults(),
                routes);
        server.start();
    }

    /** Pipelines whose source holds {@code branch.txt} = the branch asked for. */
    private final class PipelinesOfBranches implements BackupService.PipelineFactory {
        @Override
        public String target(SyncSettings settings) {
            return "deploy memory -> directory";
        }

        @Override
        public SyncPipeline create(SyncSettings settings) {
            String branch = settings.string("test.branch", "?");
            InMemorySource source = new InMemorySource("branch " + branch).put("branch.txt", branch);
            return SyncPipeline.builder()
                    .source(source)
                    .destination(ProviderRegistry.discover().createDestination("directory", settings))
                    .listener(new SyncListener() {
                        @Override
                        public void started(String source, List<String> destinations, boolean dryRun) {
                            runs.incrementAndGet();
                            deployedBranches.add(branch);
                            holding.countDown();
                            try {
                                hold.await(30, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    })
                    .build();
        }
    }

    @AfterEach
    void stop() {
        hold.countDown();
        if (server != null) {
            server.close();
            service.close();
            if (deploys != null) {
                deploys.close();
            }
        }
    }

    private Answer call(String path, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(response.body()).doesNotContain(HOOK_SECRET).doesNotContain(BEARER);
        return new Answer(response.statusCode(), json.readTree(response.body()));
    }

    private static String sign(byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(HOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    private static byte[] push(String ref, String after, String repository) {
        return ("{\"ref\":\"" + ref + "\",\"before\":\"" + "1".repeat(40) + "\",\"after\":\"" + after
                        + "\",\"repository\":{\"clone_url\":\"" + repository + "\",\"full_name\":\"acme/deploy\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private Answer github(byte[] body) throws Exception {
        return call(
                "/hooks/git",
                body,
                "Content-Type",
                "application/json",
                "X-GitHub-Event",
                "push",
                "X-Hub-Signature-256",
                "sha256=" + sign(body));
    }

    private String deployed() throws Exception {
        Path file = dir.resolve("mirror/branch.txt");
        return Files.exists(file) ? Files.readString(file) : null;
    }

    @Test
    void aSignedPushOfADeployBranchDeploysItInTheBackground() throws Exception {
        start(Secret.of(HOOK_SECRET), true);
        Answer answer = github(push("refs/heads/release", "a".repeat(40), REPO));
        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.body().get("status").asText()).isEqualTo("STARTED");
        assertThat(answer.body().get("branch").asText()).isEqualTo("release");
        assertThat(deploys.awaitIdle(Duration.ofSeconds(30))).isTrue();
        assertThat(deployed()).isEqualTo("release");
        assertThat(deployedBranches).containsExactly("release");

        // /status shows the deploy, with the bearer token.
        HttpResponse<String> status = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/status"))
                        .header("Authorization", "Bearer " + BEARER)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode entry = json.readTree(status.body()).get("deploys").get(0);
        assertThat(entry.get("target").asText()).isEqualTo("deploy memory -> directory");
        assertThat(entry.get("status").asText()).isEqualTo("SYNCED");
    }

    @Test
    void pushesThatDeployNothingAreIgnoredWithAReason() throws Exception {
        start(Secret.of(HOOK_SECRET), true);
        Map<byte[], String> ignored = Map.of(
                push("refs/heads/feature/x", "b".repeat(40), REPO), "not configured for deploys",
                push("refs/tags/v1.0", "b".repeat(40), REPO), "not a branch",
                push("refs/heads/main", "0".repeat(40), REPO), "deleted",
                push("refs/heads/main", "b".repeat(40), "https://git.example.com/acme/other.git"),
                        "not the configured repository",
                push("refs/heads/main", "b".repeat(40), "https://evil.example/acme/deploy.git"),
                        "not the configured repository");
        for (Map.Entry<byte[], String> push : ignored.entrySet()) {
            Answer answer = github(push.getKey());
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.body().get("status").asText()).isEqualTo("IGNORED");
            assertThat(answer.body().get("reason").asText()).contains(push.getValue());
        }
        assertThat(runs).hasValue(0);
        assertThat(deployed()).isNull();
    }

    @Test
    void badSignaturesAndUnknownEventsDeployNothing() throws Exception {
        start(Secret.of(HOOK_SECRET), true);
        byte[] body = push("refs/heads/main", "c".repeat(40), REPO);
        byte[] flipped = body.clone();
        flipped[10] ^= 1;
        String signature = "sha256=" + sign(body);
        assertThat(call("/hooks/git", flipped, "X-GitHub-Event", "push", "X-Hub-Signature-256", signature)
                        .status())
                .isEqualTo(401);
        assertThat(call("/hooks/git", body, "X-GitHub-Event", "push").status()).isEqualTo(401);
        assertThat(call("/hooks/git", body, "X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", "nope")
                        .status())
                .isEqualTo(401);
        // The bearer token of /sync is not a webhook signature.
        assertThat(call("/hooks/git", body, "X-GitHub-Event", "push", "Authorization", "Bearer " + BEARER)
                        .status())
                .isEqualTo(401);
        assertThat(call("/hooks/git", body, "X-GitHub-Event", "issues", "X-Hub-Signature-256", signature)
                        .status())
                .isEqualTo(400);
        assertThat(call("/hooks/git", body).status()).isEqualTo(400);
        byte[] ping = "{\"zen\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
        Answer pong = call("/hooks/git", ping, "X-GitHub-Event", "ping", "X-Hub-Signature-256", "sha256=" + sign(ping));
        assertThat(pong.status()).isEqualTo(200);
        assertThat(pong.body().get("status").asText()).isEqualTo("PONG");
        assertThat(runs).hasValue(0);

        byte[] huge = new byte[DeployRoutes.MAX_HOOK_BODY + 1];
        assertThat(call("/hooks/git", huge, "X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=00")
                        .status())
                .isEqualTo(413);
    }

    @Test
    void gitlabAndGiteaPushesDeployToo() throws Exception {
        start(Secret.of(HOOK_SECRET), true);
        byte[] gitlab = ("{\"object_kind\":\"push\",\"ref\":\"refs/heads/main\",\"after\":\"" + "d".repeat(40)
                        + "\",\"checkout_sha\":\"" + "d".repeat(40) + "\",\"project\":{\"git_http_url\":\"" + REPO
                        + "\",\"git_ssh_url\":\"git@git.example.com:acme/deploy.git\"}}")
                .getBytes(StandardCharsets.UTF_8);
        Answer answer = call("/hooks/git", gitlab, "X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", HOOK_SECRET);
        assertThat(answer.status()).isEqualTo(202);
        assertThat(deploys.awaitIdle(Duration.ofSeconds(30))).isTrue();
        assertThat(deployed()).isEqualTo("main");

        byte[] gitea = push("refs/heads/release", "e".repeat(40), "git@git.example.com:acme/deploy.git");
        assertThat(call("/hooks/git", gitea, "X-Gitea-Event", "push", "X-Gitea-Signature", sign(gitea))
                        .status())
                .isEqualTo(202);
        assertThat(deploys.awaitIdle(Duration.ofSeconds(30))).isTrue();
        assertThat(deployed()).isEqualTo("release");
    }

    /** Pushes during a deploy queue one follow-up run, which deploys the last branch pushed. */
    @Test
    void pushesDuringADeployCoalesceIntoOneFollowUpRun() throws Exception {
        start(Secret.of(HOOK_SECRET), true);
        hold = new CountDownLatch(1);
        holding = new CountDownLatch(1);
        assertThat(github(push("refs/heads/main", "1".repeat(40), REPO))
                        .body()
                        .get("status")
                        .asText())
                .isEqualTo("STARTED");
        assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
        for (String branch : List.of("main", "release", "main", "release")) {
            Answer queued = github(push("refs/heads/" + branch, "2".repeat(40), REPO));
            assertThat(queued.status()).isEqualTo(202);
            assertThat(queued.body().get("status").asText()).isEqualTo("QUEUED");
        }
        hold.countDown();
        assertThat(deploys.awaitIdle(Duration.ofSeconds(30))).isTrue();
        assertThat(deployedBranches).containsExactly("main", "release");
        assertThat(deployed()).isEqualTo("release");
    }

    @Test
    void postDeployWaitsAndTakesOnlyAConfiguredBranch() throws Exception {
        start(Secret.of(HOOK_SECRET), true);
        String auth = "Bearer " + BEARER;
        Answer deployed = call("/deploy", new byte[0], "Authorization", auth);
        assertThat(deployed.status()).isEqualTo(200);
        assertThat(deployed.body().get("status").asText()).isEqualTo("SYNCED");
        assertThat(deployed.body().get("branch").asText()).isEqualTo("main");
        assertThat(deployed()).isEqualTo("main");

        Answer release =
                call("/deploy", "{\"branch\":\"release\"}".getBytes(StandardCharsets.UTF_8), "Authorization", auth);
        assertThat(release.status()).isEqualTo(200);
        assertThat(deployed()).isEqualTo("release");

        assertThat(call("/deploy", "{\"branch\":\"feature\"}".getBytes(StandardCharsets.UTF_8), "Authorization", auth)
                        .body()
                        .get("message")
                        .asText())
                .contains("'feature' is not configured for deploys");
        Answer typo = call("/deploy", "{\"brnach\":\"main\"}".getBytes(StandardCharsets.UTF_8), "Authorization", auth);
        assertThat(typo.status()).isEqualTo(400);
        assertThat(typo.body().get("message").asText()).contains("did you mean 'branch'");
        // A request cannot name where to deploy from or to.
        Answer url = call(
                "/deploy",
                "{\"git_remote_url\":\"https://evil.example/x.git\"}".getBytes(StandardCharsets.UTF_8),
                "Authorization",
                auth);
        assertThat(url.status()).isEqualTo(400);
        assertThat(call("/deploy", "{\"branch\":\"-x\"}".getBytes(StandardCharsets.UTF_8), "Authorization", auth)
                        .status())
                .isEqualTo(400);
        assertThat(call("/deploy", new byte[0]).status()).isEqualTo(401);
        assertThat(runs).hasValue(2);
    }

    @Test
    void withoutADeployDirectionOrHookSecretTheRoutesAreOff() throws Exception {
        start(null, true);
        byte[] body = push("refs/heads/main", "f".repeat(40), REPO);
        Answer off = call("/hooks/git", body, "X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + sign(body));
        assertThat(off.status()).isEqualTo(404);
        assertThat(off.body().get("message").asText()).contains("WORKSPACE_SYNC_GIT_WEBHOOK_SECRET");
        server.close();
        service.close();
        deploys.close();

        start(Secret.of(HOOK_SECRET), false);
        assertThat(call("/hooks/git", body, "X-GitHub-Event", "push").status()).isEqualTo(404);
        assertThat(call("/deploy", new byte[0], "Authorization", "Bearer " + BEARER)
                        .status())
                .isEqualTo(404);
        assertThat(runs).hasValue(0);
    }

    @Test
    void theSecretNeverReachesTheLog() throws Exception {
        try (CapturedOutput output = new CapturedOutput()) {
            start(Secret.of(HOOK_SECRET), true);
            byte[] body = push("refs/heads/main", "9".repeat(40), REPO);
            github(body);
            call("/hooks/git", body, "X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", HOOK_SECRET + "x");
            call("/hooks/git", body, "X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", HOOK_SECRET);
            assertThat(deploys.awaitIdle(Duration.ofSeconds(30))).isTrue();
            assertThat(output.text()).doesNotContain(HOOK_SECRET);
        }
    }
}
