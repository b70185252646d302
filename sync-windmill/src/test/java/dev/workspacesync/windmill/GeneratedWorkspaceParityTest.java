package dev.workspacesync.windmill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.windmill.WindmillPullOptions.Flag;
import dev.workspacesync.windmill.internal.StagingDir;
import dev.workspacesync.windmill.testing.Fixtures;
import dev.workspacesync.windmill.testing.HostileItems;
import dev.workspacesync.windmill.testing.ServerShapes;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import dev.workspacesync.windmill.testing.WorkspaceArchive;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole workspaces generated from the server's export shapes ({@link ServerShapes}), every item kind and every
 * include flag (the encryption key too), judged by the real CLI: our pull and {@code wmill sync pull} of the same
 * emulator give the same paths with the same bytes, and {@code wmill sync push --dry-run} from our tree reports 0
 * changes. Seeded; each seed is printed. {@code -Dshapes.seed=N} replays one, {@code -Dshapes.runs=N} adds N fresh
 * ones, {@code -Dshapes.full=true} widens the alphabet past what is fixed today (see {@link ServerShapes.Alphabet}).
 * Every second seed pulls with the {@code wmill.yaml} {@code wmill init} writes (non-dotted paths, includes,
 * skipSecrets); every third from a server without zip support, so both tools read the server's GNU tar.
 */
class GeneratedWorkspaceParityTest {
    private static final String TOKEN = "generated-parity-token";
    private static final String[] FLAGS = {
        "--include-schedules",
        "--include-triggers",
        "--include-users",
        "--include-groups",
        "--include-settings",
        "--include-key"
    };

