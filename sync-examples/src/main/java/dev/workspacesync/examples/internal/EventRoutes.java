package dev.workspacesync.examples.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /windmill-events}: Windmill's workspace webhook ({@link WindmillEvents}) starting syncs. Each
 * event is mapped to the targets of its workspace ({@code ?target=NAME} pins one) and coalesced
 * ({@link EventTriggers}); the answer comes at once (Windmill gives up after 5 s and never retries):
 *
 * <ul>
 *   <li>202 {@code "SCHEDULED"} or {@code "COALESCED"} with the targets that will sync, also for an event
 *       kind this version does not know (logged);
 *   <li>200 {@code "IGNORED"} with a reason when no target backs up the event's workspace;
 *   <li>400 naming what is wrong with the body (not JSON, no {@code type}, a bad field) or the target;
 *   <li>401 without the credential, before anything else is looked at; 413 above {@link #MAX_BODY}.
 * </ul>
 *
 * <p>Windmill's sender sets no header of its own and signs nothing: all it sends is the URL an admin typed.
 * Its HTTP client (reqwest) turns a URL's userinfo into {@code Authorization: Basic} and takes it off the
 * request line, so {@code https://events:SECRET@backup.example/windmill-events} authenticates without the
 * secret in any request line or access log. Accepted: Basic with the secret as password (any user name),
 * or {@code Bearer SECRET}; the secret is {@link #EVENTS_SECRET_VARIABLE} when set (it can start syncs of
 * configured targets and nothing else), else the service's {@code SYNC_WEBHOOK_SECRET}.
 */
public final class EventRoutes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventRoutes.class);

    /** The largest event body accepted: an event is a few paths, well under 1 KiB. */
    public static final int MAX_BODY = 16 * 1024;
    /** A secret for this route only (what Windmill's workspace settings then store). */
    public static final String EVENTS_SECRET_VARIABLE = "SYNC_EVENTS_SECRET";
    /** The quiet time in seconds (default 2). */
    public static final String QUIET_VARIABLE = "SYNC_EVENTS_QUIET_SECONDS";
    /** The longest wait in seconds from a burst's first event to its sync (default 30). */
    public static final String MAX_WAIT_VARIABLE = "SYNC_EVENTS_MAX_WAIT_SECONDS";
    /** Every environment variable this route reads. */
    public static final List<String> VARIABLES = List.of(EVENTS_SECRET_VARIABLE, QUIET_VARIABLE, MAX_WAIT_VARIABLE);

    /**
     * A target events can sync.
     *
     * @param name its name (a targets file's, or {@code default} for the environment's)
     * @param workspace the Windmill workspace it backs up
     * @param settings what {@link BackupService#sync} takes for it
     */
    public record EventTarget(String name, String workspace, SyncSettings settings) {
        public EventTarget {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(workspace, "workspace");
            Objects.requireNonNull(settings, "settings");
        }
    }

    /**
     * An HTTP answer.
     *
     * @param authenticate the {@code WWW-Authenticate} header of a 401, else null
     */
    public record Reply(int status, ObjectNode body, String authenticate) {}

    private final Map<String, EventTarget> targets = new LinkedHashMap<>();
    private final List<Secret> secrets;
    private final EventTriggers triggers;

    /**
     * @param targets the targets events may sync (by workspace)
     * @param secrets the credentials accepted (empty: none needed, as {@code /sync} without a secret)
     * @param timing how bursts are coalesced
     * @param sync runs a target's sync and waits for it (the service's {@link BackupService#sync})
     */
    public EventRoutes(
            List<EventTarget> targets,
            List<Secret> secrets,
            EventTriggers.Timing timing,
            Function<SyncSettings, ?> sync) {
        targets.forEach(t -> this.targets.put(t.name(), t));
        this.secrets = secrets.stream().filter(Objects::nonNull).toList();
        this.triggers = new EventTriggers(timing, name -> {
            try (var traced = TraceIds.inContext(TraceIds.generate())) {
                LOG.info("Syncing {} after Windmill change events", name);
                sync.apply(this.targets.get(name).settings());
            } catch (IllegalStateException e) {
                LOG.debug("Event-triggered sync of {} not run: the service is shutting down", name);
            }
        });
    }

    /**
     * The timing from {@link #QUIET_VARIABLE} and {@link #MAX_WAIT_VARIABLE}.
     *
     * @throws SyncConfigException naming the variable and its value
     */
    public static EventTriggers.Timing timing(Map<String, String> env) {
        long quiet = seconds(env, QUIET_VARIABLE, EventTriggers.Timing.DEFAULT.quiet());
        long maxWait = seconds(env, MAX_WAIT_VARIABLE, EventTriggers.Timing.DEFAULT.maxWait());
        if (maxWait < quiet) {
            throw new SyncConfigException(MAX_WAIT_VARIABLE + " (" + maxWait + ") must not be less than "
                    + QUIET_VARIABLE + " (" + quiet + ")");
        }
        return new EventTriggers.Timing(Duration.ofSeconds(quiet), Duration.ofSeconds(maxWait));
    }

    private static long seconds(Map<String, String> env, String name, Duration fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback.toSeconds();
        }
        try {
            long seconds = Long.parseLong(value.strip());
            if (seconds >= 0 && seconds <= 3600) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new SyncConfigException(
                name + " must be a whole number of seconds from 0 to 3600, got '" + RequestChecks.shown(value) + "'");
    }

    /**
     * The route as {@code serve} configures it: the credentials are {@link #EVENTS_SECRET_VARIABLE} and
     * the service's webhook secret (either is accepted), the timing from the environment.
     *
     * @param targets the targets events may sync; none: the route stays off (null)
     * @throws SyncConfigException naming a bad timing variable
     */
    public static EventRoutes fromEnvironment(
            Map<String, String> env, List<EventTarget> targets, Secret webhookSecret, Function<SyncSettings, ?> sync) {
        EventTriggers.Timing timing = timing(env);
        if (targets.isEmpty()) {
            return null;
        }
        String value = env.get(EVENTS_SECRET_VARIABLE);
        Secret own = value == null || value.isBlank() ? null : Secret.of(value);
        if (own != null) {
            Logging.redact(List.of(own));
        }
        List<Secret> secrets = new ArrayList<>();
        secrets.add(own);
        secrets.add(webhookSecret);
        return new EventRoutes(targets, secrets, timing, sync);
    }

    /** For the startup line. */
    public String describe() {
        return "Windmill change events on /windmill-events (" + targets.size() + " target(s)"
                + (secrets.isEmpty() ? ", no secret" : "") + ")";
    }

    /** The coalescer (tests read its counts). */
    public EventTriggers triggers() {
        return triggers;
    }

    /**
     * {@code POST /windmill-events}.
     *
     * @param authorization the {@code Authorization} header, or null
     * @param target the {@code target} query parameter, or null
     */
    public Reply handle(String authorization, String target, byte[] body) {
        if (!authorized(authorization)) {
            LOG.warn("Refused a Windmill event without the right credential");
            return new Reply(
                    401,
                    failure("Unauthorized: put the secret in the webhook URL as"
                            + " https://events:<secret>@host/windmill-events (Windmill sends it as Basic"
                            + " authorization), or send Authorization: Bearer <secret>"),
                    "Basic realm=\"workspace-sync\", charset=\"UTF-8\"");
        }
        WindmillEvents.Event event;
        try {
            event = WindmillEvents.parse(body);
        } catch (SyncConfigException e) {
            return new Reply(400, failure(e.getMessage()), null);
        }
        List<EventTarget> chosen;
        try {
            chosen = targetsOf(event, target);
        } catch (SyncConfigException e) {
            return new Reply(400, failure(e.getMessage()), null);
        }
        String kind = WindmillEvents.shown(event);
        if (chosen.isEmpty()) {
            String reason = "no target backs up workspace '" + event.workspace() + "' (targets: "
                    + String.join(
                            ", ",
                            targets.values().stream()
                                    .map(t -> t.name() + " -> " + t.workspace())
                                    .toList()) + ")";
            LOG.info("Windmill event {} ignored: {}", kind, reason);
            return new Reply(
                    200, object().put("success", true).put("status", "IGNORED").put("reason", reason), null);
        }
        if (!event.known()) {
            LOG.warn("Windmill event of an unknown kind '{}' (a newer server?): syncing all the same", kind);
        }
        ObjectNode answer = object().put("success", true).put("event", kind);
        ArrayNode names = answer.putArray("targets");
        EventTriggers.Trigger result = EventTriggers.Trigger.COALESCED;
        try {
            for (EventTarget t : chosen) {
                names.add(t.name());
                if (triggers.trigger(t.name()) == EventTriggers.Trigger.SCHEDULED) {
                    result = EventTriggers.Trigger.SCHEDULED;
                }
            }
        } catch (IllegalStateException e) {
            return new Reply(503, failure("The service is shutting down"), null);
        }
        LOG.debug("Windmill event {} for {}: {}", kind, names, result);
        answer.put("status", result.name());
        if (!event.known()) {
            answer.put("warning", "unknown event kind; synced all the same");
        }
        return new Reply(202, answer, null);
    }

    private List<EventTarget> targetsOf(WindmillEvents.Event event, String name) {
        if (name != null) {
            EventTarget t = targets.get(name);
            if (t == null) {
                throw new SyncConfigException("No target '" + RequestChecks.shown(name) + "' for events (targets: "
                        + String.join(", ", targets.keySet()) + ")");
            }
            if (event.workspace() != null && !event.workspace().equals(t.workspace())) {
                throw new SyncConfigException("The event is for workspace '" + event.workspace() + "', target '"
                        + t.name() + "' backs up '" + t.workspace() + "'");
            }
            return List.of(t);
        }
        List<EventTarget> out = new ArrayList<>();
        for (EventTarget t : targets.values()) {
            // Resource type events name no workspace: every target may hold the type.
            if (event.workspace() == null || event.workspace().equals(t.workspace())) {
                out.add(t);
            }
        }
        return out;
    }

    /** Basic with the secret as password, or Bearer with the secret; constant time per candidate. */
    private boolean authorized(String header) {
        if (secrets.isEmpty()) {
            return true;
        }
        String presented = WebhookServer.bearerToken(header);
        if (presented == null) {
            presented = basicPassword(header);
        }
        boolean ok = false;
        for (Secret secret : secrets) {
            ok |= secret.matches(presented);
        }
        return ok;
    }

    /** The password of a {@code Basic} authorization (RFC 7617), or null. */
    static String basicPassword(String header) {
        if (header == null) {
            return null;
        }
        String value = header.strip();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Basic")) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(
                    Base64.getDecoder().decode(value.substring(space + 1).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : decoded.substring(colon + 1);
    }

    /** Stops coalescing: open windows and pending syncs are dropped (the schedule catches them up). */
    @Override
    public void close() {
        triggers.close();
    }

    private static ObjectNode object() {
        return ReportJson.MAPPER.createObjectNode();
    }

    private static ObjectNode failure(String message) {
        return object().put("success", false).put("message", message);
    }
}
