package dev.workspacesync.examples.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A git server's push webhook: which server sent it (by its event header), whether it carries the shared
 * secret, and which ref it moved. Verification runs over the exact bytes received, in constant time, before
 * a byte of the body is parsed:
 *
 * <ul>
 *   <li>GitHub: {@code X-GitHub-Event}, {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>}
 *       (the SHA-1 {@code X-Hub-Signature} is not accepted);
 *   <li>GitLab: {@code X-Gitlab-Event}, {@code X-Gitlab-Token: <the secret itself>};
 *   <li>Gitea, Forgejo, Gogs: {@code X-Gitea-Event} / {@code X-Forgejo-Event} / {@code X-Gogs-Event}, and
 *       {@code X-Forgejo-Signature} (checked first when present), {@code X-Gitea-Signature} or
 *       {@code X-Gogs-Signature}: the bare hex HMAC-SHA256 of the body. They also send GitHub's headers,
 *       so their own are looked at first.
 * </ul>
 *
 * Bodies are JSON, or a form with a {@code payload} field (GitHub's and Gitea's
 * {@code application/x-www-form-urlencoded} option).
 */
public final class GitPushWebhook {
    private GitPushWebhook() {}

    /** The servers whose webhooks are understood. */
    public enum Sender {
        GITHUB("GitHub"),
        GITLAB("GitLab"),
        GITEA("Gitea");

        private final String display;

        Sender(String display) {
            this.display = display;
        }

        /** The name for messages. */
        public String display() {
            return display;
        }
    }

    /** A delivery refused before anything ran, with its HTTP status (400, 401). Never holds the secret. */
    public static final class Refused extends SyncException {
        private static final long serialVersionUID = 1L;
        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** What a verified delivery says. */
    public sealed interface Delivery permits Ping, Push {
        Sender sender();
    }

    /** A {@code ping} (GitHub, when a webhook is created): nothing to do. */
    public record Ping(Sender sender) implements Delivery {}

    /**
     * A push.
     *
     * @param ref the full ref moved ({@code refs/heads/main}, {@code refs/tags/v1})
     * @param after the new commit id; all zeros when the ref was deleted
     * @param deleted whether the ref was deleted
     * @param repositories the URLs (and names) the payload gives for the repository, for matching only: a
     *     deploy always fetches from the configured remote
     */
    public record Push(Sender sender, String ref, String after, boolean deleted, List<String> repositories)
            implements Delivery {
        public Push {
            repositories = List.copyOf(repositories);
        }

        /** The branch name when a branch was pushed, else null (a tag, a note, another ref). */
        public String branch() {
            return ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : null;
        }
    }

    /**
     * Verifies a delivery and reads what it says.
     *
     * @param header a request header by name (case-insensitive), null when absent
     * @param contentType the request's content type, or null
     * @param body the exact bytes received
     * @param secret the shared secret configured in the git server's webhook
     * @throws Refused 401 for a missing or wrong signature or token, 400 for an unknown sender or event or a
     *     body that is not a push payload
     */
    public static Delivery read(Function<String, String> header, String contentType, byte[] body, Secret secret) {
        Sender sender;
        String event;
        if (present(header, "X-Forgejo-Event") || present(header, "X-Gitea-Event") || present(header, "X-Gogs-Event")) {
            sender = Sender.GITEA;
            event = first(header, "X-Forgejo-Event", "X-Gitea-Event", "X-Gogs-Event");
            String signature = first(header, "X-Forgejo-Signature", "X-Gitea-Signature", "X-Gogs-Signature");
            if (!hmacMatches(signature, body, secret)) {
                throw unauthorized(sender, "X-Gitea-Signature (hex HMAC-SHA256 of the body)");
            }
        } else if (present(header, "X-Gitlab-Event")) {
            sender = Sender.GITLAB;
            event = header.apply("X-Gitlab-Event");
            if (!secret.matches(header.apply("X-Gitlab-Token"))) {
                throw unauthorized(sender, "X-Gitlab-Token (the webhook's secret token)");
            }
        } else if (present(header, "X-GitHub-Event")) {
            sender = Sender.GITHUB;
            event = header.apply("X-GitHub-Event");
            String signature = header.apply("X-Hub-Signature-256");
            if (signature == null
                    || !signature.strip().regionMatches(true, 0, "sha256=", 0, 7)
                    || !hmacMatches(signature.strip().substring(7), body, secret)) {
                throw unauthorized(sender, "X-Hub-Signature-256 (sha256=<hex HMAC-SHA256 of the body>)");
            }
        } else {
            throw new Refused(
                    400, "Not a git push webhook: expected an X-GitHub-Event, X-Gitlab-Event or X-Gitea-Event header");
        }
        String kind = event.strip();
        boolean push = switch (sender) {
            case GITHUB, GITEA -> kind.equals("push");
            case GITLAB -> kind.equals("Push Hook") || kind.equals("Tag Push Hook");
        };
        if (sender == Sender.GITHUB && kind.equals("ping")) {
            return new Ping(sender);
        }
        if (!push) {
            throw new Refused(
                    400,
                    "Unsupported " + sender.display() + " event '" + RequestChecks.shown(kind)
                            + "': this route takes push events ("
                            + (sender == Sender.GITLAB ? "Push Hook" : "push") + ")");
        }
        return push(sender, json(contentType, body));
    }