    /**
     * Fixed seeds keep verify deterministic and bounded (each costs two CLI runs, a few seconds): no wmill.yaml
     * from a tar, wmill init defaults from a zip, no wmill.yaml from a zip.
     */
    static Stream<Long> seeds() {
        Long replay = Long.getLong("shapes.seed");
        if (replay != null) {
            return Stream.of(replay);
        }
        long base = System.nanoTime();
        return Stream.concat(
                Stream.of(20261202L, 7L, 20261204L),
                Stream.iterate(base, s -> s + 104_729).limit(Long.getLong("shapes.runs", 0)));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void generatedWorkspaceIsByteIdenticalToTheCli(long seed) throws Exception {
        assumeTrue(WmillJudge.available(), "wmill is installed by the Maven build");
        ServerShapes.Alphabet alphabet = ServerShapes.Alphabet.current();
        System.out.println("GeneratedWorkspaceParityTest seed " + seed + " (" + alphabet + ")");
        int files = compare(
                ServerShapes.workspace(seed, alphabet),
                Math.floorMod(seed, 2) == 1,
                Math.floorMod(seed, 3) == 0,
                "seed " + seed + " (replay with -Dshapes.seed=" + seed + ")");
        System.out.printf("[shapes %d] %d files byte-identical, push 0 changes%n", seed, files);
    }

    /**
     * Class 1 of issue #12: the server writes {@code encryption_key.json} as a JSON string, and every pull with
     * {@code windmill.include-key=true} failed on it. The CLI writes the string as the YAML document.
     */
    @Test
    void encryptionKeyIsAJsonString() throws Exception {
        assumeTrue(WmillJudge.available(), "wmill is installed by the Maven build");
        WorkspaceArchive archive = Fixtures.edgeCases();
        assertThat(new String(archive.entries().get("encryption_key.json"), StandardCharsets.UTF_8))
                .isEqualTo("\"tR7bQ2mX9kLp4ZsV1nWc8HdY3fGj6AeU0oTiKr5BxNq2MvCz7SyPu1LwEh4JgDa9\"");
        compare(archive, true, true, "edge cases with the key, wmill init defaults, tar");
    }

    /**
     * An item path the server spells in NFD lands where the CLI writes it (NFD, next to its NFC twin), and
     * numbers no double holds are read as {@code JSON.parse} reads them ({@code .inf}, {@code 0}).
     */
    @Test
    void nfdPathsAndHugeNumbersAreWrittenAsTheCliWritesThem() throws Exception {
        assumeTrue(WmillJudge.available(), "wmill is installed by the Maven build");
        String nfd = "f/team/cafe\u0301.variable";
        String nfc = "f/team/caf\u00e9.variable";
        WorkspaceArchive archive = Fixtures.edgeCases()
                .json(nfd + ".json", Fixtures.obj("value", "nfd", "is_secret", false, "description", "d"))
                .json(nfc + ".json", Fixtures.obj("value", "nfc", "is_secret", false, "description", "c"))
                .text(
                        "f/team/huge.resource.json",
                        "{\"value\":{\"big\":" + "9".repeat(1200) + ",\"tiny\":-0." + "0".repeat(1100) + "1"
                                + ",\"far\":1e400},\"description\":\"\",\"resource_type\":\"object\"}");
        Path tmp = Files.createTempDirectory("wm-nfd-");
        try {
            compare(archive, false, false, "NFD paths and huge numbers", tmp);
            assertThat(Files.readString(tmp.resolve("ours").resolve(nfd + ".yaml")))
                    .contains("nfd");
            assertThat(Files.readString(tmp.resolve("ours").resolve(nfc + ".yaml")))
                    .contains("nfc");
            assertThat(Files.readString(tmp.resolve("ours/f/team/huge.resource.yaml")))
                    .contains("big: .inf")
                    .contains("tiny: -0")
                    .contains("far: .inf");
        } finally {
            StagingDir.deleteTree(tmp);
        }
    }

    /**
     * What the audit of issue #12 threw at the pull: U+2028, U+2029, NEL and U+A7C0 (a Unicode 14 capital) in
     * every item kind and in folder, user and group names; numbers past 2^53, {@code -0}, {@code 1e21},
     * {@code 1e-7}; a 59-character key with a folded value and keys past 1,024 characters; every trigger kind;
     * v2 settings; workspace dependencies; the fields the server writes as {@code null} set to null.
     */
    @Test
    void hostileTextNumbersAndKeysInEveryItemKind() throws Exception {
        assumeTrue(WmillJudge.available(), "wmill is installed by the Maven build");
        compare(HostileItems.archive(), true, false, "hostile items, init defaults, zip");
        compare(HostileItems.archive(), false, true, "hostile items, no wmill.yaml, tar");
    }

    private static int compare(WorkspaceArchive archive, boolean init, boolean tar, String where) throws Exception {
        Path tmp = Files.createTempDirectory("wm-shapes-");
        try {
            return compare(archive, init, tar, where, tmp);
        } finally {
            StagingDir.deleteTree(tmp);
        }
    }

    /**
     * Pulls with both tools (from a server without zip support when {@code tar}), compares paths and bytes,
     * checks push sees 0 changes; returns the file count.
     */
    private static int compare(WorkspaceArchive archive, boolean init, boolean tar, String where, Path tmp)
            throws Exception {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN)
                .workspace("gen", archive)
                .fileResourceTypes(ServerShapes.FILE_RESOURCE_TYPES)
                .zipSupported(!tar)) {
            Path cliTree = Files.createDirectories(tmp.resolve("cli"));
            Path ourTree = Files.createDirectories(tmp.resolve("ours"));
            WindmillPullOptions options = WindmillPullOptions.noConfig();
            if (init) {
                String yaml = CliParityTest.INIT_WMILL_YAML;
                Files.writeString(cliTree.resolve("wmill.yaml"), yaml);
                Files.writeString(ourTree.resolve("wmill.yaml"), yaml);
                options = WindmillPullOptions.fromWmillYaml(ourTree.resolve("wmill.yaml"));
            }
            for (Flag flag : List.of(
                    Flag.INCLUDE_SCHEDULES,
                    Flag.INCLUDE_TRIGGERS,
                    Flag.INCLUDE_USERS,
                    Flag.INCLUDE_GROUPS,
                    Flag.INCLUDE_SETTINGS,
                    Flag.INCLUDE_KEY)) {
                options = options.with(flag, true);
            }
            List<String> pull = new ArrayList<>(List.of("sync", "pull", "--yes", "--skip-branch-validation"));
            pull.addAll(List.of(FLAGS));
            WmillJudge.run(
                    cliTree, tmp.resolve("home1"), emulator.baseUrl(), TOKEN, "gen", pull.toArray(String[]::new));
            WindmillSource.Builder builder = WindmillSource.builder()
                    .baseUrl(emulator.baseUrl())
                    .token(Secret.of(TOKEN))
                    .workspace("gen")
                    .pullOptions(options);
            if (init) {
                builder.wmillYaml(ourTree.resolve("wmill.yaml"));
            }
            try (WindmillSource source = builder.build()) {
                Snapshot snapshot = source.snapshot();
                for (SnapshotEntry entry : snapshot.entries()) {
                    Path target = entry.path().under(ourTree);
                    Files.createDirectories(target.getParent());
                    try (InputStream in = entry.open()) {
                        Files.copy(in, target);
                    }
                }
            }
            TreeMap<String, byte[]> cli = files(cliTree);
            TreeMap<String, byte[]> ours = files(ourTree);
            assertThat(cli).as(where + ": the CLI pulled the key").containsKey("encryption_key.yaml");
            assertThat(ours.keySet()).as(where).containsExactlyElementsOf(cli.keySet());
            for (String path : cli.keySet()) {
                assertThat(new String(ours.get(path), StandardCharsets.UTF_8))
                        .as(where + ": " + path)
                        .isEqualTo(new String(cli.get(path), StandardCharsets.UTF_8));
                assertThat(ours.get(path)).as(where + ": bytes of " + path).isEqualTo(cli.get(path));
            }
            List<String> push = new ArrayList<>(List.of("sync", "push", "--dry-run", "--skip-branch-validation"));
            push.addAll(List.of(FLAGS));
            String pushed = WmillJudge.run(
                    ourTree, tmp.resolve("home2"), emulator.baseUrl(), TOKEN, "gen", push.toArray(String[]::new));
            assertThat(pushed).as(where + "\n" + pushed).contains("0 changes");
            return cli.size();
        }
    }

    private static TreeMap<String, byte[]> files(Path root) throws IOException {
        TreeMap<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                if (!rel.equals("wmill.yaml") && !rel.startsWith(".")) {
                    out.put(rel, Files.readAllBytes(p));
                }
            }
        }
        return out;
    }
}
