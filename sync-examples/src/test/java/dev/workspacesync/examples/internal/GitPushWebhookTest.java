package dev.workspacesync.examples.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.Secret;
import dev.workspacesync.core.testing.Seeds;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Push webhooks of GitHub, GitLab and Gitea/Forgejo: signatures over the raw bytes, events, payloads. */
class GitPushWebhookTest {
    private static final Secret SECRET = Secret.of("s3cret-hook-value");
    private static final String PUSH = """
            {"ref":"refs/heads/main","before":"1111111111111111111111111111111111111111",\
            "after":"2222222222222222222222222222222222222222",\
            "repository":{"clone_url":"https://github.com/acme/app.git","ssh_url":"git@github.com:acme/app.git"}}""";

    /** What the sender computes, with javax.crypto directly (not the code under test). */
    static String sign(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    private static Function<String, String> headers(String... pairs) {
        Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map::get;
    }

    private static GitPushWebhook.Delivery read(String body, String... headers) {
        return GitPushWebhook.read(headers(headers), "application/json", bytes(body), SECRET);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static Stream<Long> seeds() {
        return Seeds.seeds(25);
    }

    /** Random bodies and secrets: the sender's signature verifies; one flipped byte anywhere does not. */
    @ParameterizedTest
    @MethodSource("seeds")
    void aSignatureHoldsForTheExactBytesOnly(long seed) throws Exception {
        SplittableRandom random = Seeds.random("aSignatureHoldsForTheExactBytesOnly", seed);
        byte[] body = new byte[random.nextInt(0, 5000)];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) random.nextInt(256);
        }
        StringBuilder secretText = new StringBuilder();
        for (int i = random.nextInt(1, 60); i > 0; i--) {
            secretText.appendCodePoint(random.nextInt(0x21, 0x7f));
        }
        Secret secret = Secret.of(secretText.toString());
        String hex = sign(secretText.toString(), body);
        assertThat(GitPushWebhook.hmacMatches(hex, body, secret)).isTrue();
        assertThat(GitPushWebhook.hmacMatches(hex.toUpperCase(), body, secret)).isTrue();
        if (body.length > 0) {
            byte[] flipped = body.clone();
            int at = random.nextInt(body.length);
            flipped[at] ^= (byte) (1 << random.nextInt(8));
            assertThat(GitPushWebhook.hmacMatches(hex, flipped, secret))
                    .as("byte %d flipped", at)
                    .isFalse();
        }
        char[] wrong = hex.toCharArray();
        int at = random.nextInt(wrong.length);
        wrong[at] = wrong[at] == '0' ? '1' : '0';
        assertThat(GitPushWebhook.hmacMatches(new String(wrong), body, secret)).isFalse();
        assertThat(GitPushWebhook.hmacMatches(hex, body, Secret.of(secretText + "x")))
                .isFalse();
        assertThat(GitPushWebhook.hmacMatches(hex.substring(2), body, secret)).isFalse();
    }

