package dev.workspacesync.examples.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspacesync.core.Endpoint;
import dev.workspacesync.core.Redactor;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answers of {@code POST /deploy} and {@code POST /hooks/git}, independent of the HTTP server.
 *
 * <ul>
 *   <li>{@code /deploy} (body empty or {@code {"branch": "main"}}) runs a deploy and answers when it is
 *       done, with the codes of {@code /sync}: 200 with counts, 400 naming a bad field or a branch not
 *       configured for deploys, 409 when a guard refused the plan, 500 when it failed (redacted), 503 while
 *       shutting down.
 *   <li>{@code /hooks/git} verifies a push webhook ({@link GitPushWebhook}), then answers at once (git
 *       servers give up after about 10 s): 202 when a deploy of the pushed branch started or was queued
 *       behind the running one; 200 {@code "IGNORED"} with a reason for a push of another branch or
 *       repository, a tag or a deletion; 200 for GitHub's {@code ping}; 401 for a missing or wrong
 *       signature; 400 for an unknown event; 404 without a webhook secret.
 * </ul>
 */
public final class DeployRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(DeployRoutes.class);

    /**
     * The largest push payload accepted: GitHub and GitLab list every changed path of up to 20 commits, and
     * one backup commit of a large workspace changes thousands.
     */
    public static final int MAX_HOOK_BODY = 1024 * 1024;

    /** An HTTP answer. */
    public record Reply(int status, ObjectNode body) {}

    private final DeployService deploys;
    private final Secret hookSecret;
    private final RequestFields fields;

    /**
     * @param hookSecret the shared secret of push webhooks, or null to keep {@code /hooks/git} off
     */
    public DeployRoutes(DeployService deploys, Secret hookSecret) {
        this.deploys = deploys;
        this.hookSecret = hookSecret;
        DeployService.Target target = deploys.target();
        Map<String, String> map = new LinkedHashMap<>();
        Map<String, RequestFields.Check> checks = new LinkedHashMap<>();
        if (target.branchKey() != null) {
            map.put("branch", target.branchKey());
            checks.put("branch", value -> {
                try {
                    RequestChecks.branch(value);
                } catch (SyncConfigException e) {
                    throw new SyncConfigException(e.getMessage().replace("git_branch", "branch"));
                }
                target.refusal(value).ifPresent(reason -> {
                    throw new SyncConfigException(reason);
                });
            });
        }
        // A request names a branch at most: URLs and credentials stay the operator's.
        this.fields = new RequestFields(map, checks, Map.of(), target.settingsFor(null), SyncSettings.empty(), null);
    }

    public DeployService service() {
        return deploys;
    }

    /** For the startup line: "deploys git … -> windmill (branches main); push webhooks on /hooks/git". */
    public String describe() {
        DeployService.Target target = deploys.target();
        return "deploys " + target.name()
                + (target.branches().isEmpty() ? "" : " (branches " + String.join(", ", target.branches()) + ")")
                + "; " + (hookSecret == null ? "no git push webhooks" : "git push webhooks on /hooks/git");
    }

    /** {@code POST /deploy}: waits for the deploy. */
    public Reply deploy(byte[] body) {
        JsonNode json;
        try {
            json = body.length == 0 ? ReportJson.MAPPER.createObjectNode() : ReportJson.MAPPER.readTree(body);
        } catch (IOException e) {
            return failure(400, "Invalid JSON body");
        }
        if (json == null || !json.isObject()) {
            return failure(400, "Invalid JSON body: expected an object");
        }
        SyncSettings settings;
        try {
            settings = fields.settings(json);
        } catch (SyncConfigException e) {
            return failure(400, e.getMessage());
        }
        SyncReport report;
        try {
            report = deploys.deploy(settings);
        } catch (SyncConfigException e) {
            return failure(400, Redactor.of(settings.secrets()).redact(e.getMessage()));
        } catch (IllegalStateException e) {
            return failure(503, "The service is shutting down");
        } catch (RuntimeException e) {
            LOG.warn("Deploy failed: {}", e.getClass().getName());
            return failure(500, "Internal error");
        }
        ObjectNode answer = ReportJson.of(report);
        answer.put("success", report.succeeded());
        String branch = deploys.target().branchKey() == null
                ? null
                : settings.get(deploys.target().branchKey()).orElse(null);
        if (branch != null) {
            answer.put("branch", branch);
        }
        int status = switch (report.status()) {
            case SYNCED, NO_CHANGES, INCOMPLETE -> 200;
            case REFUSED -> 409;
            case FAILED -> 500;
        };
        return new Reply(status, answer);
    }

    /**
     * {@code POST /hooks/git}: verifies, then starts or queues a deploy and answers at once.
     *
     * @param header a request header by name, null when absent
     */
    public Reply gitHook(Function<String, String> header, String contentType, byte[] body) {
        if (hookSecret == null) {
            return failure(
                    404,
                    "Git push webhooks are off: set " + DeployOptions.SECRET_VARIABLE
                            + " (or --git-webhook-secret) to the secret configured in the git server's webhook");
        }
        GitPushWebhook.Delivery delivery;
        try {
            delivery = GitPushWebhook.read(header, contentType, body, hookSecret);
        } catch (GitPushWebhook.Refused e) {
            LOG.warn("Refused a git webhook: {}", e.getMessage());
            return failure(e.status(), e.getMessage());
        }
        String sender = delivery.sender().display();
        if (delivery instanceof GitPushWebhook.Ping) {
            return new Reply(
                    200,
                    object().put("success", true)
                            .put("status", "PONG")
                            .put(
                                    "message",
                                    sender + " webhook verified; pushes of " + branches() + " will deploy "
                                            + deploys.target().name()));
        }
        GitPushWebhook.Push push = (GitPushWebhook.Push) delivery;
        DeployService.Target target = deploys.target();
        String ref = RequestChecks.shown(push.ref());
        if (!target.sameRepository(push.repositories())) {
            return ignored(
                    push,
                    "the push is for "
                            + (push.repositories().isEmpty()
                                    ? "an unnamed repository"
                                    : RequestChecks.shown(Endpoint.stripUserInfo(
                                            push.repositories().get(0))))
                            + ", not the configured repository " + target.shownRepositories()
                            + " (if the git server names it differently, add that URL to "
                            + DeployOptions.REPOSITORIES_VARIABLE + ")");
        }
        if (push.deleted()) {
            return ignored(push, ref + " was deleted; nothing to deploy");
        }
        String branch = push.branch();
        if (branch == null) {
            return ignored(push, ref + " is not a branch (tags and other refs are not deployed)");
        }
        if (target.refusal(branch).isPresent()) {
            return ignored(push, target.refusal(branch).get());
        }
        DeployService.Trigger trigger;
        try {
            trigger = deploys.trigger(target.branchKey() == null ? "" : branch);
        } catch (IllegalStateException e) {
            return failure(503, "The service is shutting down");
        }
        LOG.info(
                "{} push of {} ({}): deploy {}",
                sender,
                ref,
                RequestChecks.shown(push.after()),
                trigger == DeployService.Trigger.STARTED ? "started" : "queued behind the running one");
        ObjectNode answer = object().put("success", true)
                .put("status", trigger == DeployService.Trigger.STARTED ? "STARTED" : "QUEUED")
                .put("branch", branch)
                .put("commit", RequestChecks.shown(push.after()))
                .put("target", target.name())
                .put(
                        "message",
                        trigger == DeployService.Trigger.STARTED
                                ? "Deploying " + branch + "; GET /status shows the result"
                                : "A deploy is running; a follow-up run deploys " + branch + " after it");
        return new Reply(202, answer);
    }

    private String branches() {
        List<String> branches = deploys.target().branches();
        return branches.isEmpty() ? "any branch" : String.join(", ", branches);
    }

    private static Reply ignored(GitPushWebhook.Push push, String reason) {
        LOG.info("{} push of {} ignored: {}", push.sender().display(), RequestChecks.shown(push.ref()), reason);
        return new Reply(
                200,
                object().put("success", true)
                        .put("status", "IGNORED")
                        .put("ref", RequestChecks.shown(push.ref()))
                        .put("reason", reason));
    }

    /** Stops deploys, waiting up to {@code timeout} for a running one; whether it finished. */
    public boolean shutdown(Duration timeout) {
        return deploys.shutdown(timeout);
    }

    private static ObjectNode object() {
        return ReportJson.MAPPER.createObjectNode();
    }

    private static Reply failure(int status, String message) {
        return new Reply(status, object().put("success", false).put("message", message));
    }
}
