package dev.workspacesync.windmill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspacesync.core.ApplyResult;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.SyncPlan;
import dev.workspacesync.core.spi.Destination;
import dev.workspacesync.windmill.WindmillPullOptions.Flag;
import dev.workspacesync.windmill.testing.AppFixtures;
import dev.workspacesync.windmill.testing.Fixtures;
import dev.workspacesync.windmill.testing.ServerCrypt;
import dev.workspacesync.windmill.testing.ServerShapes;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import dev.workspacesync.windmill.testing.WorkspaceArchive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our push judged by the real {@code wmill} (windmill-cli 1.819.0) on the stateful emulator: the real CLI pulls a
 * seeded workspace into a tree; our destination pushes that tree into one empty workspace and the real {@code wmill
 * sync push} into another. Both workspaces end up equal, the real pull of ours gives the tree back byte for byte,
 * the real {@code push --dry-run} sees 0 changes, a second push of ours writes nothing, and one changed script (or
 * app) is one write. Apps carry the policy the CLI derives, so equal workspaces mean equal policies.
 */
class PushParityTest {
    static final String TOKEN = "parity-token-123";
    /**
     * What both sides carry. Secrets travel decrypted: the tree comes from another workspace, whose ciphertext
     * the destination rightly refuses (each workspace has its own key).
     */
    static final String[] FLAGS = {
        "--include-schedules", "--include-triggers", "--include-users", "--include-groups", "--plain-secrets"
    };

    static WindmillPullOptions options() {
        return WindmillPullOptions.noConfig()
                .with(Flag.INCLUDE_USERS, true)
                .with(Flag.INCLUDE_GROUPS, true)
                .with(Flag.PLAIN_SECRETS, true)
                .with(Flag.INCLUDE_SCHEDULES, true)
                .with(Flag.INCLUDE_TRIGGERS, true);
    }

    @BeforeAll
    static void needsCli() {
        assumeTrue(WmillJudge.available(), "wmill is installed by the Maven build (npm ci in src/test/wmill)");
    }

    /**
     * One fixture: the workspace, the {@code wmill.yaml} both sides read (null: none), the options that match it,
     * the one file the last step changes, and files the pulled tree must hold (what the case is about).
     */
    record Case(
            String name,
            Supplier<WorkspaceArchive> fixture,
            String wmillYaml,
            WindmillPullOptions options,
            String changedFile,
            String changedContent,
            List<String> holds) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> fixtures() {
        return Stream.of(
                new Case(
                        "fullWorkspace",
                        Fixtures::fullWorkspace,
                        null,
                        options(),
                        "f/team/hello.py",
                        "def main():\n    return 'changed'\n",
                        List.of()),
                new Case(
                        "module and dbt scripts, filesets, migrations",
                        PushParityTest::scriptKinds,
                        null,
                        options(),
                        "f/x/modpy__mod/helper.py",
                        "def h():\n  return 2\n",
                        List.of(
                                "f/x/modpy__mod/script.yaml",
                                "f/x/modpy__mod/sub/util.lock",
                                "f/d/proj__dbt/wm_dbt.yaml",
                                "f/d/proj__dbt/models/stg/a.sql",
                                "f/x/bundle.fileset/conf/deep/c.sql",
                                "migrations/datatable/main/20260101120000_create_users.down.sql",
                                "migrations/datatable/other/20260303120000_init.up.sql")),
                new Case(
                        "shared locks (dedupeLockfiles)",
                        () -> withoutApps(EmulatorPushTest.serverShaped(EmulatorPushTest.dedupeCasesPushable())),
                        "dedupeLockfiles: true\n",
                        options().with(Flag.DEDUPE_LOCKFILES, true),
                        "f/d/pyC.py",
                        "def main():\n  return 33\n",
                        List.of("locks/requirements.in.lock", "f/d/pyC.script.lock")),
                new Case(
                        "apps",
                        AppFixtures::apps,
                        null,
                        options(),
                        null,
                        "def main():\n    return 'changed'\n",
                        List.of()),
                generated(1),
                generated(2),
                generated(3));
    }

