package dev.workspacesync.windmill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import dev.workspacesync.windmill.testing.WindmillEmulator;
import dev.workspacesync.windmill.testing.WorkspaceArchive;
import java.io.IOException;
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
import org.junit.jupiter.params.provider.Arguments;
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

    static Stream<Arguments> fixtures() {
        return Stream.of(
                Arguments.of("fullWorkspace", (Supplier<WorkspaceArchive>) Fixtures::fullWorkspace),
                Arguments.of("apps", (Supplier<WorkspaceArchive>) AppFixtures::apps));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void ourPushEqualsTheClisAndTheCliFindsNothingToDo(
            String name, Supplier<WorkspaceArchive> fixture, @TempDir Path tmp) throws Exception {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN)
                .workspace("seeded", fixture.get())
                .emptyWorkspace("ours")
                .emptyWorkspace("cli")) {
            Path tree = Files.createDirectories(tmp.resolve("tree"));
            run(tree, tmp.resolve("h1"), emulator, "seeded", "sync", "pull", "--yes");
            TreeMap<String, byte[]> expected = files(tree);

            emulator.resetRequests();
            ApplyResult result;
            try (Destination ours = destination(emulator, "ours", tmp)) {
                SyncPlan plan = ours.plan(snapshot(expected));
                assertThat(plan.deletes()).isEmpty();
                result = ours.apply(plan, Destination.Progress.NONE);
            }
            assertThat(result.added()).isPositive();
            assertThat(emulator.writeRequests()).isPositive();

            run(tree, tmp.resolve("h2"), emulator, "cli", "sync", "push", "--yes");
            Files.writeString(Path.of("target/push-parity-" + name + "-ours.json"), emulator.state("ours"));
            Files.writeString(Path.of("target/push-parity-" + name + "-cli.json"), emulator.state("cli"));
            assertThat(emulator.state("ours")).isEqualTo(emulator.state("cli"));

            Path again = Files.createDirectories(tmp.resolve("again"));
            Path cliAgain = Files.createDirectories(tmp.resolve("cli-again"));
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
            try (Destination ours = destination(emulator, "ours", tmp)) {
                // The tree back from the workspace (the original differs in edited_by, which no push carries).
                SyncPlan plan = ours.plan(snapshot(actual));
                assertThat(plan.changes()).isEmpty();
                assertThat(ours.apply(plan, Destination.Progress.NONE).changedAnything())
                        .isFalse();
            }
            assertThat(emulator.writeRequests()).isZero();

            TreeMap<String, byte[]> changed = new TreeMap<>(actual);
            // A script's code, or else one inline file of an app: one item changed.
            String edited = actual.containsKey("f/team/hello.py")
                    ? "f/team/hello.py"
                    : actual.keySet().stream()
                            .filter(p -> p.contains(".app/") && !p.endsWith(".yaml"))
                            .findFirst()
                            .orElseThrow();
            changed.put(edited, "def main():\n    return 'changed'\n".getBytes(StandardCharsets.UTF_8));
            emulator.resetRequests();
            try (Destination ours = destination(emulator, "ours", tmp)) {
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

    /** The change lines of a dry run ({@code + kind path}, {@code ~ …}, {@code - …}). */
    static List<String> changeLines(String output) {
        return output.lines().filter(l -> l.matches("[+~-] \\S+ .*")).toList();
    }

    static Destination destination(WindmillEmulator emulator, String ws, Path tmp) {
        return WindmillDestination.of(WindmillSource.builder()
                .baseUrl(emulator.baseUrl())
                .token(Secret.of(TOKEN))
                .workspace(ws)
                .pullOptions(options())
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
