package dev.workspacesync.windmill;

import static dev.workspacesync.windmill.testing.Fixtures.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import dev.workspacesync.windmill.testing.WorkspaceArchive;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12, classes 2 to 4, judged by the real {@code wmill sync pull}: every file of our tree, the lock file's
 * content hashes included, byte-identical to the CLI's, and {@code wmill sync push --dry-run} from our tree
 * sees 0 changes.
 */
class YamlFidelityParityTest {
    static final String TOKEN = "yaml-fidelity-token";
    static final String LS = "\u2028";
    static final String PS = "\u2029";

    @BeforeAll
    static void needsCli() {
        assumeTrue(WmillJudge.available(), "wmill is installed by the Maven build (npm ci in src/test/wmill)");
    }

    /** Class 2: line and paragraph separators in a flow, an app with an inline script and a raw app. */
    @Test
    void lineAndParagraphSeparatorsInFlowsAndApps(@TempDir Path tmp) throws Exception {
        WorkspaceArchive a = folder("sep");
        String pasted = "Pasted" + LS + "from a document" + PS + "and: more" + LS + "- x" + PS + "# y";
        a.json(
                "f/sep/flow.flow.json",
                obj(
                        "summary",
                        pasted,
                        "description",
                        "line one" + LS + "line two\n" + PS + "three",
                        "value",
                        obj(
                                "modules",
                                List.of(
                                        rawscript("a", "python3", "def main():\n  return '" + LS + "'\n", "lk" + PS),
                                        obj(
                                                "id",
                                                "b",
                                                "summary",
                                                "step",
                                                "value",
                                                obj(
                                                        "type",
                                                        "script",
                                                        "path",
                                                        "f/sep/none",
                                                        "input_transforms",
                                                        obj("x" + LS + "y", obj("type", "static", "value", pasted))))),
                                "failure_module",
                                rawscript("failure", "bun", "export async function main() {}\n", null)),
                        "schema",
                        obj("type", "object", "properties", obj("p" + PS, obj("description", pasted)))));
        a.json(
                "f/sep/ap.app.json",
                obj(
                        "summary",
                        pasted,
                        "value",
                        obj(
                                "grid",
                                List.of(obj("id", "a", "data", obj("text", pasted))),
                                "hiddenInlineScripts",
                                List.of(obj(
                                        "name",
                                        "P",
                                        "inlineScript",
                                        obj("content", "def main():\n  return 1" + LS + "\n", "language", "python3")))),
                        "policy",
                        obj("execution_mode", "viewer")));
        a.json(
                "f/sep/ra.raw_app.json",
                obj(
                        "summary",
                        pasted,
                        "value",
                        obj(
                                "files",
                                obj("/index.tsx", "x" + LS + "\n"),
                                "runnables",
                                obj(
                                        "zpy",
                                        obj(
                                                "type",
                                                "runnableByName",
                                                "name",
                                                pasted,
                                                "inlineScript",
                                                obj("content", "def main():\n  return 1\n", "language", "python3")))),
                        "policy",
                        obj("execution_mode", "viewer")));
        compare(tmp, a);
    }

