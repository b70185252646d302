package dev.workspacesync.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChangeGroupTest {
    private static final Author ALICE = new Author("alice", "Alice", "alice@example.com");
    private static final Author BOB = new Author("bob", "Bob", "bob@example.com");

    private static Change add(String path) {
        return Change.add(SnapshotEntry.ofBytes(SyncPath.of(path), path.getBytes(StandardCharsets.UTF_8), false, null));
    }

    private static AttributedItem item(String kind, String path, Author author, long second, String... files) {
        return new AttributedItem(
                kind,
                path,
                false,
                Set.of(List.of(files).stream().map(SyncPath::of).toArray(SyncPath[]::new)),
                author,
                author == null ? null : Instant.ofEpochSecond(second));
    }

    @Test
    void oneGroupPerAuthorOldestFirstThenTheRestAndSharedFilesGoLast() {
        List<Change> changes = List.of(
                add("f/a.py"),
                add("f/a.script.yaml"),
                add("f/b.flow/flow.yaml"),
                add("f/c.py"),
                add("wmill-lock.yaml"),
                add("f/folder.meta.yaml"),
                add("f/v.variable.yaml"));
        List<AttributedItem> items = List.of(
                item("script", "f/a", BOB, 20, "f/a.py", "f/a.script.yaml", "wmill-lock.yaml"),
                item("flow", "f/b", ALICE, 10, "f/b.flow/flow.yaml"),
                item("script", "f/c", ALICE, 30, "f/c.py", "wmill-lock.yaml"),
                item("variable", "f/v", null, 0, "f/v.variable.yaml"),
                item("app", "f/untouched", BOB, 5, "f/untouched.app/app.yaml"));

        List<ChangeGroup> groups = ChangeGroup.of(changes, items);

        assertThat(groups).extracting(ChangeGroup::author).containsExactly(ALICE, BOB, null);
        assertThat(groups.get(0).changes())
                .extracting(c -> c.path().value())
                .containsExactly("f/b.flow/flow.yaml", "f/c.py");
        assertThat(groups.get(1).changes())
                .extracting(c -> c.path().value())
                .containsExactly("f/a.py", "f/a.script.yaml", "wmill-lock.yaml");
        assertThat(groups.get(2).changes())
                .extracting(c -> c.path().value())
                .containsExactly("f/folder.meta.yaml", "f/v.variable.yaml");
        assertThat(groups.stream().mapToInt(g -> g.changes().size()).sum()).isEqualTo(changes.size());
        assertThat(groups.get(0).summary("WM")).isEqualTo("[WM]: Deployed 1 flow, 1 script");
        assertThat(groups.get(0).itemLines()).isEqualTo("Flow 'f/b' deployed\nScript 'f/c' deployed");
        assertThat(groups.get(1).items()).extracting(AttributedItem::path).containsExactly("f/a");
    }

    @Test
    void summaryFollowsEnterpriseWording() {
        List<AttributedItem> items = List.of(
                item("script", "a", ALICE, 1, "a"),
                item("script", "b", ALICE, 2, "b"),
                item("flow", "c", ALICE, 3, "c"),
                item("app", "d", ALICE, 4, "d"));
        assertThat(new ChangeGroup(ALICE, items, List.of()).summary("WM"))
                .isEqualTo("[WM]: Deployed 2 scripts, 1 flow, and 1 app");
        List<AttributedItem> five = List.of(
                item("script", "a", ALICE, 1, "a"),
                item("script", "b", ALICE, 2, "b"),
                item("flow", "c", ALICE, 3, "c"),
                item("app", "d", ALICE, 4, "d"),
                item("resource", "e", ALICE, 5, "e"),
                item("variable", "f", ALICE, 6, "f"));
        assertThat(new ChangeGroup(ALICE, five, List.of()).summary("WM"))
                .isEqualTo("[WM]: Deployed 2 scripts, 1 flow, 1 app and 2 other objects");
        assertThat(new ChangeGroup(null, List.of(), List.of(add("x"))).summary(""))
                .isEqualTo("Deployed 1 file");
        AttributedItem gone = new AttributedItem("flow", "f/x/y", true, Set.of(), null, null);
        assertThat(gone.line()).isEqualTo("Flow 'f/x/y' deleted");
    }

    @Test
    void withoutItemsEverythingIsOneServiceGroup() {
        List<ChangeGroup> groups = ChangeGroup.of(List.of(add("a"), Change.delete(SyncPath.of("b"))), List.of());
        assertThat(groups).hasSize(1);
        assertThat(groups.get(0).authorIfKnown()).isEmpty();
        assertThat(groups.get(0).changes()).hasSize(2);
    }

    @Test
    void restrictKeepsTheAttribution() {
        Attribution attribution = Attribution.unavailable("no metadata");
        Snapshot snapshot = Snapshot.of("s", List.of()).withAttribution(attribution);
        assertThat(snapshot.restrict(List.of(), List.of(), List.of()).attribution())
                .containsSame(attribution);
    }
}
