package dev.workspacesync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.testing.Seeds;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link SyncPath#exact}: names as file systems spell them, still never a traversal. */
class SyncPathExactTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"a\nb", "a\tb", "x\u007f", "a\\b", "..\\x", "c:evil", "cafe\u0301", "\u0001/\u001f"})
    void keepsNamesTheStrictRulesRefuse(String name) {
        assertThat(SyncPath.exact(name).value()).isEqualTo(name);
        assertThat(SyncPath.exact(name).portabilityProblem().isPresent()
                        || !SyncPath.exact(name).isNfc())
                .isTrue();
        assertThat(SyncPath.exact(name).under(dir).startsWith(dir)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "/etc/passwd",
                "../x",
                "a/../../x",
                "a/./b",
                "a//b",
                "a/",
                "a/\u0000b",
                ".git/config",
                "a/.GIT/x",
                "\ud800x"
            })
    void stillRefusesTraversalNulAndGitInternals(String name) {
        assertThatThrownBy(() -> SyncPath.exact(name)).isInstanceOf(SyncPath.InvalidPathException.class);
    }

    @Test
    void strictStaysStrictAndToStringIsSafe() {
        assertThatThrownBy(() -> SyncPath.of("..\\..\\etc")).hasMessageContaining("backslash");
        assertThat(SyncPath.exact("a\nb\\c").toString()).isEqualTo("a\\nb\\\\c");
        assertThat(SyncPath.exact("cafe\u0301")).isNotEqualTo(SyncPath.of("cafe\u0301"));
        assertThat(SyncPath.exact("caf\u00e9")).isEqualTo(SyncPath.of("cafe\u0301"));
    }

    static Stream<Long> seeds() {
        return Seeds.seeds(20);
    }

    /** Escaping is reversible and escaped text never holds a line break, tab or other control character. */
    @ParameterizedTest
    @MethodSource("seeds")
    void escapeRoundTripsAndIsSafe(long seed) {
        SplittableRandom random = Seeds.random("SyncPathExactTest", seed);
        for (int i = 0; i < 500; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(12);
            for (int j = 0; j < length; j++) {
                text.append(
                        switch (random.nextInt(5)) {
                            case 0 -> (char) random.nextInt(0x20);
                            case 1 -> '\\';
                            case 2 -> 'u';
                            case 3 -> (char) (0x7f + random.nextInt(0x30));
                            default -> (char) ('a' + random.nextInt(26));
                        });
            }
            String escaped = SyncPath.escape(text.toString());
            assertThat(SyncPath.unescape(escaped)).isEqualTo(text.toString());
            assertThat(escaped.chars()).noneMatch(c -> Character.getType(c) == Character.CONTROL);
            try {
                SyncPath strict = SyncPath.of(text.toString());
                // Adapters concatenate paths into messages and URLs: a strict path shows as itself.
                assertThat(strict.toString()).isEqualTo(strict.value());
            } catch (SyncPath.InvalidPathException e) {
                // not a strict path
            }
        }
    }

    /** The state file keeps names with tabs, newlines and backslashes (its field and line separators). */
    @ParameterizedTest
    @MethodSource("seeds")
    void stateStoreRoundTripsOddNames(long seed) {
        SplittableRandom random = Seeds.random("SyncPathExactTest.state", seed);
        String[] pieces = {"a", "\t", "\n", "\r", "\\", "\\t", "\\u0041", "é", "e\u0301", "/", "\u0085", "end"};
        Map<SyncPath, FileState> files = new TreeMap<>();
        for (int i = 0; i < 50; i++) {
            StringBuilder name = new StringBuilder();
            for (int p = 1 + random.nextInt(5); p > 0; p--) {
                name.append(pieces[random.nextInt(pieces.length)]);
            }
            try {
                files.put(
                        SyncPath.exact(name.toString()),
                        new FileState(i, Instant.EPOCH.toEpochMilli(), "a".repeat(64), false, null));
            } catch (SyncPath.InvalidPathException e) {
                // an empty segment or similar: not a name
            }
        }
        SyncStateStore store = new SyncStateStore(dir.resolve("state-" + seed));
        store.save("k", SyncState.of(files));
        assertThat(store.load("k").files()).isEqualTo(files);
        SyncStateStore journal = new SyncStateStore(dir.resolve("journal-" + seed));
        try (SyncStateStore.Session session = journal.open("k")) {
            files.forEach(session::put);
            // Read while the run is still going: what a crash would leave, replayed from the journal.
            assertThat(new SyncStateStore(dir.resolve("journal-" + seed))
                            .load("k")
                            .files())
                    .isEqualTo(files);
        }
        assertThat(journal.load("k").files()).isEqualTo(files);
    }
}
