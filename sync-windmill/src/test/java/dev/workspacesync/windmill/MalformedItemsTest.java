package dev.workspacesync.windmill;

import static dev.workspacesync.windmill.testing.Fixtures.obj;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SourceException;
import dev.workspacesync.windmill.testing.Fixtures;
import dev.workspacesync.windmill.testing.ServerShapes;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import dev.workspacesync.windmill.testing.WorkspaceArchive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An item the CLI cannot write (it crashes on it) is never left out of a backup silently: our pull fails naming
 * the item and where in it, and the real {@code wmill sync pull} of the same archive fails too.
 */
class MalformedItemsTest {
    private static final String TOKEN = "malformed-token";

    static Stream<Arguments> items() {
        Map<String, Object> noValue = new HashMap<>();
        noValue.put("id", "a");
        noValue.put("value", null);
        return Stream.of(
                Arguments.of("f/x/nullvalue.flow.json", flow(null), "its value is NULL"),
                Arguments.of("f/x/nomodules.flow.json", flow(obj("same_worker", false)), "value.modules is missing"),
                Arguments.of(
                        "f/x/stepnovalue.flow.json",
                        flow(obj("modules", List.of(noValue))),
                        "value.modules[0] has no value"),
                Arguments.of(
                        "f/x/nobranches.flow.json",
                        flow(obj("modules", List.of(obj("id", "b", "value", obj("type", "branchall"))))),
                        "value.modules[0].value.branches is missing"),
                Arguments.of(
                        "f/x/loopnomodules.flow.json",
                        flow(obj(
                                "modules",
                                List.of(obj("id", "c", "value", obj("type", "forloopflow", "modules", "x"))))),
                        "value.modules[0].value.modules is STRING"),
                Arguments.of(
                        "f/x/nullfile.resource.json",
                        obj("value", null, "description", null, "resource_type", "json_file"),
                        "whose value is NULL"),
                Arguments.of(
                        "f/x/textfile.resource.json",
                        obj("value", "just text", "description", "", "resource_type", "c_text"),
                        "whose value is STRING"));
    }

    private static Map<String, Object> flow(Object value) {
        Map<String, Object> flow = obj("summary", "", "description", "");
        flow.put("value", value);
        flow.put("schema", null);
        return flow;
    }

    @ParameterizedTest
    @MethodSource("items")
    void pullFailsNamingTheItem(String entry, Map<String, Object> item, String detail, @TempDir Path tmp)
            throws Exception {
        WorkspaceArchive archive = Fixtures.fullWorkspace().json(entry, item);
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN)
                .workspace("bad", archive)
                .fileResourceTypes(ServerShapes.FILE_RESOURCE_TYPES)) {
            try (WindmillSource source = WindmillSource.builder()
                    .baseUrl(emulator.baseUrl())
                    .token(Secret.of(TOKEN))
                    .workspace("bad")
                    .build()) {
                assertThatThrownBy(source::snapshot)
                        .isInstanceOf(SourceException.class)
                        .hasMessageContaining(entry)
                        .hasMessageContaining(detail)
                        .hasMessageContaining("windmill.excludes");
            }
            assumeTrue(WmillJudge.available(), "wmill is installed by the Maven build");
            Path cliTree = Files.createDirectories(tmp.resolve("cli"));
            assertThatThrownBy(() -> WmillJudge.run(
                            cliTree,
                            tmp.resolve("home"),
                            emulator.baseUrl(),
                            TOKEN,
                            "bad",
                            "sync",
                            "pull",
                            "--yes",
                            "--skip-branch-validation"))
                    .as("the real CLI cannot pull " + entry + " either")
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("failed");
        }
    }
}
