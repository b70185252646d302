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
        judge(entry, item, tmp, entry, detail, "windmill.excludes");
    }

    /**
     * Items the CLI writes part way and then dies on, kept out of {@link GeneratedWorkspaceParityTest} for that
     * reason: a step name whose file name passes 255 UTF-8 bytes (the CLI: ENAMETOOLONG), and a raw app carrying a
     * {@code backend/*.yaml} its YAML 1.2 parser cannot read (the CLI: "Error parsing yaml" while hashing).
     */
    static Stream<Arguments> unwritable() {
        Map<String, Object> longStep = obj(
                "id",
                "a",
                "summary",
                "step ".repeat(60),
                "value",
                obj("type", "rawscript", "content", "export async function main() {}\n", "language", "bun"));
        Map<String, Object> rawApp = obj(
                "summary",
                "",
                "policy",
                obj("execution_mode", "publisher", "triggerables", obj()),
                "value",
                obj(
                        "files",
                        obj(
                                "/index.tsx",
                                "export default 1\n",
                                // A script file: the CLI reads backend/*.yaml only then.
                                "/backend/verbatim.ts",
                                "export async function main() {}\n",
                                "/backend/verbatim.yaml",
                                "type: inline\na: [1,\n"),
                        "runnables",
                        obj()));
        return Stream.of(
                Arguments.of("f/x/longstep.flow.json", flow(obj("modules", List.of(longStep))), new String[] {
                    "f/x/longstep", "at most 255"
                }),
                Arguments.of("f/x/badyaml.raw_app.json", rawApp, new String[] {
                    "f/x/badyaml.raw_app/backend/verbatim.yaml", "not YAML the wmill CLI can read"
                }));
    }

    @ParameterizedTest
    @MethodSource("unwritable")
    void itemTheCliCannotWriteFailsNamingIt(String entry, Map<String, Object> item, String[] detail, @TempDir Path tmp)
            throws Exception {
        judge(entry, item, tmp, detail);
    }

    private static void judge(String entry, Map<String, Object> item, Path tmp, String... details) throws Exception {
        WorkspaceArchive archive = Fixtures.fullWorkspace().json(entry, item);
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN)
                .workspace("bad", archive)
                .fileResourceTypes(ServerShapes.FILE_RESOURCE_TYPES)) {
            try (WindmillSource source = WindmillSource.builder()
                    .baseUrl(emulator.baseUrl())
                    .token(Secret.of(TOKEN))
                    .workspace("bad")
                    .build()) {
                var thrown = assertThatThrownBy(source::snapshot).isInstanceOf(SourceException.class);
                for (String detail : details) {
                    thrown.hasMessageContaining(detail);
                }
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
