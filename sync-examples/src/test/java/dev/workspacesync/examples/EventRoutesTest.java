package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.examples.internal.EventRoutes;
import dev.workspacesync.examples.internal.EventTriggers;
import dev.workspacesync.examples.internal.WindmillEvents;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The events route without HTTP: credentials, bodies, mapping to targets, and the coalescing of bursts. */
class EventRoutesTest {
    private static final Secret SECRET = Secret.of("events-secret-1");
    private final List<String> synced = new CopyOnWriteArrayList<>();
    private EventRoutes routes;
    private EventTriggers triggers;

    @AfterEach
    void close() {
        if (routes != null) {
            routes.close();
        }
        if (triggers != null) {
            triggers.close();
        }
    }

    private EventRoutes routes(List<Secret> secrets) {
        routes = new EventRoutes(
                List.of(
                        new EventRoutes.EventTarget("prod", "admins", SyncSettings.of(Map.of("t", "prod"))),
                        new EventRoutes.EventTarget("stage", "staging", SyncSettings.of(Map.of("t", "stage")))),
                secrets,
                new EventTriggers.Timing(Duration.ofSeconds(2), Duration.ofSeconds(10)),
                settings -> synced.add(settings.get("t").orElseThrow()));
        return routes;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString(bytes(user + ":" + password));
    }

    private static final String SCRIPT = "{\"type\":\"CreateScript\",\"workspace\":\"admins\",\"path\":\"f/a/b\"}";

    @Test
    void theSecretComesAsBasicPasswordOrBearerAndNothingElseOpens() {
        EventRoutes routes = routes(List.of(SECRET));
        assertThat(routes.handle(basic("events", "events-secret-1"), null, bytes(SCRIPT))
                        .status())
                .isEqualTo(202);
        assertThat(routes.handle(basic("anyone", "events-secret-1"), null, bytes(SCRIPT))
                        .status())
                .isEqualTo(202);
        assertThat(routes.handle("bearer events-secret-1", null, bytes(SCRIPT)).status())
                .isEqualTo(202);
        for (String wrong : new String[] {
            null,
            "",
            "Basic",
            "Basic !!!",
            basic("events-secret-1", ""),
            basic("events", "events-secret-2"),
            "Bearer x",
            "events-secret-1"
        }) {
            EventRoutes.Reply reply = routes.handle(wrong, null, bytes("not even json"));
            assertThat(reply.status()).as(String.valueOf(wrong)).isEqualTo(401);
            assertThat(reply.authenticate()).startsWith("Basic realm=");
            assertThat(reply.body().toString()).doesNotContain("events-secret-1");
        }
        assertThat(routes(List.of()).handle(null, null, bytes(SCRIPT)).status()).isEqualTo(202);
    }

    @Test
    void badBodiesAreNamed() {
        EventRoutes routes = routes(List.of());
        Map<String, String> cases = Map.of(
                "{\"type\":", "Invalid JSON body",
                "[1]", "expected a JSON object",
                "{}", "field 'type' is missing",
                "{\"type\":7}", "field 'type' must be a non-empty string",
                "{\"type\":\"Create Script\"}", "field 'type' is not an event kind",
                "{\"type\":\"CreateApp\",\"workspace\":[]}", "field 'workspace' must be a string",
                "{\"type\":\"CreateApp\",\"workspace\":\"-x\"}", "is not a Windmill workspace id",
                "{\"type\":\"CreateApp\",\"workspace\":\"admins\",\"path\":1}", "field 'path' must be a string");
        cases.forEach((body, message) -> {
            EventRoutes.Reply reply = routes.handle(null, null, bytes(body));
            assertThat(reply.status()).as(body).isEqualTo(400);
            assertThat(reply.body().path("message").asText()).as(body).contains(message);
        });
        assertThat(synced).isEmpty();
    }

    @Test
    void everyKindOfTheServerIsKnownAndOthersAreReadAllTheSame() {
        assertThat(WindmillEvents.KINDS).hasSize(23).contains("DeleteScriptPath", "UpdateResourceType");
        WindmillEvents.Event update = WindmillEvents.parse(
                bytes("{\"type\":\"UpdateFlow\",\"workspace\":\"w\",\"old_path\":\"f/a/x\",\"new_path\":\"f/a/y\"}"));
        assertThat(update).isEqualTo(new WindmillEvents.Event("UpdateFlow", "w", List.of("f/a/x", "f/a/y"), true));
        WindmillEvents.Event future = WindmillEvents.parse(bytes("{\"type\":\"CreateSchedule\",\"workspace\":\"w\"}"));
        assertThat(future.known()).isFalse();
        assertThatThrownBy(() -> WindmillEvents.parse(bytes("")))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("expected a JSON object");
    }