    private static Push push(Sender sender, JsonNode payload) {
        JsonNode ref = payload.get("ref");
        if (ref == null || !ref.isTextual() || ref.textValue().isBlank()) {
            throw new Refused(400, "The " + sender.display() + " push payload has no 'ref'");
        }
        String after = text(payload, "after");
        boolean deleted = after.matches("0+")
                || payload.path("deleted").asBoolean(false)
                // GitLab: a deleted branch has no checkout_sha.
                || (sender == Sender.GITLAB
                        && payload.has("checkout_sha")
                        && payload.get("checkout_sha").isNull());
        List<String> repositories = new ArrayList<>();
        for (String holder : List.of("repository", "project")) {
            JsonNode repository = payload.path(holder);
            for (String field : List.of(
                    "clone_url",
                    "ssh_url",
                    "git_url",
                    "html_url",
                    "url",
                    "git_http_url",
                    "git_ssh_url",
                    "web_url",
                    "homepage")) {
                JsonNode url = repository.get(field);
                if (url != null && url.isTextual() && !url.textValue().isBlank()) {
                    repositories.add(url.textValue().strip());
                }
            }
        }
        return new Push(sender, ref.textValue().strip(), after, deleted, repositories);
    }

    private static String text(JsonNode payload, String field) {
        JsonNode value = payload.get(field);
        return value != null && value.isTextual() ? value.textValue().strip() : "";
    }

    /** The payload: a JSON body, or the {@code payload} field of a form body. */
    private static JsonNode json(String contentType, byte[] body) {
        byte[] json = body;
        // A form body never starts with '{'; a JSON body sent with a form type (curl -d) is still JSON.
        if (contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")
                && !new String(body, StandardCharsets.US_ASCII).strip().startsWith("{")) {
            String payload = null;
            for (String pair : new String(body, StandardCharsets.US_ASCII).split("&")) {
                if (pair.startsWith("payload=")) {
                    try {
                        payload = URLDecoder.decode(pair.substring(8), StandardCharsets.UTF_8);
                    } catch (IllegalArgumentException e) {
                        throw new Refused(400, "The form body's 'payload' field is not URL-encoded");
                    }
                }
            }
            if (payload == null) {
                throw new Refused(400, "The form body has no 'payload' field");
            }
            json = payload.getBytes(StandardCharsets.UTF_8);
        }
        JsonNode node;
        try {
            node = ReportJson.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new Refused(400, "Invalid JSON body");
        }
        if (node == null || !node.isObject()) {
            throw new Refused(400, "Invalid JSON body: expected an object");
        }
        return node;
    }

    /** Whether {@code hex} is the HMAC-SHA256 of {@code body} under {@code secret}, compared in constant time. */
    static boolean hmacMatches(String hex, byte[] body, Secret secret) {
        if (hex == null) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(hex.strip().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(hmac(secret, body), given);
    }

    /** The HMAC-SHA256 of a body under a secret (what the git server computes). */
    static byte[] hmac(Secret secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static Refused unauthorized(Sender sender, String what) {
        return new Refused(
                401,
                "Unauthorized: the " + sender.display() + " webhook must carry " + what
                        + " made with the secret configured as WORKSPACE_SYNC_GIT_WEBHOOK_SECRET");
    }

    private static boolean present(Function<String, String> header, String name) {
        String value = header.apply(name);
        return value != null && !value.isBlank();
    }

    private static String first(Function<String, String> header, String... names) {
        for (String name : names) {
            if (present(header, name)) {
                return header.apply(name);
            }
        }
        return null;
    }
}
