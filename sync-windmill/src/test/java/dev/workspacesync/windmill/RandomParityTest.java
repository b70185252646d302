package dev.workspacesync.windmill;

import static dev.workspacesync.windmill.testing.Fixtures.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import dev.workspacesync.windmill.testing.WorkspaceArchive;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property test with the real CLI as the oracle: random JSON values (strings YAML could misread, long and
 * multi-line text, numbers, nesting) and random step summaries (naming rules, duplicates) must come out
 * byte-identical to {@code wmill sync pull}. Seeded; the seed is printed.
 */
class RandomParityTest {
    static final String TOKEN = "random-parity-token";
    private static final String[] WORDS = {
        "yes",
        "no",
        "on",
        "off",
        "null",
        "true",
        "~",
        "-",
        "--",
        "---",
        "...",
        "?",
        ":",
        "a:b",
        "key: value",
        "#",
        "a #b",
        "'",
        "\"",
        "it's",
        "\"q\"",
        "0",
        "007",
        "1e3",
        "0x1F",
        ".inf",
        "-.5",
        "12:30",
        "@x",
        "`x`",
        "*x",
        "&x",
        "!x",
        "%x",
        "[x]",
        "{x}",
        ",",
        "|",
        ">",
        "Déjà",
        "🚀",
        "CON",
        "tab\there",
        "word",
        "lorem",
        "ipsum",
        "dolor",
        "sit",
        "amet",
        "consectetur",
        "adipiscing",
        "elit",
        "  ",
        " ",
        "\\",
        "/",
        "$var:f/x",
        "é",
        "É",
        "e",
        "E",
        "ñ",
        "Ω",
        "€",
        "±",
        "ß",
        "日本",
        "_a",
        "-a",
        "A_b",
        "a_B",
        "a1",
        "a10",
        "a2",
        "Z",
        "z"
    };

    /**
     * Fixed seeds, so CI is deterministic: each of the last four once found a bug (ß ordering, "±" among ASCII
     * symbols, and twice a block scalar ending in a blank line, where Java's {@code $} is not JavaScript's); {@code -Dparity.seed=N} replays
     * one seed and {@code -Dparity.randomRuns=N} adds N fresh ones to explore.
     */
    static Stream<Long> seeds() {
        Long replay = Long.getLong("parity.seed");
        if (replay != null) {
            return Stream.of(replay);
        }
        long base = System.nanoTime();
        return Stream.concat(
                Stream.of(20261123L, 8142063252886L, 10138202920366L, 10223620875321L, 10223620946592L),
                Stream.iterate(base, s -> s + 7919).limit(Long.getLong("parity.randomRuns", 0)));
    }

