package dev.workspacesync.core.directory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workspacesync.core.RetryPolicy;
import dev.workspacesync.core.Skipped;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.SyncPipeline;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncStateStore;
import dev.workspacesync.core.SyncStatus;
import dev.workspacesync.core.spi.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names a local directory can hold (any but NUL, both Unicode forms), and the ones it cannot (too long). */
class DirectoryNamesTest {
    @TempDir
    Path dir;

    private final Map<String, String> files = new LinkedHashMap<>();

    private final Source source = new Source() {
        @Override
        public String describe() {
            return "names";
        }

        @Override
        public Snapshot snapshot() {
            List<SnapshotEntry> entries = new ArrayList<>();
            files.forEach((name, content) -> entries.add(SnapshotEntry.ofBytes(
                    SyncPath.exact(name), content.getBytes(StandardCharsets.UTF_8), false, Instant.EPOCH)));
            return new Snapshot(describe(), null, Instant.now(), Map.of(), entries);
        }
    };

    private SyncReport sync() {
        return SyncPipeline.builder()
                .source(source)
                .destination(new DirectoryDestination(dir.resolve("mirror"), new SyncStateStore(dir.resolve("state"))))
                .retryPolicy(RetryPolicy.none())
                .build()
                .run();
    }

    private List<String> mirrored() throws IOException {
        try (Stream<Path> walk = Files.walk(dir.resolve("mirror"))) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> dir.resolve("mirror").relativize(p).toString())
                    .sorted()
                    .toList();
        }
    }

    @Test
    void oddNamesLandExactlyAndTooLongNamesAreReportedNotFatal() throws IOException {
        String long230 = "l".repeat(226) + ".txt";
        String long256 = "m".repeat(252) + ".txt";
        files.put("new\nline.txt", "1");
        files.put("tab\there.txt", "2");
        files.put("bell\u0007.txt", "3");
        files.put("back\\slash.txt", "4");
        files.put("caf\u00e9.txt", "nfc");
        files.put("cafe\u0301.txt", "nfd");
        files.put(long230, "5");
        files.put(long256, "6");
        files.put("dir/" + "é".repeat(128) + "/x", "7"); // a 256-byte folder name
        files.put("plain.txt", "8");

        SyncReport first = sync();
        assertThat(first.status()).as(first.message()).isEqualTo(SyncStatus.INCOMPLETE);
        assertThat(first.skipped())
                .extracting(Skipped::path)
                .containsExactlyInAnyOrder(long256, "dir/" + "é".repeat(128) + "/x");
        assertThat(first.skipped()).allSatisfy(s -> assertThat(s.reason()).contains("255 bytes"));
        assertThat(first.added()).isEqualTo(8);
        assertThat(mirrored())
                .containsExactlyInAnyOrder(
                        "new\nline.txt",
                        "tab\there.txt",
                        "bell\u0007.txt",
                        "back\\slash.txt",
                        "caf\u00e9.txt",
                        "cafe\u0301.txt",
                        long230,
                        "plain.txt");
        assertThat(Files.readString(dir.resolve("mirror/cafe\u0301.txt"))).isEqualTo("nfd");
        assertThat(Files.readString(dir.resolve("mirror/caf\u00e9.txt"))).isEqualTo("nfc");

        // Unchanged: still incomplete (the skipped files are reported again), nothing sent.
        SyncReport second = sync();
        assertThat(second.status()).isEqualTo(SyncStatus.INCOMPLETE);
        assertThat(second.added() + second.updated() + second.deleted()).isZero();
        assertThat(second.skipped()).isEqualTo(first.skipped());

        // Renamed to fit: complete again, and the state (which holds tabs and newlines) still reads.
        files.remove(long256);
        files.remove("dir/" + "é".repeat(128) + "/x");
        files.put("m.txt", "6");
        SyncReport third = sync();
        assertThat(third.status()).as(third.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(third.added()).isEqualTo(1);
        assertThat(third.skipped()).isEmpty();
        assertThat(sync().status()).isEqualTo(SyncStatus.NO_CHANGES);
        assertThat(Files.list(dir.resolve("state")).map(p -> p.getFileName().toString()))
                .noneMatch(n -> n.contains("corrupt"));

        // Removing odd names deletes them exactly.
        files.remove("new\nline.txt");
        files.remove("cafe\u0301.txt");
        SyncReport fourth = sync();
        assertThat(fourth.deleted()).isEqualTo(2);
        assertThat(mirrored()).doesNotContain("new\nline.txt", "cafe\u0301.txt").contains("caf\u00e9.txt");
    }

    @Test
    void temporaryNamesAreShortSoAMaximalNameStillLands() throws IOException {
        String max = "n".repeat(251) + ".txt"; // exactly 255 bytes
        files.put(max, "x");
        SyncReport report = sync();
        assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(mirrored()).containsExactly(max);
    }
}