    /** A JSON push with random padding and fields, signed for each sender: accepted; one byte off: 401. */
    @ParameterizedTest
    @MethodSource("seeds")
    void everySenderVerifiesThenReadsTheRef(long seed) throws Exception {
        SplittableRandom random = Seeds.random("everySenderVerifiesThenReadsTheRef", seed);
        String branch = "b" + random.nextInt(1000) + (random.nextBoolean() ? "/x" : "");
        String body = " ".repeat(random.nextInt(5)) + "{\"ref\":\"refs/heads/" + branch + "\",\"after\":\"abc\","
                + "\"noise\":\"" + "z".repeat(random.nextInt(300)) + "\","
                + "\"repository\":{\"clone_url\":\"https://h/r.git\"}}";
        String secret = "k" + random.nextLong();
        Secret configured = Secret.of(secret);
        String hex = sign(secret, bytes(body));
        List<String[]> variants = List.of(
                new String[] {"X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + hex},
                new String[] {"X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", secret},
                new String[] {"X-Gitea-Event", "push", "X-Gitea-Signature", hex},
                new String[] {"X-Forgejo-Event", "push", "X-Forgejo-Signature", hex});
        for (String[] headers : variants) {
            GitPushWebhook.Delivery delivery =
                    GitPushWebhook.read(headers(headers), "application/json", bytes(body), configured);
            assertThat(delivery).isInstanceOf(GitPushWebhook.Push.class);
            assertThat(((GitPushWebhook.Push) delivery).branch()).isEqualTo(branch);
            byte[] tampered = bytes(body);
            tampered[random.nextInt(tampered.length)] ^= 0x20;
            if (headers[0].equals("X-Gitlab-Event")) {
                continue; // GitLab's token does not cover the body
            }
            assertThatThrownBy(() -> GitPushWebhook.read(headers(headers), "application/json", tampered, configured))
                    .isInstanceOfSatisfying(
                            GitPushWebhook.Refused.class,
                            r -> assertThat(r.status()).isEqualTo(401));
        }
    }

    @Test
    void missingOrMalformedSignaturesAreUnauthorized() throws Exception {
        String hex = sign("s3cret-hook-value", bytes(PUSH));
        List<String[]> refused = List.of(
                new String[] {"X-GitHub-Event", "push"},
                new String[] {"X-GitHub-Event", "push", "X-Hub-Signature-256", hex}, // no sha256= prefix
                new String[] {"X-GitHub-Event", "push", "X-Hub-Signature", "sha1=" + hex},
                new String[] {"X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=zz" + hex.substring(2)},
                new String[] {"X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256="},
                new String[] {"X-Gitlab-Event", "Push Hook"},
                new String[] {"X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", "s3cret-hook-valuE"},
                new String[] {"X-Gitea-Event", "push"},
                new String[] {"X-Gitea-Event", "push", "X-Gitea-Signature", "sha256=" + hex},
                // Gitea also sends GitHub's headers: its own signature is the one checked.
                new String[] {"X-Gitea-Event", "push", "X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + hex
                },
                // Forgejo's signature is checked first: a bad one is not rescued by Gitea's.
                new String[] {"X-Forgejo-Event", "push", "X-Forgejo-Signature", "00", "X-Gitea-Signature", hex});
        for (String[] headers : refused) {
            assertThatThrownBy(() -> read(PUSH, headers))
                    .as(String.join(" ", headers))
                    .isInstanceOfSatisfying(GitPushWebhook.Refused.class, r -> {
                        assertThat(r.status()).isEqualTo(401);
                        assertThat(r.getMessage()).doesNotContain("s3cret-hook-value");
                    });
        }
    }

    @Test
    void unknownSendersAndEventsAreBadRequests() throws Exception {
        String hex = sign("s3cret-hook-value", bytes(PUSH));
        assertThatThrownBy(() -> read(PUSH))
                .isInstanceOfSatisfying(
                        GitPushWebhook.Refused.class,
                        r -> assertThat(r.status()).isEqualTo(400));
        assertThatThrownBy(() -> read(PUSH, "X-GitHub-Event", "issues", "X-Hub-Signature-256", "sha256=" + hex))
                .isInstanceOfSatisfying(GitPushWebhook.Refused.class, r -> {
                    assertThat(r.status()).isEqualTo(400);
                    assertThat(r.getMessage()).contains("'issues'");
                });
        assertThatThrownBy(() -> read(PUSH, "X-Gitlab-Event", "Merge Request Hook", "X-Gitlab-Token", SECRET.reveal()))
                .isInstanceOfSatisfying(
                        GitPushWebhook.Refused.class,
                        r -> assertThat(r.status()).isEqualTo(400));
        // An unknown event with a bad signature is 401 first: nothing is said to an unauthenticated caller.
        assertThatThrownBy(() -> read(PUSH, "X-GitHub-Event", "issues", "X-Hub-Signature-256", "sha256=00"))
                .isInstanceOfSatisfying(
                        GitPushWebhook.Refused.class,
                        r -> assertThat(r.status()).isEqualTo(401));
        String notJson = "{\"ref\":";
        assertThatThrownBy(() -> read(
                        notJson, "X-Gitea-Event", "push", "X-Gitea-Signature", sign(SECRET.reveal(), bytes(notJson))))
                .isInstanceOfSatisfying(
                        GitPushWebhook.Refused.class,
                        r -> assertThat(r.status()).isEqualTo(400));
        String noRef = "{\"after\":\"1\"}";
        assertThatThrownBy(() -> read(noRef, "X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", SECRET.reveal()))
                .hasMessageContaining("no 'ref'");
    }

    @Test
    void pingTagsAndDeletionsAreRecognised() throws Exception {
        String ping = "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}";
        assertThat(read(
                        ping,
                        "X-GitHub-Event",
                        "ping",
                        "X-Hub-Signature-256",
                        "sha256=" + sign("s3cret-hook-value", bytes(ping))))
                .isEqualTo(new GitPushWebhook.Ping(GitPushWebhook.Sender.GITHUB));

        String tag = "{\"ref\":\"refs/tags/v1.0\",\"after\":\"3333\"}";
        GitPushWebhook.Push tagPush =
                (GitPushWebhook.Push) read(tag, "X-Gitlab-Event", "Tag Push Hook", "X-Gitlab-Token", SECRET.reveal());
        assertThat(tagPush.branch()).isNull();
        assertThat(tagPush.deleted()).isFalse();

        String deletion = "{\"ref\":\"refs/heads/main\",\"after\":\"" + "0".repeat(40) + "\"}";
        assertThat(((GitPushWebhook.Push) read(
                                deletion,
                                "X-Gitea-Event",
                                "push",
                                "X-Gitea-Signature",
                                sign(SECRET.reveal(), bytes(deletion))))
                        .deleted())
                .isTrue();
        String gitlabDeletion = "{\"ref\":\"refs/heads/x\",\"after\":\"" + "0".repeat(64) + "\",\"checkout_sha\":null}";
        assertThat(((GitPushWebhook.Push)
                                read(gitlabDeletion, "X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", SECRET.reveal()))
                        .deleted())
                .isTrue();

        GitPushWebhook.Push push = (GitPushWebhook.Push) read(
                PUSH, "X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + sign(SECRET.reveal(), bytes(PUSH)));
        assertThat(push.branch()).isEqualTo("main");
        assertThat(push.after()).isEqualTo("2222222222222222222222222222222222222222");
        assertThat(push.repositories()).contains("https://github.com/acme/app.git", "git@github.com:acme/app.git");
    }

    /** GitHub's and Gitea's form option: the signature covers the form body; the JSON is its payload field. */
    @Test
    void formEncodedPayloads() throws Exception {
        byte[] form = bytes("payload=" + URLEncoder.encode(PUSH, StandardCharsets.UTF_8));
        GitPushWebhook.Delivery delivery = GitPushWebhook.read(
                headers("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + sign(SECRET.reveal(), form)),
                "application/x-www-form-urlencoded",
                form,
                SECRET);
        assertThat(((GitPushWebhook.Push) delivery).branch()).isEqualTo("main");
        // JSON sent with a form content type (curl -d): still JSON.
        byte[] json = bytes(PUSH);
        GitPushWebhook.Delivery curl = GitPushWebhook.read(
                headers("X-Gitea-Event", "push", "X-Gitea-Signature", sign(SECRET.reveal(), json)),
                "application/x-www-form-urlencoded",
                json,
                SECRET);
        assertThat(((GitPushWebhook.Push) curl).branch()).isEqualTo("main");
    }

    @Test
    void repositoriesMatchByHostAndPath() {
        assertThat(DeployService.repositoryKey("https://GitHub.com/Acme/App.git"))
                .isEqualTo(DeployService.repositoryKey("git@github.com:acme/app"))
                .isEqualTo(DeployService.repositoryKey("ssh://git@github.com:22/acme/app.git/"))
                .isEqualTo("github.com/acme/app");
        assertThat(DeployService.repositoryKey("https://github.com/acme/other.git"))
                .isNotEqualTo("github.com/acme/app");
        assertThat(DeployService.repositoryKey("https://evil.example/acme/app.git"))
                .isNotEqualTo("github.com/acme/app");
    }
}
