package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspacesync.git.testing.GitHttpServer;
import dev.workspacesync.windmill.testing.Fixtures;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attacks the real {@code serve} (the packaged jar, a separate process) as a caller who can reach its port:
 * requests name a capture server (on 127.0.0.1 and ::1) as {@code git_remote_url} and
 * {@code windmill_base_url}, in every configuration, with every spelling trick; the service's own tokens
 * (and its webhook secret, and its SSH key) must never reach it, appear in an answer or in the log, and no
 * refused request may leave a {@code /status} entry. Then fuzzed bodies: always 400/401/403 naming a field.
 */
class ServeAttackIT {
    private static final String WINDMILL_TOKEN = "wm-attack-token-4f1c9e";
    private static final String GIT_TOKEN = GitHttpServer.PASSWORD;
    private static final String WEBHOOK_SECRET = "hook-secret-attack-77d0";
    private static final String SSH_KEY_MARKER = "FAKE-KEY-MATERIAL-93b1c";
    private static final String CALLERS_GIT = "callers-own-git-token-1";
    private static final String CALLERS_WINDMILL = "callers-own-wm-token-2";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;

    private static WindmillEmulator windmill;
    private static GitHttpServer git;

    @TempDir
    Path dir;

    @BeforeAll
    static void servers() throws Exception {
        windmill = WindmillEmulator.start(WINDMILL_TOKEN).workspace("admins", Fixtures.fullWorkspace());
        git = new GitHttpServer(shared.resolve("git"));
        git.createRepository("backup");
    }

    @AfterAll
    static void stopServers() throws Exception {
        windmill.close();
        git.close();
    }

    /** The configurations attacked. */
    enum Config {
        BOTH,
        BOTH_WITH_WEBHOOK_SECRET,
        GIT_TOKEN_ONLY,
        WINDMILL_TOKEN_ONLY,
        TOKENS_WITHOUT_URLS,
        SSH_KEY,
        ALLOWED_HOSTS_WITHOUT_THE_CAPTURE_PORT;

        Map<String, String> env(Path dir, CaptureServer capture) throws Exception {
            Map<String, String> env = new LinkedHashMap<>();
            if (this != GIT_TOKEN_ONLY) {
                env.put("WINDMILL_TOKEN", WINDMILL_TOKEN);
            }
            if (this != WINDMILL_TOKEN_ONLY) {
                env.put("GIT_TOKEN", GIT_TOKEN);
                env.put("WORKSPACE_SYNC_GIT_USERNAME", GitHttpServer.USER);
            }
            if (this != TOKENS_WITHOUT_URLS) {
                env.put("WINDMILL_BASE_URL", windmill.baseUrl());
                if (this != WINDMILL_TOKEN_ONLY) {
                    env.put("GIT_REMOTE_URL", git.url("backup"));
                }
            }
            switch (this) {
                case BOTH_WITH_WEBHOOK_SECRET -> env.put("SYNC_WEBHOOK_SECRET", WEBHOOK_SECRET);
                case SSH_KEY -> {
                    Path key = dir.resolve("id_ed25519");
                    Files.writeString(
                            key,
                            "-----BEGIN OPENSSH PRIVATE KEY-----\n" + SSH_KEY_MARKER
                                    + "\n-----END OPENSSH PRIVATE KEY-----\n");
                    env.put("GIT_REMOTE_URL", "ssh://git@127.0.0.1:1/backup.git");
                    env.put("WORKSPACE_SYNC_GIT_SSH_KEY", key.toString());
                }
                // The capture host, but not its port; no port means the default port only.
                case ALLOWED_HOSTS_WITHOUT_THE_CAPTURE_PORT ->
                    env.put(
                            "SYNC_ALLOWED_HOSTS",
                            "localhost, 127.0.0.1:" + (capture.port() == 65535 ? 1 : capture.port() + 1)
                                    + ", *.corp.example, [::1]:1");
                default -> {}
            }
            return env;
        }

        String[] auth() {
            return this == BOTH_WITH_WEBHOOK_SECRET
                    ? new String[] {"Authorization", "Bearer " + WEBHOOK_SECRET}
                    : new String[0];
        }
    }

    /** One attacking request and the answers it may get. */
    private record Attack(String body, List<Integer> statuses, String field) {}

