package dev.workspacesync.windmill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.AttributedItem;
import dev.workspacesync.core.Attribution;
import dev.workspacesync.core.Change;
import dev.workspacesync.core.RetryPolicy;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SourceException;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import dev.workspacesync.windmill.testing.WorkspaceEdits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Windmill source's attribution against the emulator: who changed each item comes from the list endpoints
 * and one get per changed script, emails from {@code users/list}, and nothing is read when nothing changed.
 */
class WindmillAttributionTest {
    static final String TOKEN = "tok-attribution-service";

    @TempDir
    Path tmp;

    private WindmillSource source(WindmillEmulator emulator, String domain) {
        return WindmillSource.builder()
                .baseUrl(emulator.baseUrl())
                .token(Secret.of(TOKEN))
                .workspace("ws")
                .retryPolicy(new RetryPolicy(2, Duration.ZERO, Duration.ZERO))
                .stagingDirectory(tmp)
                .authorEmailDomain(domain)
                .build();
    }

    /** Three users change five items (Bob two scripts), and the admin a variable. */
    static WindmillEmulator threeUsersFiveItems() {
        WindmillEmulator emulator = WindmillEmulator.start(TOKEN).emptyWorkspace("ws");
        emulator.user("ws", "tok-alice", "alice", "alice@example.com")
                .user("ws", "tok-bob", "bob", "bob@example.com")
                .user("ws", "tok-carol", "carol", "carol@example.com");
        String url = emulator.baseUrl();
        new WorkspaceEdits(url, "ws", "tok-alice").flow("f/etl/daily", "daily").flow("f/etl/weekly", "weekly");
        new WorkspaceEdits(url, "ws", "tok-bob")
                .script("f/etl/extract", "def main():\n    return 1\n")
                .script("f/etl/load", "def main():\n    return 2\n");
        new WorkspaceEdits(url, "ws", "tok-carol").resource("f/etl/db", "postgresql", "db.internal");
        new WorkspaceEdits(url, "ws", TOKEN).variable("f/etl/region", "eu");
        return emulator;
    }

    private static List<Change> everythingAdded(Snapshot snapshot) {
        return snapshot.entries().stream().map(Change::add).toList();
    }

    @Test
    void changedItemsAreCreditedToWhoLastEditedThem() {
        try (WindmillEmulator emulator = threeUsersFiveItems();
                WindmillSource source = source(emulator, "users.example")) {
            Snapshot snapshot = source.snapshot();
            Attribution attribution = snapshot.attribution().orElseThrow();
            emulator.resetRequests();

            List<AttributedItem> items = attribution.attribute(everythingAdded(snapshot));

            Map<String, AttributedItem> byPath =
                    items.stream().collect(Collectors.toMap(AttributedItem::path, Function.identity()));
            assertThat(byPath.get("f/etl/daily").kind()).isEqualTo("flow");
            assertThat(byPath.get("f/etl/daily").author().email()).isEqualTo("alice@example.com");
            assertThat(byPath.get("f/etl/weekly").author().id()).isEqualTo("alice");
            assertThat(byPath.get("f/etl/extract").author().email()).isEqualTo("bob@example.com");
            assertThat(byPath.get("f/etl/load").author().name()).isEqualTo("bob");
            assertThat(byPath.get("f/etl/db").author().email()).isEqualTo("carol@example.com");
            assertThat(byPath.get("f/etl/region").kind()).isEqualTo("variable");
            assertThat(byPath.get("f/etl/region").author()).isNull(); // variables have no editor in the API
            assertThat(byPath.get("f/etl/extract").files())
                    .contains(SyncPath.of("f/etl/extract.py"), SyncPath.of("f/etl/extract.script.yaml"))
                    .contains(SyncPath.of("wmill-lock.yaml"));
            assertThat(byPath.get("f/etl/daily").changedAt()).isNotNull();
            assertThat(attribution.tag()).isEqualTo("WM");
            // List endpoints once each, then one get per changed script (current servers do not list its author).
            assertThat(emulator.requests())
                    .extracting(r -> r.path().substring("/api/w/ws/".length()))
                    .containsExactlyInAnyOrder(
                            "scripts/list",
                            "flows/list",
                            "apps/list",
                            "resources/list",
                            "users/list",
                            "scripts/get/p/f/etl/extract",
                            "scripts/get/p/f/etl/load");
        }
    }

