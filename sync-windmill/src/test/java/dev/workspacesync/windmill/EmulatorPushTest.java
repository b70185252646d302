package dev.workspacesync.windmill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspacesync.windmill.testing.Fixtures;
import dev.workspacesync.windmill.testing.ServerShapes;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import dev.workspacesync.windmill.testing.WorkspaceArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        "--include-schedules",
        "--include-triggers",
        "--include-users",
        "--include-groups",
        "--include-settings",
        "--include-key"
    };

    @BeforeAll
    static void needsCli() {
        assumeTrue(WmillJudge.available(), "wmill is installed by the Maven build (npm ci in src/test/wmill)");
    }

    static Stream<Arguments> fixtures() {
        return Stream.of(
                Arguments.of(
                        "fullWorkspace", (Supplier<WorkspaceArchive>) () -> serverShaped(Fixtures.fullWorkspace())),
                Arguments.of("edgeCases", (Supplier<WorkspaceArchive>)
                        () -> serverShaped(EmulatorPushTest.edgeCasesPushable())),
                Arguments.of("lockCases", (Supplier<WorkspaceArchive>)
                        () -> serverShaped(EmulatorPushTest.lockCasesPushable())),
                Arguments.of("dbtCases", (Supplier<WorkspaceArchive>)
                        () -> serverShaped(EmulatorPushTest.dbtCasesPushable())),
                Arguments.of("dedupeCases", (Supplier<WorkspaceArchive>)
                        () -> serverShaped(EmulatorPushTest.dedupeCasesPushable())),
                Arguments.of("generated seed 1", (Supplier<WorkspaceArchive>)
                        () -> serverShaped(ServerShapes.workspace(1, ServerShapes.Alphabet.NARROWED))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void pushIntoAnEmptyWorkspaceReproducesTheTree(String name, Supplier<WorkspaceArchive> fixture, @TempDir Path tmp)
            throws Exception {
        WorkspaceArchive seed = fixture.get();
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN)
                .workspace("seeded", seed)
                .emptyWorkspace("pushed", workspaceName(seed))
                .fileResourceTypes(Fixtures.EDGE_FILE_RESOURCE_TYPES)) {
            Path tree = Files.createDirectories(tmp.resolve("tree"));
            Path again = Files.createDirectories(tmp.resolve("again"));
            run(tree, tmp.resolve("h1"), emulator, "seeded", "sync", "pull", "--yes");
            // Before push: its raw app bundling runs npm install in the tree (node_modules, package-lock.json).
            TreeMap<String, byte[]> expected = files(tree);
            String pushed = run(tree, tmp.resolve("h2"), emulator, "pushed", "sync", "push", "--yes");
            assertThat(emulator.writeRequests()).as(pushed).isPositive();
            run(again, tmp.resolve("h3"), emulator, "pushed", "sync", "pull", "--yes");
            TreeMap<String, byte[]> actual = files(again);
            if (Boolean.getBoolean("emulator.dumpStates")) {
                Files.writeString(Path.of("target/state-" + name + "-seeded.json"), emulator.state("seeded"));
                Files.writeString(Path.of("target/state-" + name + "-pushed.json"), emulator.state("pushed"));
                Files.writeString(Path.of("target/tree-" + name + "-first.txt"), String.join("\n", expected.keySet()));
                Files.writeString(Path.of("target/tree-" + name + "-second.txt"), String.join("\n", actual.keySet()));
            }
            java.util.Set<String> missing = new java.util.TreeSet<>(expected.keySet());
            missing.removeAll(actual.keySet());
            java.util.Set<String> extra = new java.util.TreeSet<>(actual.keySet());
            extra.removeAll(expected.keySet());
            assertThat(missing)
                    .as("files the second pull lacks (extra: %s)\n%s", extra, pushed)
                    .isEmpty();
            assertThat(extra).as("files only the second pull has").isEmpty();
            for (String path : expected.keySet()) {
                assertThat(new String(actual.get(path))).as(path).isEqualTo(new String(expected.get(path)));
            }
            emulator.resetRequests();
            String dry = run(tree, tmp.resolve("h4"), emulator, "pushed", "sync", "push", "--dry-run");
            assertThat(dry).as(dry).contains("0 changes");
            assertThat(emulator.writeRequests()).isZero();
            String seeded = emulator.state("seeded");
            String afterPush = emulator.state("pushed");
            assertThat(uncarriedMasked(afterPush)).isEqualTo(uncarriedMasked(seeded));
        }
    }

    /*
     * The fixtures less what the real CLI's push cannot carry at all (each case is in the README, section
     * "Windmill emulator"), so that push then pull reproduces the tree.
     */

    /**
     * {@link Fixtures#edgeCases()} without the raw app runnable "Other Thing": pull names its code file
     * {@code Other_Thing.py} beside {@code Other Thing.yaml}, and push reads runnables by file name, so it comes
     * back as two runnables.
     */
    static WorkspaceArchive edgeCasesPushable() {
        return edit(
                Fixtures.edgeCases(),
                "f/edge/raw.raw_app.json",
                app -> ((ObjectNode) app.path("value").path("runnables")).remove("Other Thing"));
    }

    /** {@link Fixtures#lockCases()} without the module file {@code data.json}: push sends code modules only. */
    static WorkspaceArchive lockCasesPushable() {
        return edit(
                Fixtures.lockCases(),
                "f/x/modpy.script.json",
                script -> ((ObjectNode) script.path("modules")).remove("data.json"));
    }

    /**
     * {@link Fixtures#dbtCases()} as push can write it: without {@code nomarker} (module script without a
     * {@code script.<ext>} entry point: push refuses its {@code __mod/script.yaml}), {@code old} (the older
     * {@code <path>.dbt.yaml} form, which pull drops), {@code inmods} and {@code emptyinmods} (descriptor among
     * the modules, which push sends as the content); without locks (push sends none for dbt) and without the
     * modules under the project's generated directories (push skips them).
     */
    static WorkspaceArchive dbtCasesPushable() {
        WorkspaceArchive out = new WorkspaceArchive();
        Fixtures.dbtCases().entries().forEach((k, v) -> {
            if (!k.matches("f/d/(nomarker|old|inmods|emptyinmods)[._].*")) {
                out.raw(k, v);
            }
        });
        for (String entry : List.copyOf(out.entries().keySet())) {
            if (entry.endsWith(".script.json")) {
                edit(out, entry, script -> {
                    ((ObjectNode) script).putNull("lock");
                    script.path("modules").fieldNames().forEachRemaining(m -> {});
                    ((ObjectNode) script.path("modules"))
                            .remove(List.of("build/x.sql", "out/o.sql", "tmp/t.sql", "vendor/v.sql"));
                });
            }
        }
        return out;
    }

    /**
     * {@link Fixtures#dedupeCases()} with {@code f/d/tsBun} under {@code .ts}: a bun script in a workspace
     * exported with {@code default_ts=bun} is {@code .ts} on the server; the fixture's {@code .bun.ts} comes back
     * as {@code .ts}.
     */
    static WorkspaceArchive dedupeCasesPushable() {
        WorkspaceArchive out = new WorkspaceArchive();
        Fixtures.dedupeCases()
                .entries()
                .forEach((k, v) -> out.raw(k.equals("f/d/tsBun.bun.ts") ? "f/d/tsBun.ts" : k, v));
        return out;
    }

    /**
     * With the key of the workspace (the server always has one). Without what the fixtures hold beyond the
     * current server's export: a {@code language} in script metadata
     * (the extension carries it), dbt modules that are local dot files (push skips them); and what push drops:
     * a script's concurrency window without a positive limit, a timeout that is not positive.
     */
    static WorkspaceArchive serverShaped(WorkspaceArchive archive) {
        if (!archive.entries().containsKey("encryption_key.json")) {
            // The seeded workspace's key, exported as the server does with include_key: pushed first, it keeps
            // the secrets (pushed as ciphertext) readable in the new workspace.
            archive.json("encryption_key.json", dev.workspacesync.windmill.testing.ServerCrypt.SEED_KEY);
        }
        for (String entry : List.copyOf(archive.entries().keySet())) {
            if (entry.startsWith("groups/") && entry.endsWith(".group.json")) {
                // An admin of a group is a member with a write grant.
                edit(archive, entry, group -> {
                    ObjectNode perms = group.path("extra_perms") instanceof ObjectNode p
                            ? p
                            : ((ObjectNode) group).putObject("extra_perms");
                    group.path("admins").forEach(admin -> perms.put(admin.asText(), true));
                });
            }
            if (entry.startsWith("users/") && entry.endsWith(".user.json")) {
                // Push cannot disable a user: it adds users enabled.
                edit(archive, entry, user -> ((ObjectNode) user).put("disabled", false));
            }
            if (entry.equals("settings.json")) {
                // Push sets the Slack OAuth client only as a pair (id and secret), or clears both.
                edit(archive, entry, settings -> {
                    if (settings.path("slack_oauth_client_id").isNull()
                            || settings.path("slack_oauth_client_secret").isNull()) {
                        ((ObjectNode) settings).putNull("slack_oauth_client_id");
                        ((ObjectNode) settings).putNull("slack_oauth_client_secret");
                    }
                });
            }
            if (entry.endsWith(".script.json")) {
                edit(archive, entry, script -> {
                    ((ObjectNode) script).remove("language");
                    if (!script.has("lock")) {
                        ((ObjectNode) script).putNull("lock");
                    }
                    // Push drops a concurrency window without a positive limit, and a timeout that is not positive.
                    if (script.path("concurrent_limit").asInt(0) <= 0) {
                        ((ObjectNode) script).remove(List.of("concurrent_limit", "concurrency_time_window_s"));
                    }
                    if (script.has("timeout") && script.path("timeout").asInt(0) <= 0) {
                        ((ObjectNode) script).remove("timeout");
                    }
                    if (script.path("modules") instanceof ObjectNode modules) {
                        List<String> dotFiles = new ArrayList<>();
                        modules.fieldNames().forEachRemaining(m -> {
                            if ((m.startsWith(".") || m.contains("/."))
                                    && modules.path(m).path("language").asText().equals("dbt")) {
                                dotFiles.add(m);
                            }
                        });
                        modules.remove(dotFiles);
                        // The server's ScriptModule always has a language; push infers it from the extension.
                        modules.fields().forEachRemaining(m -> {
                            if (m.getValue() instanceof ObjectNode module && !module.has("language")) {
                                String ext = m.getKey().substring(m.getKey().lastIndexOf('.') + 1);
                                module.put(
                                        "language",
                                        Map.of("py", "python3", "ts", "bun", "go", "go", "sh", "bash")
                                                .getOrDefault(ext, ext));
                            }
                        });
                    }
                });
            }
        }
        return archive;
    }

    /** Changes the JSON entry {@code entry} of {@code archive} in place. */
    static WorkspaceArchive edit(WorkspaceArchive archive, String entry, java.util.function.Consumer<JsonNode> change) {
        try {
            JsonNode node = new ObjectMapper().readTree(archive.entries().get(entry));
            change.accept(node);
            return archive.json(entry, node);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The state without what the real CLI's push does not carry over (each case is also listed in the README,
     * section "Windmill emulator"):
     * <ul>
     *   <li>an app's {@code policy}: push regenerates it from the app's value (triggerables_v2, s3 inputs; pull
     *       drops it, so the tree does not show it);
     *   <li>app runnables of {@code type: runnableByName}: pull drops the type, push sends {@code inline}.
     *   <li>app inline scripts: {@code type: runnableByName} (or none) comes back as {@code inline};
     *   <li>a raw app's {@code custom_path}, and its files other than the entry point and package.json (pull
     *       writes AGENTS.md, wmill.d.ts…, push sends only what the bundle is built from);
     *   <li>dbt scripts' {@code modules} and {@code lock}: push sends no lock, skips generated directories and
     *       turns module locks into {@code .lock} modules;
     *   <li>integers beyond 2^53: push parses the tree into JavaScript doubles (compared as doubles);
     *   <li>archive entries that are no item (a README.md at the root): pull ignores them, so push has none;
     *   <li>raw app runnables: push rebuilds them from {@code backend/} (without their {@code schema}, a field's
     *       {@code fieldType}, or fields of type {@code user});
     * </ul>
     */
    static String uncarriedMasked(String state) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        JsonNode root = json.readTree(state);
        root.path("raw_app").forEach(app -> {
            ((ObjectNode) app).remove("custom_path");
            JsonNode files = app.path("value").path("files");
            if (files instanceof ObjectNode f) {
                List<String> kept = List.of("/index.tsx", "/index.ts", "/package.json");
                List<String> drop = new ArrayList<>();
                f.fieldNames().forEachRemaining(n -> {
                    if (!kept.contains(n)) {
                        drop.add(n);
                    }
                });
                f.remove(drop);
            }
            app.path("value").path("runnables").forEach(runnable -> {
                ((ObjectNode) runnable).remove("schema");
                if (runnable.path("inlineScript") instanceof ObjectNode inline) {
                    inline.remove("schema");
                }
                JsonNode fields = runnable.path("fields");
                if (fields instanceof ObjectNode f) {
                    List<String> userFields = new ArrayList<>();
                    f.fields().forEachRemaining(e -> {
                        ((ObjectNode) e.getValue()).remove("fieldType");
                        if (e.getValue().path("type").asText().equals("user")) {
                            userFields.add(e.getKey());
                        }
                    });
                    f.remove(userFields);
                }
            });
        });
        for (String kind : List.of("app", "raw_app")) {
            root.path(kind).forEach(app -> {
                ((ObjectNode) app).remove("policy");
                app.findParents("type").forEach(parent -> {
                    String type = parent.path("type").asText();
                    if (type.equals("runnableByName") || type.equals("inline")) {
                        ((ObjectNode) parent).remove("type");
                    }
                });
            });
        }
        root.path("script").forEach(script -> {
            if (script.path("$language").asText().equals("dbt")) {
                ((ObjectNode) script).remove(List.of("modules", "lock"));
            }
        });
        if (root.path("raw") instanceof ObjectNode raw) {
            List<String> notItems = new ArrayList<>();
            raw.fieldNames().forEachRemaining(n -> {
                if (!n.startsWith("dependencies/")
                        && !n.startsWith("migrations/")
                        && !n.equals("encryption_key.json")) {
                    notItems.add(n);
                }
            });
            raw.remove(notItems);
        }
        return json.writeValueAsString(doubles(root));
    }

    /** Numbers as JavaScript holds them: push parses the tree into doubles (2^53 + 1 becomes 2^53). */
    private static JsonNode doubles(JsonNode node) {
        if (node instanceof ObjectNode o) {
            o.fields().forEachRemaining(e -> e.setValue(doubles(e.getValue())));
        } else if (node instanceof com.fasterxml.jackson.databind.node.ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                a.set(i, doubles(a.get(i)));
            }
        } else if (node.isNumber()) {
            return com.fasterxml.jackson.databind.node.DoubleNode.valueOf(node.doubleValue());
        }
        return node;
    }

    /** The display name in the archive's settings (push cannot set it: a new workspace is made with it). */
    static String workspaceName(WorkspaceArchive archive) throws IOException {
        byte[] settings = archive.entries().get("settings.json");
        return settings == null
                ? "pushed"
                : new ObjectMapper().readTree(settings).path("name").asText("pushed");
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