    private static String json(Object... pairs) throws Exception {
        ObjectNode node = JSON.createObjectNode();
        for (int i = 0; i < pairs.length; i += 2) {
            node.put((String) pairs[i], (String) pairs[i + 1]);
        }
        return JSON.writeValueAsString(node);
    }

    private static List<Attack> attacks(CaptureServer capture, CaptureServer ipv6) throws Exception {
        int port = capture.port();
        String cap = capture.url();
        String gitPort = git.url("backup").replaceFirst("^http://[^:]+:(\\d+).*", "$1");
        List<String> hosts = new ArrayList<>(List.of(
                cap,
                "http://localhost:" + port,
                "http://LOCALHOST.:" + port,
                "http://127.0.0.1.:" + port,
                "http://127.1:" + port,
                "http://2130706433:" + port,
                "http://0177.0.0.1:" + port,
                "HTTP://127.0.0.1:" + port));
        if (ipv6 != null) {
            hosts.add(ipv6.url());
            hosts.add("http://[0:0:0:0:0:0:0:1]:" + ipv6.port());
        }
        List<Attack> attacks = new ArrayList<>();
        List<Integer> refused = List.of(400, 403);
        for (String host : hosts) {
            attacks.add(new Attack(json("git_remote_url", host + "/steal.git"), refused, "git_remote_url"));
            attacks.add(new Attack(json("windmill_base_url", host), refused, "windmill_base_url"));
            attacks.add(new Attack(
                    json("git_remote_url", host + "/steal.git", "workspace", "admins", "git_branch", "main"),
                    refused,
                    "git_remote_url"));
        }
        // The caller's own token for one side only: the other side's service credential stays home.
        attacks.add(new Attack(json("git_remote_url", cap + "/s.git", "git_token", CALLERS_GIT), refused, "git_"));
        attacks.add(
                new Attack(json("windmill_base_url", cap, "windmill_token", CALLERS_WINDMILL), refused, "windmill_"));
        attacks.add(new Attack(
                json("git_remote_url", cap + "/s.git", "windmill_token", CALLERS_WINDMILL), refused, "git_remote_url"));
        attacks.add(new Attack(json("windmill_base_url", cap, "git_token", CALLERS_GIT), refused, "windmill_"));
        // Userinfo, fragments, backslashes: one reading for everyone, else 400.
        attacks.add(new Attack(
                json("git_remote_url", "http://127.0.0.1:" + gitPort + "@127.0.0.1:" + port + "/s.git"),
                List.of(400),
                "git_remote_url"));
        attacks.add(new Attack(
                json("git_remote_url", "http://" + GitHttpServer.USER + "@127.0.0.1:" + port + "/s.git"),
                List.of(400),
                "git_remote_url"));
        attacks.add(new Attack(
                json("git_remote_url", cap + "#@127.0.0.1:" + gitPort + "/git/backup"),
                List.of(400),
                "git_remote_url"));
        attacks.add(new Attack(
                json("git_remote_url", cap + "\\@127.0.0.1:" + gitPort + "/git/backup"),
                List.of(400),
                "git_remote_url"));
        attacks.add(new Attack(
                json("windmill_base_url", "http://127.0.0.1:1@127.0.0.1:" + port), List.of(400), "windmill_base_url"));
        attacks.add(new Attack(json("windmill_base_url", cap + "#@" + windmill.baseUrl()), List.of(400), "windmill"));
        // SSH: the service's identity never goes to a host a request names.
        attacks.add(new Attack(json("git_remote_url", "ssh://git@127.0.0.1:" + port + "/s.git"), refused, "git_"));
        attacks.add(new Attack(
                json("git_remote_url", "git@127.0.0.1:s.git", "git_token", CALLERS_GIT), refused, "git_remote_url"));
        // A local repository is not a caller's to name.
        attacks.add(new Attack(
                json("git_remote_url", shared.resolve("git/backup").toUri().toString()), refused, "git_remote_url"));
        // Duplicate keys: the last one counts for every reader.
        attacks.add(new Attack(
                "{\"git_remote_url\": \"" + git.url("backup") + "\", \"git_remote_url\": \"" + cap + "/s.git\"}",
                refused,
                "git_remote_url"));
        // Notifications come only from the environment.
        attacks.add(new Attack(json("slack_webhook_url", cap + "/hook"), List.of(400), "slack_webhook_url"));
        attacks.add(new Attack(
                json("discord_webhook_url", cap + "/hook", "notify_on_success", "true"),
                List.of(400),
                "discord_webhook_url"));
        return attacks;
    }

