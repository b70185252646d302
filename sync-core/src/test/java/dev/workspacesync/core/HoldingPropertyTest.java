package dev.workspacesync.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workspacesync.core.spi.Source;
import dev.workspacesync.core.testing.InMemoryDestination;
import dev.workspacesync.core.testing.Seeds;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The completeness contract over random names: every file a source offers is, after a run, either at the
 * destination with its current content or listed as skipped (by its escaped name) — never silently gone;
 * a run with skipped files is INCOMPLETE, never SYNCED; state records nothing skipped, so the next run
 * reports the same files again; and a file that landed earlier is not deleted because a clash appeared.
 */
class HoldingPropertyTest {
    private static final String[] PIECES = {
        "a",
        "b",
        "x.txt",
        "caf\u00e9",
        "cafe\u0301",
        "\u00e9",
        "e\u0301",
        "\n",
        "\t",
        "\r",
        "\u0007",
        "\\",
        "..\\",
        " ",
        "\u00c5",
        "A\u030a",
        "\u212b",
        "d/",
        "e/",
        "\ud83d\ude00",
        "\u200d",
        "\u0085",
        ".txt"
    };
    private static final char[] ODD = {'\n', '\t', '\r', '\u0007', '\\', '\u0085'};

    static Stream<Long> seeds() {
        return Seeds.seeds(40);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void everyOfferedFileLandsOrIsListedAsSkipped(long seed) {
        SplittableRandom random = Seeds.random("HoldingPropertyTest", seed);
        Set<Character> refused = new HashSet<>();
        for (char c : ODD) {
            if (random.nextBoolean()) {
                refused.add(c);
            }
        }
        boolean keepsForms = random.nextBoolean();
        int maxLength = random.nextBoolean() ? Integer.MAX_VALUE : 6 + random.nextInt(10);
        InMemoryDestination destination = new InMemoryDestination("d")
                .holding(
                        path -> {
                            for (char c : path.value().toCharArray()) {
                                if (refused.contains(c)) {
                                    return Optional.of("refuses U+%04X".formatted((int) c));
                                }
                            }
                            return path.value().length() > maxLength ? Optional.of("too long") : Optional.empty();
                        },
                        keepsForms);
        System.out.println("  refused=" + refused.stream().map(c -> (int) c).toList() + " keepsUnicodeForms="
                + keepsForms + " maxLength=" + maxLength);

        RandomSource source = new RandomSource();
        for (int round = 0; round < 4; round++) {
            source.mutate(random);
            try (SyncPipeline pipeline = SyncPipeline.builder()
                    .source(source)
                    .destination(destination)
                    .deletionGuard(DeletionGuard.force())
                    .retryPolicy(RetryPolicy.none())
                    .build()) {
                SyncReport report = pipeline.run();
                check(report, source, destination, keepsForms);
                // Nothing changed: the same files are reported again, nothing is sent again.
                int writes = destination.writeCount();
                SyncReport again = pipeline.run();
                check(again, source, destination, keepsForms);
                assertThat(destination.writeCount())
                        .as("a second run sends nothing")
                        .isEqualTo(writes);
                assertThat(again.skipped()).isEqualTo(report.skipped());
            }
        }
    }

    private static void check(SyncReport report, RandomSource source, InMemoryDestination destination, boolean exact) {
        assertThat(report.status()).as(report.message()).isNotEqualTo(SyncStatus.FAILED);
        Set<String> skipped = report.skipped().stream().map(Skipped::path).collect(Collectors.toSet());
        Map<SyncPath, byte[]> landed = destination.files();
        Map<String, Long> offeredCount =
                source.names.stream().collect(Collectors.groupingBy(n -> n, Collectors.counting()));
        for (String name : source.names) {
            SyncPath at = landing(name, exact);
            byte[] content = landed.get(at);
            boolean current =
                    content != null && new String(content, StandardCharsets.UTF_8).equals(source.content(name));
            boolean listed = skipped.contains(SyncPath.escape(name));
            assertThat(current || listed)
                    .as(
                            "%s (offered %d time(s)) neither landed nor listed as skipped; skipped=%s, landed=%s",
                            SyncPath.escape(name), offeredCount.get(name), skipped, landed.keySet())
                    .isTrue();
            if (source.landedBefore.contains(at)) {
                assertThat(content)
                        .as("%s landed earlier and is still offered: it must not be deleted", SyncPath.escape(name))
                        .isNotNull();
            }
            if (current && offeredCount.get(name) == 1 && !listed) {
                assertThat(destination.state(source.describe()).get(at))
                        .as("recorded " + at)
                        .isPresent();
            }
        }
        for (Skipped s : report.skipped()) {
            assertThat(s.path()).doesNotContain("\n", "\t", "\r");
            assertThat(s.reason()).isNotBlank();
        }
        // State never records a path this run skipped (unless an earlier run landed it and it is kept).
        for (String name : source.names) {
            SyncPath at = landing(name, exact);
            if (skipped.contains(SyncPath.escape(name)) && !source.landedBefore.contains(at)) {
                assertThat(destination.state(source.describe()).get(at))
                        .as("state of skipped " + SyncPath.escape(name))
                        .isEmpty();
            }
        }
        assertThat(report.status() == SyncStatus.INCOMPLETE)
                .isEqualTo(!report.skipped().isEmpty());
        source.landedBefore.addAll(source.names.stream()
                .filter(n -> !skipped.contains(SyncPath.escape(n)))
                .map(n -> landing(n, exact))
                .toList());
        source.exact = exact;
    }

    /** Where a name lands: itself, or its NFC spelling on a destination that folds Unicode forms. */
    private static SyncPath landing(String name, boolean exact) {
        return SyncPath.exact(exact ? name : Normalizer.normalize(name, Normalizer.Form.NFC));
    }

    /** Offers random exact names, sometimes the same one twice, with contents that change per round. */
    private static final class RandomSource implements Source {
        final List<String> names = new ArrayList<>();
        /** Landing paths of files that landed in an earlier run and whose name is still offered. */
        final Set<SyncPath> landedBefore = new HashSet<>();

        boolean exact;
        int round;

        void mutate(SplittableRandom random) {
            round++;
            if (!names.isEmpty()) {
                names.removeIf(n -> random.nextInt(4) == 0);
            }
            int more = 1 + random.nextInt(12);
            for (int i = 0; i < more; i++) {
                StringBuilder name = new StringBuilder();
                int pieces = 1 + random.nextInt(4);
                for (int p = 0; p < pieces; p++) {
                    name.append(PIECES[random.nextInt(PIECES.length)]);
                }
                String candidate = name.toString();
                try {
                    SyncPath.exact(candidate);
                } catch (SyncPath.InvalidPathException e) {
                    continue;
                }
                names.add(candidate);
                if (random.nextInt(10) == 0) {
                    names.add(candidate); // a source offering one name twice
                }
            }
            // A name no longer offered under any spelling may come back skipped: it landed "before" no more.
            landedBefore.retainAll(names.stream().map(n -> landing(n, exact)).toList());
        }

        String content(String name) {
            return name.hashCode() + "@" + round;
        }

        @Override
        public String describe() {
            return "random";
        }

        @Override
        public Snapshot snapshot() {
            List<SnapshotEntry> entries = new ArrayList<>();
            for (String name : names) {
                entries.add(SnapshotEntry.ofBytes(
                        SyncPath.exact(name),
                        content(name).getBytes(StandardCharsets.UTF_8),
                        false,
                        // One time per content version: equal size and time would (rightly) mean unchanged.
                        Instant.ofEpochSecond(1_700_000_000L + round)));
            }
            return new Snapshot(describe(), null, Instant.now(), Map.of(), entries);
        }
    }
}