    private static String randomString(SplittableRandom r) {
        int words = r.nextInt(0, r.nextInt(4) == 0 ? 40 : 6);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                int sep = r.nextInt(12);
                sb.append(sep == 0 ? "\n" : sep == 1 ? "\n\n" : sep == 2 ? "  " : " ");
            }
            sb.append(WORDS[r.nextInt(WORDS.length)]);
        }
        if (r.nextInt(6) == 0) {
            sb.append(r.nextBoolean() ? "\n" : " ");
        }
        if (r.nextInt(8) == 0) {
            sb.insert(0, r.nextBoolean() ? " " : "\n");
        }
        return sb.toString();
    }

    private static Object randomValue(SplittableRandom r, int depth) {
        int kind = r.nextInt(depth > 2 ? 6 : 9);
        return switch (kind) {
            case 0, 1, 2 -> randomString(r);
            case 3 -> r.nextInt(-1000, 1000);
            case 4 -> r.nextBoolean() ? r.nextDouble() * 1000 : (Object) null;
            case 5 -> r.nextBoolean();
            case 6, 7 -> {
                Map<String, Object> m = obj();
                int n = r.nextInt(0, 6);
                for (int i = 0; i < n; i++) {
                    String key =
                            r.nextInt(3) == 0 ? WORDS[r.nextInt(WORDS.length)].replace("\n", "") : "k" + r.nextInt(100);
                    m.put(key.isEmpty() ? "empty" : key, randomValue(r, depth + 1));
                }
                yield m;
            }
            default -> {
                List<Object> l = new ArrayList<>();
                int n = r.nextInt(0, 4);
                for (int i = 0; i < n; i++) {
                    l.add(randomValue(r, depth + 1));
                }
                yield l;
            }
        };
    }

    static WorkspaceArchive randomWorkspace(SplittableRandom r) {
        WorkspaceArchive a = new WorkspaceArchive();
        a.json("f/rand/folder.meta.json", obj("display_name", "rand", "owners", List.of(), "extra_perms", obj()));
        for (int i = 0; i < 25; i++) {
            a.json(
                    "f/rand/res_" + i + ".resource.json",
                    obj("value", randomValue(r, 0), "description", randomString(r), "resource_type", "custom"));
        }
        for (int i = 0; i < 10; i++) {
            a.json(
                    "f/rand/var_" + i + ".variable.json",
                    obj(
                            "value",
                            randomString(r),
                            "is_secret",
                            false,
                            "description",
                            randomString(r),
                            "extra_perms",
                            obj()));
        }
        List<Object> modules = new ArrayList<>();
        String[] languages = {"python3", "bun", "deno", "bash", "go", "postgresql", "nativets", "mysql"};
        for (int i = 0; i < 12; i++) {
            String summary = r.nextInt(3) == 0 ? null : randomString(r).replace("\n", " ");
            Map<String, Object> value = obj(
                    "type",
                    "rawscript",
                    "content",
                    "code " + i + "\n",
                    "language",
                    languages[r.nextInt(languages.length)],
                    "input_transforms",
                    obj());
            if (r.nextBoolean()) {
                value.put("lock", "lock " + i + "\n");
            }
            Map<String, Object> module = obj("id", "m" + i, "value", value);
            if (summary != null) {
                module.put("summary", summary);
            }
            modules.add(module);
        }
        a.json(
                "f/rand/flow.flow.json",
                obj(
                        "summary",
                        randomString(r),
                        "description",
                        randomString(r),
                        "value",
                        obj("modules", modules),
                        "schema",
                        obj()));
        return a;
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void randomWorkspacesAreByteIdentical(long seed) throws Exception {
        assumeTrue(WmillJudge.available(), "wmill is installed by the Maven build");
        System.out.println("RandomParityTest seed " + seed);
        Path tmp = Files.createTempDirectory("wm-random-");
        try (WindmillEmulator emulator =
                WindmillEmulator.start(TOKEN).workspace("rand", randomWorkspace(new SplittableRandom(seed)))) {
            Path cliTree = Files.createDirectories(tmp.resolve("cli"));
            WmillJudge.run(
                    cliTree,
                    tmp.resolve("home"),
                    emulator.baseUrl(),
                    TOKEN,
                    "rand",
                    "sync",
                    "pull",
                    "--yes",
                    "--skip-branch-validation");
            TreeMap<String, String> expected = new TreeMap<>();
            try (Stream<Path> walk = Files.walk(cliTree)) {
                for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                    String rel = cliTree.relativize(p).toString();
                    expected.put(rel, Files.readString(p, StandardCharsets.UTF_8));
                }
            }
            TreeMap<String, String> actual = new TreeMap<>();
            try (WindmillSource source = WindmillSource.builder()
                    .baseUrl(emulator.baseUrl())
                    .token(Secret.of(TOKEN))
                    .workspace("rand")
                    .build()) {
                Snapshot snapshot = source.snapshot();
                for (SnapshotEntry e : snapshot.entries()) {
                    try (InputStream in = e.open()) {
                        actual.put(e.path().value(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
            }
            assertThat(actual.keySet()).as("seed " + seed).containsExactlyElementsOf(expected.keySet());
            for (String path : expected.keySet()) {
                assertThat(actual.get(path)).as("seed " + seed + ": " + path).isEqualTo(expected.get(path));
            }
        } finally {
            dev.workspacesync.windmill.internal.StagingDir.deleteTree(tmp);
        }
    }
}
