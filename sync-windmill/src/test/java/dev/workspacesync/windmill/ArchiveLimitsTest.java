package dev.workspacesync.windmill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SourceException;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.testing.Seeds;
import dev.workspacesync.windmill.internal.ArchiveReader;
import dev.workspacesync.windmill.testing.HostileArchives;
import dev.workspacesync.windmill.testing.HostileArchives.Case;
import dev.workspacesync.windmill.testing.HostileArchives.Kind;
import dev.workspacesync.windmill.testing.LargeWorkspace;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile archives from a seeded generator (fixed seeds, printed; {@code -Dworkspace-sync.seed=N} replays
 * one, {@code -Dworkspace-sync.fresh-seeds=N} explores more), pulled
 * from the emulator through {@link WindmillSource}: every limit holds on the bytes actually inflated, the
 * failure names the limit, the value and the setting, and no staging file is left. The module's tests run
 * with {@code -Xmx256m}, so a limit that did not hold would end in OutOfMemoryError.
 */
class ArchiveLimitsTest {
    private static final String TOKEN = "tok-limits-7f3a";

    static Stream<Arguments> cases() {
        return Arrays.stream(Kind.values()).flatMap(kind -> Seeds.seeds(2).map(seed -> Arguments.of(kind, seed)));
    }

    private static WindmillSource source(WindmillEmulator emulator, Map<String, String> settings, Path staging) {
        ArchiveReader.Limits d = ArchiveReader.Limits.DEFAULTS;
        return WindmillSource.builder()
                .baseUrl(emulator.baseUrl())
                .token(Secret.of(TOKEN))
                .workspace("ws")
                .stagingDirectory(staging)
                .maxEntries(Integer.parseInt(
                        settings.getOrDefault("windmill.max-entries", Integer.toString(d.maxEntries()))))
                .maxEntryBytes(Long.parseLong(
                        settings.getOrDefault("windmill.max-entry-bytes", Long.toString(d.maxEntryBytes()))))
                .maxArchiveBytes(Long.parseLong(
                        settings.getOrDefault("windmill.max-archive-bytes", Long.toString(d.maxArchiveBytes()))))
                .maxCompressionRatio(Double.parseDouble(settings.getOrDefault(
                        "windmill.max-compression-ratio", Double.toString(d.maxCompressionRatio()))))
                .build();
    }