    /**
     * A generated workspace (every kind in server shapes) without what the destination does not push yet
     * (apps and raw apps, settings and native triggers: other cases cover them), without the grants it does not make ({@code
     * extra_perms}, group admins: README) and without resources whose value is null (the CLI's push crashes on
     * them); the last step changes its first standalone script's code.
     */
    static Case generated(long seed) {
        return new Case(
                "generated seed " + seed,
                () -> {
                    WorkspaceArchive out = new WorkspaceArchive();
                    withoutApps(ServerShapes.workspace(seed, ServerShapes.Alphabet.NARROWED))
                            .entries()
                            .forEach((k, v) -> {
                                if (!k.equals("settings.json")
                                        && !k.endsWith("_native_trigger.json")
                                        && !(k.endsWith(".resource.json")
                                                && new String(v, StandardCharsets.UTF_8)
                                                        .matches("(?s).*\"value\"\\s*:\\s*null.*"))) {
                                    out.raw(k, v);
                                }
                            });
                    // The generator's secrets are random text; the server holds ciphertext of its key, which a
                    // plain-secret export decrypts (and fails on anything else).
                    byte[] keyJson = out.entries().get("encryption_key.json");
                    String key = keyJson == null ? ServerCrypt.SEED_KEY : jsonString(keyJson);
                    for (String entry : List.copyOf(out.entries().keySet())) {
                        if (entry.endsWith(".json") && !entry.startsWith("dependencies/")) {
                            EmulatorPushTest.edit(out, entry, item -> {
                                if (item instanceof ObjectNode o) {
                                    if (entry.endsWith(".variable.json")
                                            && o.path("is_secret").asBoolean(false)
                                            && o.path("value").isTextual()) {
                                        o.put(
                                                "value",
                                                ServerCrypt.encrypt(
                                                        key, o.path("value").asText()));
                                    }
                                    if (entry.endsWith("/folder.meta.json")) {
                                        o.putObject("extra_perms"); // a folder always has its (empty) grants
                                    } else {
                                        o.remove("extra_perms");
                                    }
                                    if (o.has("admins")) {
                                        ((ArrayNode) o.withArray("members")).addAll((ArrayNode) o.get("admins"));
                                        o.putArray("admins");
                                    }
                                }
                            });
                        }
                    }
                    return EmulatorPushTest.serverShaped(out);
                },
                null,
                options(),
                null,
                "def main():\n  return 'changed'\n",
                List.of());
    }

