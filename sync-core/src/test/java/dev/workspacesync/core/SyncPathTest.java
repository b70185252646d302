package dev.workspacesync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.testing.Seeds;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SyncPathTest {
    @TempDir
    Path root;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "a",
                "a/b/c.txt",
                "f/folder/script.py",
                "dir with space/ünïcødé.md",
                "a/.hidden",
                "a/..b",
                "a/b..",
                ".gitignore",
                "x/.github/workflows/ci.yml",
                "emoji/😀.txt",
                "a/.gitmodules",
                "c"
            })
    void acceptsOrdinaryRelativePaths(String path) {
        assertThat(SyncPath.of(path).value()).isEqualTo(Normalizer.normalize(path, Normalizer.Form.NFC));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "/etc/passwd",
                "../x",
                "a/../../x",
                "a/./b",
                ".",
                "..",
                "a//b",
                "a/",
                "a\\b",
                "..\\x",
                "a/\u0000b",
                "a\nb",
                "a\tb",
                "x\u007f",
                "x\u0085y",
                ".git/config",
                "a/.git/hooks/post-commit",
                ".GIT/HEAD",
                ".git",
                "sub/.Git",
                "C:/Windows",
                "c:evil"
            })
    void rejectsTraversalControlCharactersAndGitInternals(String path) {
        assertThatThrownBy(() -> SyncPath.of(path))
                .isInstanceOf(SyncPath.InvalidPathException.class)
                .hasMessageStartingWith("Invalid path ");
    }

    @Test
    void errorNamesThePathWithControlCharactersMadeVisible() {
        assertThatThrownBy(() -> SyncPath.of("a/b\u0000c"))
                .hasMessage("Invalid path \"a/b\\u0000c\": it contains a control character (U+0000)");
        assertThatThrownBy(() -> SyncPath.of("../../etc/passwd"))
                .hasMessage("Invalid path \"../../etc/passwd\": it has a '..' segment");
        assertThatThrownBy(() -> SyncPath.of(null)).hasMessage("Invalid path null: it is empty");
    }

    @Test
    void normalisesToNfcSoBothSpellingsAreOnePath() {
        String decomposed = "cafe\u0301.txt";
        String composed = "caf\u00e9.txt";
        assertThat(SyncPath.of(decomposed)).isEqualTo(SyncPath.of(composed));
        assertThat(SyncPath.of(decomposed).value()).isEqualTo(composed);
    }

    @Test
    void navigation() {
        SyncPath path = SyncPath.of("a/b/c.txt");
        assertThat(path.name()).isEqualTo("c.txt");
        assertThat(path.parent()).contains(SyncPath.of("a/b"));
        assertThat(SyncPath.of("top").parent()).isEmpty();
        assertThat(path.segments()).containsExactly("a", "b", "c.txt");
        assertThat(path.startsWith(SyncPath.of("a"))).isTrue();
        assertThat(path.startsWith(SyncPath.of("a/b/c.txt"))).isTrue();
        assertThat(SyncPath.of("ab/c").startsWith(SyncPath.of("a"))).isFalse();
        assertThat(SyncPath.of("a").resolve("b/c")).isEqualTo(SyncPath.of("a/b/c"));
        assertThat(SyncPath.relativize(root, root.resolve("x/y.txt"))).isEqualTo(SyncPath.of("x/y.txt"));
        assertThatThrownBy(() -> SyncPath.relativize(root, root.resolveSibling("elsewhere")))
                .isInstanceOf(SyncPath.InvalidPathException.class);
    }

    static Stream<Long> seeds() {
        return Seeds.seeds(25);
    }

    /**
     * Random paths built from dangerous pieces: every path is accepted exactly when an independent
     * statement of the rules says so, and an accepted path always stays below the root it is resolved
     * against.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void acceptsExactlyTheSafePathsAndTheyNeverEscape(long seed) {
        SplittableRandom random = Seeds.random("SyncPathTest", seed);
        String[] pieces = {
            "a",
            "b",
            "Z",
            "file.txt",
            ".",
            "..",
            "...",
            ".git",
            ".GIT",
            ".gitx",
            "",
            " ",
            "é",
            "e\u0301",
            "日本",
            "😀",
            "\u0000",
            "\n",
            "\u001b",
            "\u007f",
            "\u0085",
            "\\",
            ":",
            "C:",
            "~",
            "$HOME",
            "%2e%2e",
            "\u202e",
            "\ud800"
        };
        for (int i = 0; i < 2_000; i++) {
            StringBuilder raw = new StringBuilder();
            if (random.nextInt(10) == 0) {
                raw.append('/');
            }
            int segments = 1 + random.nextInt(4);
            for (int s = 0; s < segments; s++) {
                if (s > 0) {
                    raw.append('/');
                }
                int parts = random.nextInt(3);
                for (int p = 0; p <= parts; p++) {
                    raw.append(pieces[random.nextInt(pieces.length)]);
                }
            }
            if (random.nextInt(15) == 0) {
                raw.append('/');
            }
            String path = raw.toString();
            boolean expected = isSafe(path);
            SyncPath parsed;
            try {
                parsed = SyncPath.of(path);
            } catch (SyncPath.InvalidPathException e) {
                assertThat(expected)
                        .as("rejected %s: %s", escape(path), e.getMessage())
                        .isFalse();
                assertThat(e.path()).isEqualTo(path);
                continue;
            }
            assertThat(expected).as("accepted %s", escape(path)).isTrue();
            assertThat(parsed.value()).isEqualTo(Normalizer.normalize(path, Normalizer.Form.NFC));
            assertThat(SyncPath.of(parsed.value())).isEqualTo(parsed);
            assertThat(parsed.under(root)).startsWithRaw(root.toAbsolutePath().normalize());
            assertThat(parsed.under(root)).isNotEqualTo(root.toAbsolutePath().normalize());
        }
    }

    /** The rules, stated independently of the implementation. */
    private static boolean isSafe(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\")) {
            return false;
        }
        if (path.chars().anyMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f))) {
            return false;
        }
        if (path.contains("\ud800")) {
            return false; // only ever appears unpaired here
        }
        if (path.matches("[A-Za-z]:.*")) {
            return false;
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.equalsIgnoreCase(".git")) {
                return false;
            }
        }
        return true;
    }

    private static String escape(String path) {
        StringBuilder out = new StringBuilder();
        path.codePoints().forEach(c -> out.append(c < 0x20 || c > 0x7e ? "\\u{%x}".formatted(c) : (char) c));
        return out.toString();
    }
}