    @Test
    void eventsMapToTheTargetsOfTheirWorkspace() throws Exception {
        EventRoutes routes = routes(List.of());
        assertThat(routes.handle(null, null, bytes(SCRIPT))
                        .body()
                        .path("targets")
                        .toString())
                .isEqualTo("[\"prod\"]");
        EventRoutes.Reply type = routes.handle(null, null, bytes("{\"type\":\"CreateResourceType\",\"name\":\"pg\"}"));
        assertThat(type.body().path("targets").toString()).isEqualTo("[\"prod\",\"stage\"]");
        EventRoutes.Reply elsewhere =
                routes.handle(null, null, bytes("{\"type\":\"CreateApp\",\"workspace\":\"other\",\"path\":\"x\"}"));
        assertThat(elsewhere.status()).isEqualTo(200);
        assertThat(elsewhere.body().path("status").asText()).isEqualTo("IGNORED");
        assertThat(elsewhere.body().path("reason").asText()).contains("no target backs up workspace 'other'");
        EventRoutes.Reply pinned = routes.handle(null, "stage", bytes(SCRIPT));
        assertThat(pinned.status()).isEqualTo(400);
        assertThat(pinned.body().path("message").asText()).contains("target 'stage' backs up 'staging'");
        assertThat(routes.handle(null, "nope", bytes(SCRIPT))
                        .body()
                        .path("message")
                        .asText())
                .contains("No target 'nope'");
        EventRoutes.Reply unknown =
                routes.handle(null, "stage", bytes("{\"type\":\"CreateSchedule\",\"workspace\":\"staging\"}"));
        assertThat(unknown.status()).isEqualTo(202);
        assertThat(unknown.body().path("warning").asText()).contains("unknown event kind");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (synced.size() < 2
                || routes.triggers().busy("prod")
                || routes.triggers().busy("stage")) {
            assertThat(System.nanoTime()).as("syncs %s", synced).isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(synced).containsExactlyInAnyOrder("prod", "stage");
    }

    @Test
    void aBurstWithinTheQuietTimeIsOneSync() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        List<String> runs = new CopyOnWriteArrayList<>();
        triggers = new EventTriggers(new EventTriggers.Timing(Duration.ofSeconds(3), Duration.ofSeconds(30)), t -> {
            runs.add(t);
            done.countDown();
        });
        assertThat(triggers.trigger("a")).isEqualTo(EventTriggers.Trigger.SCHEDULED);
        for (int i = 0; i < 19; i++) {
            assertThat(triggers.trigger("a")).isEqualTo(EventTriggers.Trigger.COALESCED);
        }
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        awaitIdle("a");
        assertThat(runs).containsExactly("a");
        assertThat(triggers.status().get("a")).containsEntry("events", 20L).containsEntry("syncs", 1L);
    }

    @Test
    void eventsDuringASyncMakeOneFollowUpWhateverTheirNumber() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> runs = new CopyOnWriteArrayList<>();
        triggers = new EventTriggers(new EventTriggers.Timing(Duration.ZERO, Duration.ZERO), t -> {
            runs.add(t);
            running.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        triggers.trigger("a");
        assertThat(running.await(60, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 99; i++) {
            triggers.trigger("a");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!triggers.status().get("a").get("state").equals("running, one more pending")) {
            assertThat(System.nanoTime()).as("%s", triggers.status()).isLessThan(deadline);
            Thread.sleep(20);
        }
        release.countDown();
        awaitIdle("a");
        assertThat(runs).hasSize(2);
        assertThat(triggers.started("a")).isEqualTo(2);
    }

    @Test
    void closedTriggersStartNothing() {
        triggers = new EventTriggers(EventTriggers.Timing.DEFAULT, synced::add);
        triggers.trigger("a");
        triggers.close();
        assertThatThrownBy(() -> triggers.trigger("a")).isInstanceOf(IllegalStateException.class);
        assertThat(triggers.busy("a")).isFalse();
        assertThat(synced).isEmpty();
    }

    @Test
    void theTimingComesFromTheEnvironmentAndBadValuesAreNamed() {
        assertThat(EventRoutes.timing(Map.of())).isEqualTo(EventTriggers.Timing.DEFAULT);
        assertThat(EventRoutes.timing(Map.of("SYNC_EVENTS_QUIET_SECONDS", "0", "SYNC_EVENTS_MAX_WAIT_SECONDS", "5")))
                .isEqualTo(new EventTriggers.Timing(Duration.ZERO, Duration.ofSeconds(5)));
        assertThatThrownBy(() -> EventRoutes.timing(Map.of("SYNC_EVENTS_QUIET_SECONDS", "soon")))
                .hasMessageContaining("SYNC_EVENTS_QUIET_SECONDS must be a whole number of seconds")
                .hasMessageContaining("'soon'");
        assertThatThrownBy(() -> EventRoutes.timing(Map.of("SYNC_EVENTS_QUIET_SECONDS", "60")))
                .hasMessageContaining("SYNC_EVENTS_MAX_WAIT_SECONDS (30) must not be less than");
    }

    private void awaitIdle(String target) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (triggers.busy(target)) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