    private static String jsonString(byte[] json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(json)
                    .asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** File resource types of the fixtures: JSON and text file types and two fileset types. */
    static final String FILE_RESOURCE_TYPES = ServerShapes.FILE_RESOURCE_TYPES.replaceFirst(
            "}$", ",\"fs_bundle\":{\"format_extension\":null,\"is_fileset\":true}}");

    /**
     * Multi-file scripts (modules with and without locks, in sub folders), dbt projects (descriptor present,
     * empty, absent; generated directories and a custom target path), a fileset resource with nested files and
     * datatable migrations with and without a down file.
     */
    static WorkspaceArchive scriptKinds() {
        WorkspaceArchive out = new WorkspaceArchive();
        withoutApps(EmulatorPushTest.serverShaped(EmulatorPushTest.lockCasesPushable()))
                .entries()
                .forEach(out::raw);
        EmulatorPushTest.serverShaped(EmulatorPushTest.dbtCasesPushable())
                .entries()
                .forEach(out::raw);
        out.json(
                "f/x/bundle.resource.json",
                Fixtures.obj(
                        "value",
                        Fixtures.obj("a.txt", "A\n", "conf/b.yaml", "k: v\n", "conf/deep/c.sql", "select 1\n"),
                        "description",
                        "a fileset",
                        "resource_type",
                        "fs_bundle"));
        out.text("migrations/datatable/main/20260101120000_create_users.up.sql", "CREATE TABLE users (id int);\n");
        out.text("migrations/datatable/main/20260101120000_create_users.down.sql", "DROP TABLE users;\n");
        out.text("migrations/datatable/main/20260202120000_add_name.up.sql", "ALTER TABLE users ADD name text;\n");
        out.text("migrations/datatable/other/20260303120000_init.up.sql", "CREATE TABLE t (x int);\n");
        return out;
    }

    /** The archive without apps and raw apps (pushed by other code, not under test here). */
    static WorkspaceArchive withoutApps(WorkspaceArchive archive) {
        WorkspaceArchive out = new WorkspaceArchive();
        archive.entries().forEach((k, v) -> {
            if (!k.endsWith(".app.json") && !k.endsWith(".raw_app.json")) {
                out.raw(k, v);
            }
        });
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void ourPushEqualsTheClisAndTheCliFindsNothingToDo(Case fixture, @TempDir Path tmp) throws Exception {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN)
                .workspace("seeded", fixture.fixture().get())
                .emptyWorkspace("ours")
                .emptyWorkspace("cli")
                .fileResourceTypes(FILE_RESOURCE_TYPES)) {
            Path tree = Files.createDirectories(tmp.resolve("tree"));
            Path again = Files.createDirectories(tmp.resolve("again"));
            Path cliAgain = Files.createDirectories(tmp.resolve("cli-again"));
            if (fixture.wmillYaml() != null) {
                for (Path dir : List.of(tree, again, cliAgain)) {
                    Files.writeString(dir.resolve("wmill.yaml"), fixture.wmillYaml());
                }
            }
            WindmillPullOptions options = fixture.options();
            run(tree, tmp.resolve("h1"), emulator, "seeded", "sync", "pull", "--yes");
            TreeMap<String, byte[]> expected = files(tree);
            fixture.holds().forEach(p -> assertThat(expected).containsKey(p));

            emulator.resetRequests();
            ApplyResult result;
            try (Destination ours = destination(emulator, "ours", tmp, options)) {
                SyncPlan plan = ours.plan(snapshot(expected));
                assertThat(plan.deletes()).isEmpty();
                result = ours.apply(plan, Destination.Progress.NONE);
            }
            assertThat(result.added()).isPositive();
            assertThat(emulator.writeRequests()).isPositive();

            run(tree, tmp.resolve("h2"), emulator, "cli", "sync", "push", "--yes");
            Files.writeString(
                    Path.of("target/push-parity-" + fixture.name().replaceAll("\\W+", "-") + "-ours.json"),
                    emulator.state("ours"));
            Files.writeString(
                    Path.of("target/push-parity-" + fixture.name().replaceAll("\\W+", "-") + "-cli.json"),
                    emulator.state("cli"));
            assertThat(emulator.state("ours")).isEqualTo(emulator.state("cli"));

            run(again, tmp.resolve("h3"), emulator, "ours", "sync", "pull", "--yes");
            run(cliAgain, tmp.resolve("h5"), emulator, "cli", "sync", "pull", "--yes");
            TreeMap<String, byte[]> actual = files(again);
            TreeMap<String, byte[]> viaCli = files(cliAgain);
            assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
            assertThat(viaCli.keySet()).containsExactlyElementsOf(expected.keySet());
            for (String path : expected.keySet()) {
                String ourPull = new String(actual.get(path), StandardCharsets.UTF_8);
                assertThat(ourPull).as(path).isEqualTo(new String(viaCli.get(path), StandardCharsets.UTF_8));
                if (path.equals("wmill-lock.yaml")) {
                    continue; // its hashes cover the uncarried keys below
                }
                // What the CLI's own push cannot carry either (README, "windmill destination"): nothing else differs.
                assertThat(ourPull)
                        .as(path)
                        .isEqualTo(uncarried(new String(expected.get(path), StandardCharsets.UTF_8)));
            }

            emulator.resetRequests();
            String dry = run(again, tmp.resolve("h4"), emulator, "ours", "sync", "push", "--dry-run");
            assertThat(dry).as(dry).contains("0 changes");
            // The original tree: what the CLI's dry run finds after our push is what it finds after its own.
            String oursDry = run(tree, tmp.resolve("h6"), emulator, "ours", "sync", "push", "--dry-run");
            String cliDry = run(tree, tmp.resolve("h7"), emulator, "cli", "sync", "push", "--dry-run");
            assertThat(changeLines(oursDry)).isEqualTo(changeLines(cliDry));
            assertThat(emulator.writeRequests()).isZero();

            emulator.resetRequests();
            try (Destination ours = destination(emulator, "ours", tmp, options)) {
                // The tree back from the workspace (the original differs in edited_by, which no push carries).
                SyncPlan plan = ours.plan(snapshot(actual));
                assertThat(plan.changes()).isEmpty();
                assertThat(ours.apply(plan, Destination.Progress.NONE).changedAnything())
                        .isFalse();
            }
            assertThat(emulator.writeRequests()).isZero();

            TreeMap<String, byte[]> changed = new TreeMap<>(actual);
            String changedFile = fixture.changedFile() != null
                    ? fixture.changedFile()
                    : changed.keySet().stream()
                            .filter(p -> p.matches(".*\\.(py|ts|go|sh|php|rs|cs|nu|java|rb|r|gql|sql)"))
                            .filter(p -> changed.containsKey(scriptBase(p) + ".script.yaml"))
                            .findFirst()
                            // no standalone script: one inline file of an app
                            .orElseGet(() -> changed.keySet().stream()
                                    .filter(p -> p.contains(".app/") && !p.endsWith(".yaml"))
                                    .findFirst()
                                    .orElseThrow());
            assertThat(changed).containsKey(changedFile);
            changed.put(changedFile, fixture.changedContent().getBytes(StandardCharsets.UTF_8));
            emulator.resetRequests();
            try (Destination ours = destination(emulator, "ours", tmp, options)) {
                SyncPlan plan = ours.plan(snapshot(changed));
                assertThat(plan.changes()).hasSize(1);
                assertThat(ours.apply(plan, Destination.Progress.NONE).updated())
                        .isEqualTo(1);
            }
            assertThat(emulator.writeRequests()).isEqualTo(1);
        }
    }