    private static void assertClean(String text, String what) {
        assertThat(text)
                .as(what)
                .doesNotContain(WINDMILL_TOKEN)
                .doesNotContain(GIT_TOKEN)
                .doesNotContain(WEBHOOK_SECRET)
                .doesNotContain(SSH_KEY_MARKER);
    }

    private static JsonNode targets(ServeProcess serve, String... auth) throws Exception {
        HttpResponse<String> status = serve.get("/status", auth);
        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
        return JSON.readTree(status.body()).get("targets");
    }

    @ParameterizedTest
    @EnumSource(Config.class)
    void theConfiguredCredentialsNeverReachAHostARequestNames(Config config) throws Exception {
        try (CaptureServer capture = CaptureServer.onLoopback()) {
            CaptureServer ipv6 = CaptureServer.onIpv6Loopback();
            try (ServeProcess serve = ServeProcess.start(dir, config.env(dir, capture))) {
                StringBuilder answers = new StringBuilder();
                for (Attack attack : attacks(capture, ipv6)) {
                    HttpResponse<String> answer = serve.post(attack.body(), config.auth());
                    answers.append(answer.body());
                    assertThat(answer.statusCode())
                            .as(config + " " + attack.body() + " -> " + answer.body())
                            .isIn(attack.statuses());
                    JsonNode body = JSON.readTree(answer.body());
                    assertThat(body.get("success").asBoolean()).isFalse();
                    String message = body.get("message").asText();
                    // Named: the field at fault, or (where the request was fine so far) the field still missing.
                    assertThat(message.contains(attack.field()) || message.startsWith("Missing required fields: "))
                            .as(config + " " + attack.body() + " -> " + message)
                            .isTrue();
                    if (config == Config.BOTH_WITH_WEBHOOK_SECRET) {
                        assertThat(serve.post(attack.body()).statusCode()).isEqualTo(401);
                    }
                }
                // Both sides the caller's own: the service is a relay, and only the caller's tokens travel.
                HttpResponse<String> relay = serve.post(
                        json(
                                "windmill_base_url",
                                capture.url(),
                                "windmill_token",
                                CALLERS_WINDMILL,
                                "git_remote_url",
                                capture.url() + "/s.git",
                                "git_token",
                                CALLERS_GIT),
                        config.auth());
                answers.append(relay.body());
                assertThat(relay.statusCode()).as(relay.body()).isEqualTo(500);
                assertThat(capture.everything()).contains("Bearer " + CALLERS_WINDMILL);

                String received = capture.everything() + (ipv6 == null ? "" : ipv6.everything());
                assertClean(received, config + ": what the capture servers received");
                assertClean(answers.toString(), config + ": the answers");
                assertThat(targets(serve, config.auth()))
                        .as("refused and failed requests leave no status")
                        .isEmpty();
                assertClean(serve.output(), config + ": the service's output");
            } finally {
                if (ipv6 != null) {
                    ipv6.close();
                }
            }
        }
    }

    @Test
    void withTheCaptureServerInTheAllowListTheTokensDoReachIt() throws Exception {
        try (CaptureServer capture = CaptureServer.onLoopback()) {
            Map<String, String> env = Config.BOTH.env(dir, capture);
            env.put("SYNC_ALLOWED_HOSTS", "127.0.0.1:" + capture.port());
            try (ServeProcess serve = ServeProcess.start(dir, env)) {
                HttpResponse<String> gitAnswer = serve.post(json("git_remote_url", capture.url() + "/s.git"));
                assertThat(gitAnswer.statusCode()).as(gitAnswer.body()).isEqualTo(500);
                assertThat(capture.everything()).as("GIT_TOKEN as basic auth").contains(GIT_TOKEN);
                HttpResponse<String> windmillAnswer = serve.post(json("windmill_base_url", capture.url()));
                assertThat(windmillAnswer.statusCode())
                        .as(windmillAnswer.body())
                        .isEqualTo(500);
                assertThat(capture.everything()).contains("Bearer " + WINDMILL_TOKEN);
                // Reaching an allowed host is still no reason to show the token anywhere.
                assertClean(gitAnswer.body() + windmillAnswer.body() + targets(serve), "answers");
                assertClean(serve.output(), "the service's output");
                assertThat(targets(serve)).isEmpty();
                // And the configured target still backs up, and is the one /status lists.
                HttpResponse<String> ok = serve.post("{}");
                assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
                JsonNode targets = targets(serve);
                assertThat(targets).hasSize(1);
                assertThat(targets.get(0).get("status").asText()).isEqualTo("SYNCED");
                assertThat(targets.get(0).has("message")).isFalse();
            }
        }
    }