    /** Class 3: numbers as JavaScript prints them, in a resource, a variable-like setting and a flow. */
    @Test
    void numbersAsJavaScriptPrintsThem(@TempDir Path tmp) throws Exception {
        WorkspaceArchive a = folder("num");
        // Literal JSON text, as serde_json would write it: the digits matter, not a Java value.
        String numbers = "{\"discord_application_id\": 1234567890123456789, \"snowflake\": 18446744073709551615,"
                + " \"huge\": 123456789012345678901234567890, \"e21\": 1e21, \"below\": 999999999999999999999,"
                + " \"tiny\": 1e-7, \"small\": 0.000001, \"sum\": 0.30000000000000004, \"min\": 5e-324,"
                + " \"max\": 1.7976931348623157e308, \"negzero\": -0, \"negzerof\": -0.0, \"pow\": 2.5e-15,"
                + " \"exact\": 9007199254740993, \"long\": [-9223372036854775808, 9223372036854775807],"
                + " \"digits\": 0.1000000000000000055511151231257827, \"ten\": 1E+2}";
        a.text(
                "f/num/ids.resource.json",
                "{\n  \"value\": " + numbers + ",\n  \"description\": \"ids\",\n  \"resource_type\": \"c\"\n}");
        a.text(
                "f/num/calc.flow.json",
                "{\"summary\": \"calc\", \"value\": {\"modules\": [{\"id\": \"a\", \"value\": {\"type\": \"rawscript\","
                        + " \"content\": \"def main(x): return x\\n\", \"language\": \"python3\", \"input_transforms\":"
                        + " {\"x\": {\"type\": \"static\", \"value\": " + numbers + "}}}}]}, \"schema\": {\"type\":"
                        + " \"object\", \"properties\": {\"x\": {\"default\": 1234567890123456789, \"minimum\": -0}}}}");
        compare(tmp, a);
    }

    /** Class 4: long keys whose values fold, and keys past YAML's 1,024-character limit for implicit keys. */
    @Test
    void longKeys(@TempDir Path tmp) throws Exception {
        WorkspaceArchive a = folder("keys");
        String words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt";
        Map<String, Object> value = new java.util.LinkedHashMap<>();
        for (int length = 55; length <= 80; length += 5) {
            value.put("k".repeat(length), words + " " + words);
            value.put("q'" + "k".repeat(length), "'" + words + "' " + words);
            value.put("d\"" + "k".repeat(length), "\t" + words + " " + words);
        }
        value.put("x".repeat(1024), "at the limit");
        value.put("y".repeat(1025), "past the limit");
        value.put("z ".repeat(600), obj("nested", "map"));
        value.put("'".repeat(520), List.of(1, "list"));
        value.put("\u0001" + "w".repeat(1030), words + " " + words);
        value.put("m".repeat(1100), "multi\nline\n");
        a.json("f/keys/long.resource.json", obj("value", value, "description", words, "resource_type", "c"));
        a.json(
                "f/keys/long.flow.json",
                obj(
                        "summary",
                        "long keys",
                        "value",
                        obj(
                                "modules",
                                List.of(obj(
                                        "id",
                                        "a",
                                        "value",
                                        obj(
                                                "type",
                                                "rawscript",
                                                "content",
                                                "def main(): pass\n",
                                                "language",
                                                "python3",
                                                "input_transforms",
                                                obj("v", obj("type", "static", "value", value)))))),
                        "schema",
                        obj("type", "object")));
        compare(tmp, a);
    }

    private static WorkspaceArchive folder(String name) {
        WorkspaceArchive a = new WorkspaceArchive();
        a.json("f/" + name + "/folder.meta.json", obj("display_name", name, "owners", List.of(), "extra_perms", obj()));
        return a;
    }

    private static Map<String, Object> rawscript(String id, String language, String content, String lock) {
        Map<String, Object> value =
                obj("type", "rawscript", "content", content, "language", language, "input_transforms", obj());
        if (lock != null) {
            value.put("lock", lock);
        }
        return obj("id", id, "value", value);
    }

    /** Pulls with the CLI and with us; every file must be byte-identical, and push must see 0 changes. */
    private static void compare(Path tmp, WorkspaceArchive archive) throws Exception {
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
            try (WindmillSource source = WindmillSource.builder()
                    .baseUrl(emulator.baseUrl())
                    .token(Secret.of(TOKEN))
                    .workspace("demo")
                    .build()) {
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
            assertThat(ours.keySet()).containsExactlyElementsOf(cli.keySet());
            assertThat(cli.keySet()).contains("wmill-lock.yaml");
            for (String path : cli.keySet()) {
                assertThat(new String(ours.get(path), StandardCharsets.UTF_8))
                        .as(path)
                        .isEqualTo(new String(cli.get(path), StandardCharsets.UTF_8));
                assertThat(ours.get(path)).as(path).isEqualTo(cli.get(path));
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
        }
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