    /** Settings, the key and native triggers: an admin's restore, secrets carried as ciphertext of the key. */
    static final String[] ADMIN_FLAGS = {
        "--skip-apps", "--include-triggers", "--include-settings", "--include-key", "--skip-branch-validation"
    };

    static WindmillPullOptions adminOptions() {
        return WindmillPullOptions.noConfig()
                .with(Flag.SKIP_APPS, true)
                .with(Flag.INCLUDE_TRIGGERS, true)
                .with(Flag.INCLUDE_SETTINGS, true)
                .with(Flag.INCLUDE_KEY, true);
    }

    static Stream<Long> seeds() {
        return Stream.of(1L, 2L, 3L);
    }

    /**
     * A generated workspace with settings, its key, a secret as ciphertext of that key and native triggers: both
     * pushes leave equal workspaces; the real pull gives the tree back byte for byte but for the native triggers'
     * external ids (the service makes a new one; the CLI's push cannot keep it either); the real dry run then sees
     * 0 changes, a second push writes nothing, one changed setting is one write, and a changed key with its
     * secret re-encrypted is two (the key first, then the secret, as ciphertext of the new key).
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void settingsKeyAndNativeTriggers(long seed, @TempDir Path tmp) throws Exception {
        System.out.println("PushParityTest.settingsKeyAndNativeTriggers seed " + seed);
        dev.workspacesync.windmill.testing.SettingsWorkspace ws =
                dev.workspacesync.windmill.testing.SettingsWorkspace.generate(seed);
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN)
                .workspace("seeded", ws.archive())
                .emptyWorkspace("ours", ws.name)
                .emptyWorkspace("cli", ws.name)) {
            Path tree = Files.createDirectories(tmp.resolve("tree"));
            admin(tree, tmp.resolve("h1"), emulator, "seeded", "sync", "pull", "--yes");
            TreeMap<String, byte[]> expected = files(tree);
            assertThat(expected).containsKeys("settings.yaml", "encryption_key.yaml", "f/n/secret.variable.yaml");
            assertThat(expected.keySet()).anyMatch(p -> p.endsWith("_native_trigger.yaml"));

            emulator.resetRequests();
            try (Destination ours = adminDestination(emulator, "ours", tmp)) {
                SyncPlan plan = ours.plan(snapshot(expected));
                assertThat(plan.deletes()).isEmpty();
                ours.apply(plan, Destination.Progress.NONE);
            }
            admin(tree, tmp.resolve("h2"), emulator, "cli", "sync", "push", "--yes");
            assertThat(emulator.state("ours")).isEqualTo(emulator.state("cli"));

            Path again = Files.createDirectories(tmp.resolve("again"));
            Path cliAgain = Files.createDirectories(tmp.resolve("cli-again"));
            admin(again, tmp.resolve("h3"), emulator, "ours", "sync", "pull", "--yes");
            admin(cliAgain, tmp.resolve("h4"), emulator, "cli", "sync", "pull", "--yes");
            TreeMap<String, byte[]> actual = files(again);
            TreeMap<String, byte[]> viaCli = files(cliAgain);
            assertThat(actual.keySet()).containsExactlyElementsOf(viaCli.keySet());
            for (String path : actual.keySet()) {
                assertThat(new String(actual.get(path), StandardCharsets.UTF_8))
                        .as(path)
                        .isEqualTo(new String(viaCli.get(path), StandardCharsets.UTF_8));
            }
            assertThat(withoutExternalIds(actual)).isEqualTo(withoutExternalIds(expected));
            for (String path : expected.keySet()) {
                if (!path.endsWith("_native_trigger.yaml") && !path.equals("wmill-lock.yaml")) {
                    assertThat(new String(actual.get(path), StandardCharsets.UTF_8))
                            .as(path)
                            .isEqualTo(new String(expected.get(path), StandardCharsets.UTF_8));
                }
            }

            emulator.resetRequests();
            String dry = admin(again, tmp.resolve("h5"), emulator, "ours", "sync", "push", "--dry-run");
            assertThat(dry).as(dry).contains("0 changes");
            String oursDry = admin(tree, tmp.resolve("h6"), emulator, "ours", "sync", "push", "--dry-run");
            String cliDry = admin(tree, tmp.resolve("h7"), emulator, "cli", "sync", "push", "--dry-run");
            assertThat(changeLines(oursDry)).isEqualTo(changeLines(cliDry));
            try (Destination ours = adminDestination(emulator, "ours", tmp)) {
                SyncPlan plan = ours.plan(snapshot(actual));
                assertThat(plan.changes()).isEmpty();
                ours.apply(plan, Destination.Progress.NONE);
            }
            assertThat(emulator.writeRequests()).isZero();

            TreeMap<String, byte[]> recolored = new TreeMap<>(actual);
            recolored.put(
                    "settings.yaml",
                    new String(actual.get("settings.yaml"), StandardCharsets.UTF_8)
                            .replaceFirst("(?m)^color: .*$", "color: '#123abc'")
                            .getBytes(StandardCharsets.UTF_8));
            try (Destination ours = adminDestination(emulator, "ours", tmp)) {
                SyncPlan plan = ours.plan(snapshot(recolored));
                assertThat(plan.changes()).hasSize(1);
                ours.apply(plan, Destination.Progress.NONE);
            }
            assertThat(emulator.writeRequests()).isEqualTo(1);

            String newKey = dev.workspacesync.windmill.testing.SettingsWorkspace.key(new java.util.Random(seed + 99));
            TreeMap<String, byte[]> rekeyed = new TreeMap<>(recolored);
            rekeyed.put("encryption_key.yaml", (newKey + "\n").getBytes(StandardCharsets.UTF_8));
            String secretFile = new String(actual.get("f/n/secret.variable.yaml"), StandardCharsets.UTF_8);
            String oldCiphertext = dev.workspacesync.windmill.testing.ServerCrypt.encrypt(ws.key, ws.secret);
            assertThat(secretFile).contains(oldCiphertext);
            rekeyed.put(
                    "f/n/secret.variable.yaml",
                    secretFile
                            .replace(
                                    oldCiphertext,
                                    dev.workspacesync.windmill.testing.ServerCrypt.encrypt(newKey, ws.secret))
                            .getBytes(StandardCharsets.UTF_8));
            emulator.resetRequests();
            try (Destination ours = adminDestination(emulator, "ours", tmp)) {
                SyncPlan plan = ours.plan(snapshot(rekeyed));
                assertThat(plan.changes())
                        .extracting(c -> c.path().value())
                        .containsExactly("encryption_key.yaml", "f/n/secret.variable.yaml");
                ours.apply(plan, Destination.Progress.NONE);
            }
            assertThat(emulator.writeRequests()).isEqualTo(2);
            Path rekeyedPull = Files.createDirectories(tmp.resolve("rekeyed"));
            admin(rekeyedPull, tmp.resolve("h8"), emulator, "ours", "sync", "pull", "--yes");
            TreeMap<String, byte[]> back = files(rekeyedPull);
            assertThat(new String(back.get("f/n/secret.variable.yaml"), StandardCharsets.UTF_8))
                    .isEqualTo(new String(rekeyed.get("f/n/secret.variable.yaml"), StandardCharsets.UTF_8));
            assertThat(new String(back.get("encryption_key.yaml"), StandardCharsets.UTF_8))
                    .isEqualTo(newKey + "\n");
        }
    }

    /** Native trigger files named without their external id, and their YAML without it: what a push carries. */
    static TreeMap<String, String> withoutExternalIds(TreeMap<String, byte[]> files) {
        TreeMap<String, String> out = new TreeMap<>();
        files.forEach((path, bytes) -> {
            if (path.endsWith("_native_trigger.yaml")) {
                String text = new String(bytes, StandardCharsets.UTF_8).replaceAll("(?m)^external_id: .*\n", "");
                out.put(
                        path.replaceFirst("\\.[^.]+\\.(\\w+_native_trigger\\.yaml)$", ".<id>.$1") + "#" + out.size(),
                        text);
            }
        });
        return out;
    }

