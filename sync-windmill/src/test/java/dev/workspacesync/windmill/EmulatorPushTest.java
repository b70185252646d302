package dev.workspacesync.windmill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.workspacesync.windmill.testing.Fixtures;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import dev.workspacesync.windmill.testing.WorkspaceArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stateful emulator, judged by the real {@code wmill} (windmill-cli 1.819.0): pull a seeded workspace into a
 * tree, push the tree into an empty workspace, pull that again: the same tree byte for byte, {@code push --dry-run}
 * sees 0 changes and the two workspaces hold the same items.
 */
class EmulatorPushTest {
    static final String TOKEN = "push-token-123";
    static final String[] INCLUDE_FLAGS = {
        "--include-schedules", "--include-triggers", "--include-users", "--include-groups", "--include-settings"
    };

    @BeforeAll
    static void needsCli() {
        assumeTrue(WmillJudge.available(), "wmill is installed by the Maven build (npm ci in src/test/wmill)");
    }

    static Stream<Arguments> fixtures() {
        return Stream.of(Arguments.of("fullWorkspace", (Supplier<WorkspaceArchive>) Fixtures::fullWorkspace));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void pushIntoAnEmptyWorkspaceReproducesTheTree(String name, Supplier<WorkspaceArchive> fixture, @TempDir Path tmp)
            throws Exception {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN)
                .workspace("seeded", fixture.get())
                .emptyWorkspace("pushed")
                .fileResourceTypes(Fixtures.EDGE_FILE_RESOURCE_TYPES)) {
            Path tree = Files.createDirectories(tmp.resolve("tree"));
            Path again = Files.createDirectories(tmp.resolve("again"));
            run(tree, tmp.resolve("h1"), emulator, "seeded", "sync", "pull", "--yes");
            String pushed = run(tree, tmp.resolve("h2"), emulator, "pushed", "sync", "push", "--yes");
            assertThat(emulator.writeRequests()).as(pushed).isPositive();
            run(again, tmp.resolve("h3"), emulator, "pushed", "sync", "pull", "--yes");
            TreeMap<String, byte[]> expected = files(tree);
            TreeMap<String, byte[]> actual = files(again);
            assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
            for (String path : expected.keySet()) {
                assertThat(new String(actual.get(path))).as(path).isEqualTo(new String(expected.get(path)));
            }
            emulator.resetRequests();
            String dry = run(tree, tmp.resolve("h4"), emulator, "pushed", "sync", "push", "--dry-run");
            assertThat(dry).as(dry).contains("0 changes");
            assertThat(emulator.writeRequests()).isZero();
            assertThat(emulator.state("pushed")).isEqualTo(emulator.state("seeded"));
        }
    }

    private static String run(Path dir, Path home, WindmillEmulator emulator, String ws, String... args)
            throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--skip-branch-validation");
        all.addAll(List.of(INCLUDE_FLAGS));
        return WmillJudge.run(dir, home, emulator.baseUrl(), TOKEN, ws, all.toArray(String[]::new));
    }

    private static TreeMap<String, byte[]> files(Path root) throws IOException {
        TreeMap<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                if (!rel.startsWith(".")) {
                    out.put(rel, Files.readAllBytes(p));
                }
            }
        }
        return out;
    }
}
