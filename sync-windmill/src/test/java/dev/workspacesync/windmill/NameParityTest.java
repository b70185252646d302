package dev.workspacesync.windmill;

import static dev.workspacesync.windmill.testing.Fixtures.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SourceException;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import dev.workspacesync.windmill.testing.WorkspaceArchive;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * File names derived from item data (flow step summaries, app inline script names, raw app runnable ids and
 * files), judged by the real {@code wmill sync pull}: the trees must be byte-identical, names included, and
 * {@code wmill sync push --dry-run} from ours must see 0 changes. Names the CLI writes are accepted as it
 * writes them (NEL, U+2028, Unicode 14+ capitals folded as Node's ICU folds them); a name no file system can
 * hold fails the pull naming the item.
 */
class NameParityTest {
    static final String TOKEN = "name-parity-token";

    @BeforeAll
    static void needsCli() {
        assumeTrue(WmillJudge.available(), "wmill is installed by the Maven build (npm ci in src/test/wmill)");
    }

    private static Map<String, Object> step(String id, String summary, String language) {
        Map<String, Object> value =
                obj("type", "rawscript", "content", "// " + id + "\n", "language", language, "input_transforms", obj());
        Map<String, Object> m = obj("id", id, "value", value);
        if (summary != null) {
            m.put("summary", summary);
        }
        return m;
    }

    private static WorkspaceArchive flow(WorkspaceArchive a, String path, List<Object> modules) {
        return a.json(
                path + ".flow.json",
                obj("summary", "s", "description", "", "value", obj("modules", modules), "schema", obj()));
    }

    /** The three names from issue #12, and their neighbours. */
    @Test
    void nelSeparatorsAndNewCapitals(@TempDir Path tmp) throws Exception {
        WorkspaceArchive a = new WorkspaceArchive();
        a.json("f/n/folder.meta.json", obj("display_name", "n", "owners", List.of(), "extra_perms", obj()));
        flow(
                a,
                "f/n/steps",
                List.of(
                        step("a", "Fetch\u0085data", "bun"),
                        step("b", "Done._\u2028", "python3"),
                        step("c", "Para_\u2029", "bash"),
                        step("d", "\uA7C0\uA7C2 capital", "bun"),
                        step("e", "\uA7C1\uA7C3 CAPITAL", "bun"),
                        step("f", "CON", "go"),
                        step("g", "\u0130stanbul \u03A3\u039F\u03A3 \u01C5", "deno"),
                        step("h", "Stra\u00DFe\u000B", "bun"),
                        step("i", "\u2028", "bun")));
        a.json(
                "f/n/ap.app.json",
                obj(
                        "summary",
                        "ap",
                        "value",
                        obj(
                                "grid",
                                List.of(),
                                "hiddenInlineScripts",
                                List.of(
                                        obj(
                                                "name",
                                                "Q\u0085",
                                                "inlineScript",
                                                obj("content", "1\n", "language", "bun")),
                                        obj("name", "\uA7C0", "inlineScript", obj("content", "2\n", "language", "bun")),
                                        obj(
                                                "name",
                                                "q\u0085",
                                                "inlineScript",
                                                obj("content", "3\n", "language", "bun")))),
                        "policy",
                        obj("execution_mode", "viewer")));
        a.json(
                "f/n/raw.raw_app.json",
                obj(
                        "summary",
                        "raw",
                        "value",
                        obj(
                                "files",
                                obj(
                                        "/index.tsx", "x\n",
                                        "/src/\u0085nel\u2028.tsx", "y\n",
                                        "/src/./dot//double.tsx", "z\n"),
                                "runnables",
                                obj(
                                        "CON", inline("1\n"),
                                        "\uA7C0Keep", inline("2\n"),
                                        "\uA7C1keep", inline("3\n"))),
                        "policy",
                        obj("execution_mode", "viewer")));
        // Script modules: the CLI joins their paths (./ and // normalised), names kept exactly.
        a.script(
                "f/n/mods",
                "py",
                "def main():\n  return 1\n",
                obj(
                        "summary",
                        "mods",
                        "description",
                        "",
                        "schema",
                        obj(),
                        "kind",
                        "script",
                        "language",
                        "python3",
                        "lock",
                        "",
                        "modules",
                        obj(
                                "./dot/a.py", obj("content", "A=1\n", "language", "python3"),
                                "sub//b.py", obj("content", "B=1\n", "language", "python3", "lock", "b==1\n"),
                                "\u0085nel\u2028.py", obj("content", "N=1\n", "language", "python3"))));
        TreeMap<String, byte[]> tree = compare(tmp, a);
        assertThat(tree.keySet())
                .contains(
                        "f/n/steps.flow/fetch\u0085data.inline_script.ts",
                        "f/n/steps.flow/done._\u2028.inline_script.py",
                        "f/n/steps.flow/\uA7C1\uA7C3_capital.inline_script.ts",
                        "f/n/steps.flow/\uA7C1\uA7C3_capital_1.inline_script.ts",
                        "f/n/steps.flow/_con.inline_script.go",
                        "f/n/raw.raw_app/backend/_CON.ts",
                        "f/n/raw.raw_app/src/\u0085nel\u2028.tsx",
                        "f/n/raw.raw_app/src/dot/double.tsx",
                        "f/n/mods__mod/dot/a.py",
                        "f/n/mods__mod/sub/b.lock");
    }

    private static Map<String, Object> inline(String content) {
        return obj("type", "runnableByName", "inlineScript", obj("content", content, "language", "bun"));
    }

    static Stream<Long> seeds() {
        Long replay = Long.getLong("names.e2eSeed");
        return replay != null
                ? Stream.of(replay)
                : Stream.concat(
                        Stream.of(20261202L),
                        Stream.iterate(System.nanoTime(), s -> s + 7919).limit(Long.getLong("names.e2eRuns", 1)));
    }

    /** Random step summaries, app script names and runnable ids (no unpaired surrogates: see below). */
    @ParameterizedTest
    @MethodSource("seeds")
    void randomNamesAreWrittenAsTheCliWritesThem(long seed, @TempDir Path tmp) throws Exception {
        System.out.println("NameParityTest seed " + seed + " (-Dnames.e2eSeed=" + seed + " replays it)");
        SplittableRandom r = new SplittableRandom(seed);
        WorkspaceArchive a = new WorkspaceArchive();
        a.json("f/r/folder.meta.json", obj("display_name", "r", "owners", List.of(), "extra_perms", obj()));
        List<Object> modules = new ArrayList<>();
        String[] languages = {"bun", "python3", "bash", "deno", "go"};
        for (int i = 0; i < 30; i++) {
            modules.add(step("m" + i, r.nextInt(5) == 0 ? null : name(r), languages[r.nextInt(languages.length)]));
        }
        flow(a, "f/r/flow", modules);
        Map<String, Object> runnables = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            runnables.put(name(r).replace("/", "") + i, inline(i + "\n"));
        }
        a.json(
                "f/r/raw.raw_app.json",
                obj(
                        "summary",
                        "raw",
                        "value",
                        obj("files", obj("/index.tsx", "x\n"), "runnables", runnables),
                        "policy",
                        obj("execution_mode", "viewer")));
        compare(tmp, a);
    }

    /** A name no file system holds (over 255 bytes; the CLI's own write fails too): the pull names the item. */
    @Test
    void anUnholdableNameFailsNamingTheItem() throws Exception {
        WorkspaceArchive a = new WorkspaceArchive();
        flow(a, "f/n/long", List.of(step("a", "x".repeat(300), "bun")));
        assertThatThrownBy(() -> snapshot(a))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("f/n/long.flow.json")
                .hasMessageContaining("a name of 317 UTF-8 bytes");
        WorkspaceArchive lone = new WorkspaceArchive();
        flow(lone, "f/n/lone", List.of(step("a", "bad\uD800", "bun")));
        assertThatThrownBy(() -> snapshot(lone))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("f/n/lone.flow.json")
                .hasMessageContaining("unpaired surrogate");
        // NUL in a raw app runnable id: the CLI's own pull dies on it ("must be a string … without null bytes").
        WorkspaceArchive nul = new WorkspaceArchive();
        nul.json(
                "f/n/nul.raw_app.json",
                obj(
                        "summary",
                        "n",
                        "value",
                        obj("files", obj("/index.tsx", "x\n"), "runnables", obj("a\u0000b", inline("x")))));
        assertThatThrownBy(() -> snapshot(nul))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("f/n/nul.raw_app")
                .hasMessageContaining("U+0000");
        WorkspaceArchive escape = new WorkspaceArchive();
        escape.json(
                "f/n/esc.raw_app.json",
                obj("summary", "e", "value", obj("files", obj("/../../x.ts", "x\n"), "runnables", obj())));
        WorkspaceArchive module = new WorkspaceArchive();
        module.script(
                "f/n/modesc",
                "py",
                "x\n",
                obj(
                        "summary",
                        "m",
                        "kind",
                        "script",
                        "language",
                        "python3",
                        "modules",
                        obj("a/../../../x.py", obj("content", "x\n", "language", "python3"))));
        assertThatThrownBy(() -> snapshot(module))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("f/n/modesc__mod")
                .hasMessageContaining("out of the folder");
        assertThatThrownBy(() -> snapshot(escape))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("f/n/esc.raw_app")
                .hasMessageContaining("out of the folder");
    }

    private static String name(SplittableRandom r) {
        String n;
        do {
            n = dev.workspacesync.windmill.testing.HostileNames.name(r);
            // NUL: the CLI's own pull dies on it (anUnholdableNameFailsNamingTheItem shows ours names the item).
        } while (hasLoneSurrogate(n)
                || n.indexOf('\0') >= 0
                || n.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 120);
        return n;
    }

    private static boolean hasLoneSurrogate(String s) {
        return !java.nio.charset.StandardCharsets.UTF_8.newEncoder().canEncode(s);
    }

    private static Map<String, byte[]> snapshot(WorkspaceArchive archive) throws Exception {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("demo", archive);
                WindmillSource source = source(emulator)) {
            Map<String, byte[]> out = new TreeMap<>();
            for (SnapshotEntry e : source.snapshot().entries()) {
                try (InputStream in = e.open()) {
                    out.put(e.path().value(), in.readAllBytes());
                }
            }
            return out;
        }
    }

    private static WindmillSource source(WindmillEmulator emulator) {
        return WindmillSource.builder()
                .baseUrl(emulator.baseUrl())
                .token(Secret.of(TOKEN))
                .workspace("demo")
                .build();
    }

    /** Both pulls byte for byte, then push --dry-run from ours; returns our tree. */
    private static TreeMap<String, byte[]> compare(Path tmp, WorkspaceArchive archive) throws Exception {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("demo", archive)) {
            Path cliTree = Files.createDirectories(tmp.resolve("cli"));
            Path ourTree = Files.createDirectories(tmp.resolve("ours"));
            WmillJudge.run(
                    cliTree,
                    tmp.resolve("home1"),
                    emulator.baseUrl(),
                    TOKEN,
                    "demo",
                    "sync",
                    "pull",
                    "--yes",
                    "--skip-branch-validation");
            TreeMap<String, byte[]> ours = new TreeMap<>();
            try (WindmillSource source = source(emulator)) {
                Snapshot snapshot = source.snapshot();
                for (SnapshotEntry entry : snapshot.entries()) {
                    try (InputStream in = entry.open()) {
                        byte[] bytes = in.readAllBytes();
                        ours.put(entry.path().value(), bytes);
                        Path target = entry.path().under(ourTree);
                        Files.createDirectories(target.getParent());
                        Files.write(target, bytes);
                    }
                }
            }
            TreeMap<String, byte[]> cli = files(cliTree);
            assertThat(escaped(ours.keySet())).containsExactlyElementsOf(escaped(cli.keySet()));
            for (String path : cli.keySet()) {
                assertThat(new String(ours.get(path), java.nio.charset.StandardCharsets.UTF_8))
                        .as(SyncPath.escape(path))
                        .isEqualTo(new String(cli.get(path), java.nio.charset.StandardCharsets.UTF_8));
                assertThat(Arrays.equals(ours.get(path), cli.get(path)))
                        .as(SyncPath.escape(path))
                        .isTrue();
            }
            String pushed = WmillJudge.run(
                    ourTree,
                    tmp.resolve("home2"),
                    emulator.baseUrl(),
                    TOKEN,
                    "demo",
                    "sync",
                    "push",
                    "--dry-run",
                    "--skip-branch-validation");
            assertThat(pushed).as(pushed).contains("0 changes");
            return ours;
        }
    }

    private static List<String> escaped(java.util.Collection<String> paths) {
        return paths.stream().map(SyncPath::escape).toList();
    }

    private static TreeMap<String, byte[]> files(Path root) throws Exception {
        TreeMap<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                String rel = root.relativize(p).toString();
                if (!rel.startsWith(".") && !rel.equals("wmill.yaml")) {
                    out.put(rel, Files.readAllBytes(p));
                }
            }
        }
        return out;
    }
}