    static Destination adminDestination(WindmillEmulator emulator, String ws, Path tmp) {
        return WindmillDestination.of(WindmillSource.builder()
                .baseUrl(emulator.baseUrl())
                .token(Secret.of(TOKEN))
                .workspace(ws)
                .pullOptions(adminOptions())
                .stagingDirectory(tmp)
                .build());
    }

    static String admin(Path dir, Path home, WindmillEmulator emulator, String ws, String... args)
            throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(ADMIN_FLAGS));
        return WmillJudge.run(dir, home, emulator.baseUrl(), TOKEN, ws, all.toArray(String[]::new));
    }

    /**
     * A pulled file without what no push (the CLI's or ours) carries: a script's {@code no_main_func} (not in the
     * CLI's script body) and a trigger's {@code edited_by} (the server sets it to whoever pushes).
     */
    static String uncarried(String text) {
        return text.replaceAll("(?m)^no_main_func: .*\n", "").replaceAll("(?m)^edited_by: .*\n", "");
    }

    /** The path of a standalone script's code file without its extension ({@code f/x/y.deno.ts}: {@code f/x/y}). */
    static String scriptBase(String p) {
        int dot = p.indexOf('.', p.lastIndexOf('/') + 1);
        return dot < 0 ? p : p.substring(0, dot);
    }

    /** The change lines of a dry run ({@code + kind path}, {@code ~ …}, {@code - …}). */
    static List<String> changeLines(String output) {
        return output.lines().filter(l -> l.matches("[+~-] \\S+ .*")).toList();
    }

    static Destination destination(WindmillEmulator emulator, String ws, Path tmp, WindmillPullOptions options) {
        return WindmillDestination.of(WindmillSource.builder()
                .baseUrl(emulator.baseUrl())
                .token(Secret.of(TOKEN))
                .workspace(ws)
                .pullOptions(options)
                .stagingDirectory(tmp)
                .build());
    }

    static Snapshot snapshot(TreeMap<String, byte[]> files) {
        List<SnapshotEntry> entries = new ArrayList<>();
        files.forEach((p, b) -> entries.add(SnapshotEntry.ofBytes(SyncPath.exact(p), b, false, null)));
        return Snapshot.of("tree", entries);
    }

    static String run(Path dir, Path home, WindmillEmulator emulator, String ws, String... args)
            throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--skip-branch-validation");
        all.addAll(List.of(FLAGS));
        return WmillJudge.run(dir, home, emulator.baseUrl(), TOKEN, ws, all.toArray(String[]::new));
    }

    static TreeMap<String, byte[]> files(Path root) throws IOException {
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