    @ParameterizedTest(name = "{0} seed={1}")
    @MethodSource("cases")
    void aHostileArchiveIsRefusedByTheLimitItBreaks(Kind kind, long seed, @TempDir Path tmp) throws Exception {
        Seeds.random("ArchiveLimitsTest " + kind, seed);
        Case c = HostileArchives.write(kind, seed, Files.createDirectories(tmp.resolve("archives")));
        Path staging = Files.createDirectories(tmp.resolve("staging"));
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN)
                        .archiveFile("ws", c.file())
                        .zipSupported(kind.zip());
                WindmillSource source = source(emulator, c.settings(), staging)) {
            if (c.passes()) {
                Snapshot snapshot = source.snapshot();
                assertThat(snapshot.entry(SyncPath.of("f/ok/hello.py")))
                        .as(c.toString())
                        .isPresent();
                // The nested zip is a file like any other (the CLI's filters leave it out): never unpacked.
                assertThat(snapshot.entries())
                        .as(c.toString())
                        .noneSatisfy(e -> assertThat(e.path().value()).contains("zeros.bin"));
                return;
            }
            Throwable thrown = catchThrowable(source::snapshot);
            assertThat(thrown).as(c.toString()).isInstanceOf(SourceException.class);
            if (c.limitKey() != null) {
                assertThat(thrown)
                        .as(c.toString())
                        .isInstanceOf(ArchiveReader.LimitExceededException.class)
                        .hasMessageContaining("reached")
                        .hasMessageContaining("raise " + c.limitKey());
                assertThat(((ArchiveReader.LimitExceededException) thrown).settingKey())
                        .isEqualTo(c.limitKey());
            } else {
                assertThat(thrown).as(c.toString()).hasMessageContaining("not a valid tar");
            }
        }
        try (Stream<Path> left = Files.list(staging)) {
            assertThat(left).as(c + ": staging is removed").isEmpty();
        }
    }

    @Test
    void theLimitsAreSettingsOfTheProvider() {
        WindmillSourceProvider provider = new WindmillSourceProvider();
        assertThat(provider.settings().stream().map(k -> k.key()))
                .contains(
                        "windmill.max-archive-bytes",
                        "windmill.max-entry-bytes",
                        "windmill.max-entries",
                        "windmill.max-compression-ratio",
                        "windmill.deadline");
        assertThat(duration("d", "90")).hasSeconds(90);
        assertThat(duration("d", "2m")).hasSeconds(120);
        assertThat(duration("d", "PT5S")).hasSeconds(5);
        assertThat(duration("d", "1500ms")).hasMillis(1500);
        assertThat(catchThrowable(() -> duration("windmill.deadline", "soon")))
                .hasMessageContaining("windmill.deadline")
                .hasMessageContaining("soon");
        assertThat(catchThrowable(() -> duration("windmill.deadline", "0s"))).hasMessageContaining("positive");
        assertThat(catchThrowable(() -> new ArchiveReader.Limits(0, 1, 1, 0.5)))
                .hasMessageContaining("windmill.max-archive-bytes")
                .hasMessageContaining("windmill.max-compression-ratio");
    }

    /**
     * The defaults let a large real workspace through, checked in seconds and without holding it: 100,000
     * small entries (50,000 scripts, code and metadata) and two 50 MiB files. The full size (100,000 scripts
     * and three 50 MiB files, pulled end to end) is {@code sync-windmill/bench/large-workspace.sh}.
     */
    @Test
    void aLargeRealWorkspacePassesTheDefaults(@TempDir Path tmp) throws Exception {
        Path archive = tmp.resolve("large.zip");
        long seed = Seeds.seeds(1).findFirst().orElseThrow();
        Seeds.random("ArchiveLimitsTest large workspace", seed);
        long started = System.nanoTime();
        int entries = LargeWorkspace.write(archive, seed, 50_000, 2, 50);
        long written = System.nanoTime();
        Path raw = tmp.resolve("raw");
        try (ArchiveReader.Opened opened = new ArchiveReader(ArchiveReader.Limits.DEFAULTS).open(archive, true, raw)) {
            assertThat(opened.names()).hasSize(entries);
            assertThat(new String(opened.read("f/folder_7/script_7.py"), StandardCharsets.UTF_8))
                    .startsWith("def main()");
        }
        System.out.printf(
                "Large workspace (seed %d): %,d entries, %,d bytes of zip, written in %d ms, checked in %d ms%n",
                seed,
                entries,
                Files.size(archive),
                (written - started) / 1_000_000,
                (System.nanoTime() - written) / 1_000_000);
        assertThat(raw).doesNotExist();
    }

    /** A file the heap could not transform ends in a message naming -Xmx, never in OutOfMemoryError. */
    @Test
    void anEntryTooLargeForTheHeapIsAMessage(@TempDir Path tmp) throws Exception {
        long size = Runtime.getRuntime().maxMemory() / 4 + 1;
        Path archive = tmp.resolve("big.zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(archive))) {
            zip.putNextEntry(new ZipEntry("f/big/data.txt"));
            byte[] block = "0123456789abcdef\n".repeat(4096).getBytes(StandardCharsets.US_ASCII);
            for (long left = size; left > 0; left -= block.length) {
                zip.write(block, 0, (int) Math.min(block.length, left));
            }
        }
        ArchiveReader.Limits roomy = new ArchiveReader.Limits(Long.MAX_VALUE / 2, Long.MAX_VALUE / 2, 10, 1e9);
        try (ArchiveReader.Opened opened = new ArchiveReader(roomy).open(archive, true, tmp.resolve("raw"))) {
            assertThat(catchThrowable(() -> opened.read("f/big/data.txt")))
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("-Xmx")
                    .hasMessageContaining("windmill.max-entry-bytes");
        }
    }

    @Test
    void tinyHighlyCompressibleFilesAreFine(@TempDir Path tmp) throws Exception {
        // 2,000 files of 8 KiB of one repeated byte: thousands to one, but far below the ratio floor.
        Path archive = tmp.resolve("tiny.zip");
        try (OutputStream file = Files.newOutputStream(archive);
                ZipOutputStream zip = new ZipOutputStream(file)) {
            for (int i = 0; i < 2000; i++) {
                zip.putNextEntry(new ZipEntry("f/tiny/t" + i + ".txt"));
                zip.write(new byte[8192]);
            }
        }
        try (ArchiveReader.Opened opened =
                new ArchiveReader(ArchiveReader.Limits.DEFAULTS).open(archive, true, tmp.resolve("raw"))) {
            assertThat(opened.names()).hasSize(2000);
            assertThat(List.of(opened.read("f/tiny/t5.txt").length)).containsExactly(8192);
        }
    }

    /** The windmill provider reads durations with core's one syntax. */
    private static java.time.Duration duration(String key, String value) {
        return dev.workspacesync.core.SyncSettings.of(java.util.Map.of(key, value))
                .duration(key, null);
    }
}