    @Test
    void nothingChangedReadsNothing() {
        try (WindmillEmulator emulator = threeUsersFiveItems();
                WindmillSource source = source(emulator, "users.example")) {
            Snapshot snapshot = source.snapshot();
            emulator.resetRequests();
            assertThat(snapshot.attribution().orElseThrow().attribute(List.of()))
                    .isEmpty();
            assertThat(emulator.requests()).isEmpty();
        }
    }

    @Test
    void usersTheTokenMayNotListGetStandInEmails() {
        try (WindmillEmulator emulator = threeUsersFiveItems().refuse("users/list", 403);
                WindmillSource source = source(emulator, "users.example")) {
            Snapshot snapshot = source.snapshot();
            List<AttributedItem> items = snapshot.attribution().orElseThrow().attribute(everythingAdded(snapshot));
            assertThat(items)
                    .filteredOn(i -> i.path().equals("f/etl/daily"))
                    .singleElement()
                    .satisfies(i -> assertThat(i.author().email()).isEqualTo("alice@users.example"));
        }
    }

    @Test
    void aRefusedListMakesTheAttributionFailNamingIt() {
        try (WindmillEmulator emulator = threeUsersFiveItems().refuse("flows/list", 403);
                WindmillSource source = source(emulator, "users.example")) {
            Snapshot snapshot = source.snapshot();
            assertThatThrownBy(() -> snapshot.attribution().orElseThrow().attribute(everythingAdded(snapshot)))
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("HTTP 403")
                    .hasMessageContaining("flows/list")
                    .hasMessageNotContaining(TOKEN);
        }
    }

    @Test
    void aDeletedItemIsNamedButCreditedToNoOne() {
        try (WindmillEmulator emulator = threeUsersFiveItems();
                WindmillSource source = source(emulator, "users.example")) {
            new WorkspaceEdits(emulator.baseUrl(), "ws", "tok-alice").deleteFlow("f/etl/weekly");
            Snapshot snapshot = source.snapshot();
            List<AttributedItem> items = snapshot.attribution()
                    .orElseThrow()
                    .attribute(List.of(Change.delete(SyncPath.of("f/etl/weekly.flow/flow.yaml"))));
            assertThat(items).singleElement().satisfies(i -> {
                assertThat(i.deleted()).isTrue();
                assertThat(i.author()).isNull();
                assertThat(i.line()).isEqualTo("Flow 'f/etl/weekly' deleted");
            });
        }
    }

    @Test
    void anEnterpriseAuditLogCreditsTheDeleteToWhoDeletedIt() {
        try (WindmillEmulator emulator = threeUsersFiveItems().enterpriseAuditLog(true);
                WindmillSource source = source(emulator, "users.example")) {
            new WorkspaceEdits(emulator.baseUrl(), "ws", "tok-alice").deleteFlow("f/etl/weekly");
            Snapshot snapshot = source.snapshot();
            emulator.resetRequests();
            List<AttributedItem> items = snapshot.attribution()
                    .orElseThrow()
                    .attribute(List.of(Change.delete(SyncPath.of("f/etl/weekly.flow/flow.yaml"))));
            assertThat(items).singleElement().satisfies(i -> {
                assertThat(i.deleted()).isTrue();
                assertThat(i.author().email()).isEqualTo("alice@example.com");
                assertThat(i.changedAt()).isNotNull();
            });
            assertThat(emulator.requests())
                    .extracting(r -> r.path().substring("/api/w/ws/".length()))
                    .contains("audit/list");
        }
    }

    @Test
    void attributionCanBeTurnedOff() {
        try (WindmillEmulator emulator = threeUsersFiveItems();
                WindmillSource source = WindmillSource.builder()
                        .baseUrl(emulator.baseUrl())
                        .token(Secret.of(TOKEN))
                        .workspace("ws")
                        .stagingDirectory(tmp)
                        .attribution(false)
                        .build()) {
            assertThat(source.snapshot().attribution()).isEmpty();
        }
    }
}
