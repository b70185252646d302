package dev.workspacesync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.testing.CapturedOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncStateStoreTest {
    private static final String SHA_A = "a".repeat(64);
    private static final String SHA_B = "b".repeat(64);

    @TempDir
    Path dir;

    private SyncStateStore store() {
        return new SyncStateStore(dir.resolve("state"));
    }

    private static SyncState sample() {
        Map<SyncPath, FileState> files = new TreeMap<>();
        files.put(SyncPath.of("a.txt"), new FileState(3, 1_700_000_000_000L, SHA_A, false, null));
        files.put(SyncPath.of("dir/nb.py"), new FileState(10, FileState.NO_TIME, SHA_B, true, "dir/nb"));
        files.put(SyncPath.of("ü space/😀.md"), new FileState(0, -5, SHA_A, false, "ü space/😀.md"));
        return SyncState.of(files);
    }

    @Test
    void missingStateIsEmptyAndSavedStateRoundTrips() {
        SyncStateStore store = store();
        assertThat(store.load("k")).isEqualTo(SyncState.empty());
        store.save("k", sample());
        assertThat(store.load("k")).isEqualTo(sample());
        assertThat(store.load("other")).isEqualTo(SyncState.empty());
    }

    @Test
    void keysAreStableAndDistinct() {
        assertThat(SyncStateStore.key("src", "dst")).isEqualTo(SyncStateStore.key("src", "dst"));
        assertThat(SyncStateStore.key("src", "dst")).isNotEqualTo(SyncStateStore.key("srcd", "st"));
        assertThat(SyncStateStore.key("src", "dst")).matches("[0-9a-f]{24}");
        assertThatThrownBy(() -> store().load("../escape")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSessionThatDiesBeforeCommittingLosesNothingItRecorded() throws IOException {
        SyncStateStore store = store();
        store.save("k", sample());
        SyncStateStore.Session session = store.open("k");
        session.put(SyncPath.of("new.txt"), new FileState(1, 1, SHA_B, false, null));
        session.remove(SyncPath.of("a.txt"));
        // No commit, no close: as if the process were killed here. Another process reads the state.
        SyncState recovered = new SyncStateStore(dir.resolve("state")).load("k");
        assertThat(recovered.get(SyncPath.of("new.txt"))).isPresent();
        assertThat(recovered.get(SyncPath.of("a.txt"))).isEmpty();
        assertThat(recovered.size()).isEqualTo(3);
        session.close();
        assertThat(store.load("k")).isEqualTo(recovered);
        assertThat(Files.exists(dir.resolve("state/k.journal"))).isFalse();
    }

    @Test
    void aTornLastJournalLineIsIgnored() throws IOException {
        SyncStateStore store = store();
        try (SyncStateStore.Session session = store.open("k")) {
            session.put(SyncPath.of("one"), new FileState(1, 1, SHA_A, false, null));
            session.put(SyncPath.of("two"), new FileState(2, 2, SHA_B, false, null));
            // Simulate a kill in the middle of writing the third record.
            Path journal = dir.resolve("state/k.journal");
            String text = Files.readString(journal);
            Files.writeString(journal, text + "+\tthree\t3\t3\t" + SHA_A.substring(0, 20));
            assertThat(store.load("k").files().keySet()).containsExactly(SyncPath.of("one"), SyncPath.of("two"));
        }
    }

    @Test
    void aSessionAfterAKilledOneKeepsBothTheRecoveredAndItsOwnRecords() throws IOException {
        SyncStateStore store = store();
        SyncStateStore.Session killed = store.open("k");
        killed.put(SyncPath.of("one"), new FileState(1, 1, SHA_A, false, null));
        Path journal = dir.resolve("state/k.journal");
        Files.writeString(journal, Files.readString(journal) + "+\ttwo\t2\t2\t" + SHA_B.substring(0, 9));
        releaseLockAsIfTheProcessDied(killed);

        try (SyncStateStore.Session next = store.open("k")) {
            next.put(SyncPath.of("three"), new FileState(3, 3, SHA_B, false, null));
            assertThat(new SyncStateStore(dir.resolve("state"))
                            .load("k")
                            .files()
                            .keySet())
                    .containsExactly(SyncPath.of("one"), SyncPath.of("three"));
        }
        assertThat(store.load("k").files().keySet()).containsExactly(SyncPath.of("one"), SyncPath.of("three"));
    }

    /** A killed process's file lock is released by the OS; in one JVM, closing the channel does that. */
    private static void releaseLockAsIfTheProcessDied(SyncStateStore.Session session) {
        try {
            var field = SyncStateStore.Session.class.getDeclaredField("lockChannel");
            field.setAccessible(true);
            ((java.nio.channels.FileChannel) field.get(session)).close();
        } catch (ReflectiveOperationException | IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aCrashBetweenWriteAndRenameLeavesTheOldStateInForce() throws IOException {
        SyncStateStore store = store();
        store.save("k", sample());
        // A crash after writing the temporary file and before the rename leaves it beside the state file.
        Files.writeString(dir.resolve("state/k.state.123.tmp"), "workspace-sync-state 1\nf\thalf");
        assertThat(store.load("k")).isEqualTo(sample());
        store.save("k", SyncState.empty());
        assertThat(store.load("k")).isEqualTo(SyncState.empty());
    }

    @Test
    void saveReplacesAtomicallyWithNoTemporaryFileLeft() throws IOException {
        SyncStateStore store = store();
        store.save("k", sample());
        store.save("k", sample());
        try (Stream<Path> files = Files.list(dir.resolve("state"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("k.state");
        }
    }

    @Test
    void corruptStateIsMovedAsideReportedAndReplannedFromScratch() throws IOException {
        SyncStateStore store = store();
        store.save("k", sample());
        Path file = store.stateFile("k");
        String text = Files.readString(file);
        Files.writeString(file, text.replace("dir/nb.py", "dir/nb.px")); // checksum no longer matches
        try (CapturedOutput out = new CapturedOutput()) {
            assertThat(store.load("k")).isEqualTo(SyncState.empty());
            assertThat(out.text())
                    .contains("The sync state " + file + " is unusable: its checksum does not match")
                    .contains("re-plans every file");
        }
        try (Stream<Path> files = Files.list(dir.resolve("state"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .singleElement()
                    .asString()
                    .startsWith("k.state.corrupt-");
        }
    }

    @Test
    void everyKindOfDamageIsACleanEmptyState() throws IOException {
        SyncStateStore store = store();
        store.save("k", sample());
        String good = Files.readString(store.stateFile("k"));
        String[] damaged = {
            "",
            "garbage",
            good.substring(0, good.length() / 2),
            good.replace("workspace-sync-state 1", "workspace-sync-state 99"),
            good.replace("end\t3", "end\t4"),
            "\u0000\u0001binary",
        };
        for (String text : damaged) {
            Files.writeString(store.stateFile("k"), text, StandardCharsets.UTF_8);
            assertThat(store.load("k")).as("damaged: %s", text).isEqualTo(SyncState.empty());
            assertThat(Files.exists(store.stateFile("k"))).isFalse();
        }
        Files.write(store.stateFile("k"), new byte[] {(byte) 0xff, (byte) 0xfe, 'x'}); // not UTF-8
        assertThat(store.load("k")).isEqualTo(SyncState.empty());
    }

    @Test
    void aNewerFormatIsNamedInTheWarning() throws IOException {
        SyncStateStore store = store();
        store.save("k", sample());
        Files.writeString(
                store.stateFile("k"),
                Files.readString(store.stateFile("k")).replace("workspace-sync-state 1", "workspace-sync-state 2"));
        try (CapturedOutput out = new CapturedOutput()) {
            store.load("k");
            assertThat(out.text()).contains("its format version 2 is not 1");
        }
    }

    @Test
    void onlyOneSessionPerKeyAtATime() {
        SyncStateStore store = store();
        try (SyncStateStore.Session first = store.open("k")) {
            assertThatThrownBy(() -> store.open("k"))
                    .isInstanceOf(SyncException.class)
                    .hasMessageContaining("is in use by another sync");
            try (SyncStateStore.Session other = store.open("other")) {
                other.put(SyncPath.of("x"), new FileState(1, 1, SHA_A, false, null));
            }
        }
        try (SyncStateStore.Session again = store.open("k")) {
            assertThat(again.state()).isEqualTo(SyncState.empty());
        }
    }
}