    // ---- fuzzed bodies

    private static final String[] FIELDS = {
        "windmill_token",
        "git_remote_url",
        "git_token",
        "workspace",
        "git_branch",
        "git_user_name",
        "git_user_email",
        "windmill_base_url"
    };

    private static final Map<String, List<String>> INVALID = Map.of(
            "workspace", List.of("../admins", "-x", "a b", "ws\u0000", "ä", "x".repeat(65), "a/b"),
            "git_branch", List.of("-f", "--force", "refs/heads/x", "a..b", "x.lock", "a b", "HEAD", "a~1", "a^", ":x"),
            "git_user_name", List.of("a\nb", "x<y>", "\u0007", "a\u2028b"),
            "git_user_email", List.of("a b@c", "nobody", "a@b@c", "<a@b>", "a@b\nc"),
            "git_token", List.of("tok en", "tok\nen", "tök"),
            "windmill_token", List.of("wm token", "wm\r\nX-Injected: 1"),
            "git_remote_url", List.of("ftp://x/y", "http://u:p@h/x", "http://a#@b/x", "http://a\\@b/", "http://%41/x"),
            "windmill_base_url", List.of("file:///etc/passwd", "not a url", "http://u@h", "javascript:alert(1)"));

    private static final String PUNCTUATION = "\"\\'{}[]:,@#/%";

