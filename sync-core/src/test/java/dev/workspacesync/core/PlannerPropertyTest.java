package dev.workspacesync.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workspacesync.core.spi.Destination;
import dev.workspacesync.core.testing.InMemoryDestination;
import dev.workspacesync.core.testing.InMemorySource;
import dev.workspacesync.core.testing.Seeds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PlannerPropertyTest {
    static Stream<Long> seeds() {
        return Seeds.seeds(40);
    }

    /**
     * For random trees and random edits (add, delete, rewrite, same-size rewrite, touch, chmod, rename):
     * applying the plan to the old destination yields exactly the new tree, re-planning afterwards is
     * empty, and the plan does not depend on the order in which the source listed its entries.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void planTakesTheDestinationExactlyToTheSnapshot(long seed) {
        SplittableRandom random = Seeds.random("PlannerPropertyTest", seed);
        InMemorySource source = new InMemorySource("prop");
        InMemoryDestination destination = new InMemoryDestination("prop");
        int files = random.nextInt(40);
        for (int i = 0; i < files; i++) {
            source.put(randomPath(random), randomContent(random), random.nextInt(5) == 0);
        }
        for (int round = 0; round < 6; round++) {
            Snapshot snapshot = source.snapshot();
            SyncPlan plan = destination.plan(snapshot);
            assertThat(signature(destination.plan(shuffled(snapshot, random)))).isEqualTo(signature(plan));

            destination.apply(plan, Destination.Progress.NONE);
            assertThat(contents(destination.files())).isEqualTo(contents(source));

            SyncPlan again = destination.plan(source.snapshot());
            assertThat(again.changes()).as("re-plan after apply").isEmpty();
            assertThat(again.refreshed()).isEmpty();

            mutate(source, random);
        }
    }

    @Test
    void unchangedSizeAndTimeAreDecidedWithoutReadingContent() {
        InMemorySource source = new InMemorySource("t");
        for (int i = 0; i < 50; i++) {
            source.put("dir/file" + i + ".txt", "content " + i);
        }
        InMemoryDestination destination = new InMemoryDestination("t");
        destination.apply(destination.plan(source.snapshot()), Destination.Progress.NONE);

        int opensBefore = source.contentOpens();
        SyncPlan plan = destination.plan(source.snapshot());
        assertThat(plan.isEmpty()).isTrue();
        assertThat(source.contentOpens()).isEqualTo(opensBefore);
    }

    @Test
    void touchWithoutChangeSendsNothingAndOnlyRefreshesTheRecordedTime() {
        InMemorySource source = new InMemorySource("t").put("a.txt", "same").put("b.txt", "other");
        InMemoryDestination destination = new InMemoryDestination("t");
        destination.apply(destination.plan(source.snapshot()), Destination.Progress.NONE);
        int writes = destination.writeCount();

        source.touch("a.txt");
        SyncPlan plan = destination.plan(source.snapshot());
        assertThat(plan.changes()).isEmpty();
        assertThat(plan.refreshed()).extracting(SnapshotEntry::path).containsExactly(SyncPath.of("a.txt"));

        destination.apply(plan, Destination.Progress.NONE);
        assertThat(destination.writeCount()).isEqualTo(writes);
        int opens = source.contentOpens();
        assertThat(destination.plan(source.snapshot()).refreshed()).isEmpty();
        assertThat(source.contentOpens())
                .as("the refreshed time avoids reading again")
                .isEqualTo(opens);
    }

    @Test
    void sameSizeRewriteAndModeChangeAreUpdates() {
        InMemorySource source = new InMemorySource("t").put("a.sh", "echo 1").put("b.txt", "xxxx");
        InMemoryDestination destination = new InMemoryDestination("t");
        destination.apply(destination.plan(source.snapshot()), Destination.Progress.NONE);

        source.put("a.sh", "echo 1".getBytes(StandardCharsets.UTF_8), true).put("b.txt", "yyyy");
        SyncPlan plan = destination.plan(source.snapshot());
        assertThat(plan.updates()).extracting(Change::path).containsExactly(SyncPath.of("a.sh"), SyncPath.of("b.txt"));
        assertThat(plan.summary()).isEqualTo("0 to add, 2 to update, 0 to delete (10 bytes)");
    }

    private static void mutate(InMemorySource source, SplittableRandom random) {
        List<String> paths = new ArrayList<>();
        source.files().keySet().forEach(p -> paths.add(p.value()));
        int edits = 1 + random.nextInt(8);
        for (int i = 0; i < edits; i++) {
            int kind = random.nextInt(7);
            if (paths.isEmpty() || kind == 0) {
                String path = randomPath(random);
                source.put(path, randomContent(random), random.nextBoolean());
                paths.add(path);
                continue;
            }
            String path = paths.get(random.nextInt(paths.size()));
            if (!source.files().containsKey(SyncPath.of(path))) {
                continue;
            }
            var file = source.files().get(SyncPath.of(path));
            switch (kind) {
                case 1 -> source.remove(path);
                case 2 -> source.put(path, randomContent(random), file.executable());
                case 3 -> {
                    byte[] same = file.content().clone();
                    if (same.length > 0) {
                        same[random.nextInt(same.length)] ^= 1;
                    }
                    source.put(path, same, file.executable());
                }
                case 4 -> source.touch(path);
                case 5 -> source.put(path, file.content(), !file.executable());
                default -> {
                    source.remove(path);
                    source.put(randomPath(random), file.content(), file.executable());
                }
            }
        }
    }

    private static String randomPath(SplittableRandom random) {
        String[] names = {"a", "b", "c", "dir", "src", "ü", "space name", "x.py", "y.txt"};
        int depth = 1 + random.nextInt(3);
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            path.append(i == 0 ? "" : "/")
                    .append(names[random.nextInt(names.length)])
                    .append(i == depth - 1 ? i : "");
        }
        return path.toString();
    }

    private static byte[] randomContent(SplittableRandom random) {
        byte[] bytes = new byte[random.nextInt(20)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    private static Snapshot shuffled(Snapshot snapshot, SplittableRandom random) {
        List<SnapshotEntry> entries = new ArrayList<>(snapshot.entries());
        Collections.shuffle(entries, new Random(random.nextLong()));
        return new Snapshot(snapshot.source(), null, snapshot.takenAt(), Map.of(), entries);
    }

    private static List<String> signature(SyncPlan plan) {
        List<String> out = new ArrayList<>();
        plan.changes().forEach(c -> out.add(c.kind() + " " + c.path()));
        plan.refreshed().forEach(e -> out.add("REFRESH " + e.path()));
        out.add("existing " + plan.existingFiles());
        return out;
    }

    private static Map<String, String> contents(Map<SyncPath, byte[]> files) {
        Map<String, String> out = new TreeMap<>();
        files.forEach((p, b) -> out.put(p.value(), java.util.HexFormat.of().formatHex(b)));
        return out;
    }

    private static Map<String, String> contents(InMemorySource source) {
        Map<SyncPath, byte[]> files = new TreeMap<>();
        source.files().forEach((p, f) -> files.put(p, f.content()));
        return contents(files);
    }
}