    private static String randomText(SplittableRandom random, int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            int c = switch (kind) {
                case 0 -> random.nextInt(0, 0x20); // controls, NUL included
                case 1 -> 0x202E; // right-to-left override
                case 2 -> 0x200B; // zero-width space
                case 3 -> random.nextInt(0x1F600, 0x1F650); // emoji (surrogate pairs)
                case 4 -> random.nextInt(0xA0, 0x800);
                case 5 -> PUNCTUATION.charAt(random.nextInt(PUNCTUATION.length()));
                default -> random.nextInt(0x21, 0x7F);
            };
            out.appendCodePoint(c);
        }
        return out.toString();
    }

    private static String nearMiss(SplittableRandom random, String field) {
        StringBuilder s = new StringBuilder(field);
        int at = random.nextInt(field.length());
        switch (random.nextInt(4)) {
            case 0 -> s.deleteCharAt(at);
            case 1 -> s.insert(at, (char) random.nextInt('a', 'z' + 1));
            case 2 -> s.setCharAt(at, (char) random.nextInt('a', 'z' + 1));
            default -> s.setCharAt(at, Character.toUpperCase(s.charAt(at)));
        }
        return s.toString();
    }

    private record Fuzzed(String body, int status, List<String> named) {}

    private static Fuzzed fuzzed(SplittableRandom random, String captureUrl) throws Exception {
        int shape = random.nextInt(40);
        if (shape == 0) {
            String[] notObjects = {"[1,2]", "\"x\"", "12", "null", "{", "{\"a\":", "{\"a\" 1}", "\u0000", "[]"};
            return new Fuzzed(notObjects[random.nextInt(notObjects.length)], 400, List.of("Invalid JSON body"));
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        List<String> named = new ArrayList<>();
        boolean invalid = false;
        int faults = 1 + random.nextInt(3);
        while (named.size() < faults) {
            String field = FIELDS[random.nextInt(FIELDS.length)];
            int kind = random.nextInt(6);
            boolean gitSide = random.nextBoolean();
            String urlField = gitSide ? "git_remote_url" : "windmill_base_url";
            if ((kind >= 2 && kind <= 4 && body.has(field)) || (kind == 5 && body.has(urlField))) {
                continue; // one fault per field: a second would hide the first
            }
            switch (kind) {
                case 0 -> {
                    String key = "x" + randomText(random, 60);
                    body.put(key, randomText(random, 30));
                    named.add("Unknown field");
                    invalid = true;
                }
                case 1 -> {
                    String key = nearMiss(random, field);
                    if (List.of(FIELDS).contains(key)) {
                        key = key + "_";
                    }
                    body.put(key, "x");
                    named.add("Unknown field");
                    invalid = true;
                }
                case 2 -> {
                    switch (random.nextInt(5)) {
                        case 0 -> body.putNull(field);
                        case 1 -> body.put(field, random.nextLong());
                        case 2 -> body.put(field, random.nextBoolean());
                        case 3 -> body.putArray(field).add(randomText(random, 10));
                        default -> body.putObject(field).put("a", randomText(random, 10));
                    }
                    named.add(field);
                    invalid = true;
                }
                case 3 -> {
                    body.put(field, "y" + "z".repeat(4097 + random.nextInt(12_000)));
                    named.add(field);
                    invalid = true;
                }
                case 4 -> {
                    List<String> bad = INVALID.get(field);
                    body.put(field, bad.get(random.nextInt(bad.size())));
                    named.add(field);
                    invalid = true;
                }
                default -> {
                    body.put(urlField, captureUrl + (gitSide ? "/s.git" : ""));
                    named.add(urlField);
                }
            }
        }
        // Some valid company; at most one of the caller's own tokens (both would make a relay, not an attack).
        if (random.nextBoolean() && !body.has("workspace")) {
            body.put("workspace", random.nextBoolean() ? "admins" : "team_" + random.nextInt(1000));
        }
        if (random.nextBoolean() && !body.has("git_branch")) {
            body.put("git_branch", random.nextBoolean() ? "main" : "backups/" + random.nextInt(100));
        }
        if (random.nextInt(3) == 0 && !body.has("git_token") && !body.has("windmill_token")) {
            body.put(random.nextBoolean() ? "git_token" : "windmill_token", "own-" + random.nextInt(1_000_000));
        }
        return new Fuzzed(JSON.writeValueAsString(body), invalid ? 400 : 403, named);
    }

    @ParameterizedTest
    @ValueSource(longs = {20261201L, 7L})
    void fuzzedBodiesAreAlways400Or401Or403NamingAFieldAndLeaveNothing(long seed) throws Exception {
        System.out.println("ServeAttackIT fuzz seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        try (CaptureServer capture = CaptureServer.onLoopback();
                ServeProcess serve = ServeProcess.start(dir, Config.BOTH_WITH_WEBHOOK_SECRET.env(dir, capture))) {
            String[] auth = Config.BOTH_WITH_WEBHOOK_SECRET.auth();
            StringBuilder answers = new StringBuilder();
            for (int i = 0; i < 200; i++) {
                Fuzzed f = fuzzed(random, capture.url());
                boolean wrongSecret = random.nextInt(20) == 0;
                HttpResponse<String> answer = wrongSecret
                        ? serve.post(f.body(), "Authorization", random.nextBoolean() ? "Bearer nope" : "Basic x")
                        : serve.post(f.body(), auth);
                String context = "seed " + seed + " #" + i + " " + f.body() + " -> " + answer.body();
                answers.append(answer.body());
                assertThat(answer.statusCode()).as(context).isEqualTo(wrongSecret ? 401 : f.status());
                JsonNode json = JSON.readTree(answer.body());
                assertThat(json.get("success").asBoolean()).as(context).isFalse();
                if (!wrongSecret) {
                    String message = json.get("message").asText();
                    assertThat(f.named().stream().anyMatch(message::contains))
                            .as(context + ": names one of " + f.named())
                            .isTrue();
                }
            }
            assertClean(answers.toString(), "the answers");
            assertThat(capture.captured())
                    .as("nobody contacted the capture server")
                    .isEmpty();
            assertThat(targets(serve, auth)).isEmpty();
            assertClean(serve.output(), "the service's output");
        }
    }
}
