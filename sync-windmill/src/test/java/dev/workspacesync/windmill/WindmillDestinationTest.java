package dev.workspacesync.windmill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workspacesync.core.Change;
import dev.workspacesync.core.DeletionGuard;
import dev.workspacesync.core.DestinationException;
import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.RetryPolicy;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.SyncPipeline;
import dev.workspacesync.core.SyncPlan;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.SyncStatus;
import dev.workspacesync.core.spi.Source;
import dev.workspacesync.windmill.WindmillPullOptions.Flag;
import dev.workspacesync.windmill.internal.PullTransformer;
import dev.workspacesync.windmill.internal.PushItems;
import dev.workspacesync.windmill.internal.PushRequests;
import dev.workspacesync.windmill.testing.AppFixtures;
import dev.workspacesync.windmill.testing.Fixtures;
import dev.workspacesync.windmill.testing.ServerCrypt;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The planner and validator of the windmill destination, against the emulator's archive. */
class WindmillDestinationTest {
    static final String TOKEN = "tok-dest-s3cr3t";

    static WindmillPullOptions options() {
        return WindmillPullOptions.noConfig();
    }

    /**
     * For writes from one emulator workspace to another: secrets decrypted (each workspace has its own key, so
     * the other's ciphertext is refused).
     */
    static WindmillPullOptions stateful() {
        return options().with(Flag.PLAIN_SECRETS, true);
    }

    static WindmillSource source(WindmillEmulator emulator, String ws, Path staging, WindmillPullOptions options) {
        return WindmillSource.builder()
                .baseUrl(emulator.baseUrl())
                .token(Secret.of(TOKEN))
                .workspace(ws)
                .pullOptions(options)
                .retryPolicy(new RetryPolicy(2, Duration.ZERO, Duration.ZERO))
                .stagingDirectory(staging)
                .build();
    }

    /** The files of a snapshot, read into memory. */
    static Map<String, byte[]> files(Snapshot snapshot) {
        Map<String, byte[]> out = new TreeMap<>();
        for (SnapshotEntry e : snapshot.entries()) {
            try (InputStream in = e.open()) {
                out.put(e.path().value(), in.readAllBytes());
            } catch (IOException x) {
                throw new UncheckedIOException(x);
            }
        }
        return out;
    }

    static Snapshot tree(Map<String, byte[]> files) {
        List<SnapshotEntry> entries = new ArrayList<>();
        files.forEach((p, b) -> entries.add(SnapshotEntry.ofBytes(SyncPath.exact(p), b, false, null)));
        return Snapshot.of("test tree", entries);
    }

    static Map<String, byte[]> pulled(WindmillEmulator emulator, Path tmp) {
        return pulled(emulator, tmp, options());
    }

    static Map<String, byte[]> pulled(WindmillEmulator emulator, Path tmp, WindmillPullOptions options) {
        try (WindmillSource source = source(emulator, "demo", tmp, options)) {
            return files(source.snapshot());
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static long writes(WindmillEmulator emulator) {
        return emulator.requests().stream()
                .filter(r -> !r.method().equals("GET"))
                .count();
    }

    @Test
    void anUnchangedTreePlansNothingAndWritesNothing(@TempDir Path tmp) {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("demo", Fixtures.fullWorkspace())) {
            Map<String, byte[]> tree = pulled(emulator, tmp);
            try (WindmillDestination destination = WindmillDestination.of(source(emulator, "demo", tmp, options()))) {
                SyncPlan plan = destination.plan(tree(tree));
                assertThat(plan.changes()).isEmpty();
                assertThat(plan.existingFiles()).isGreaterThan(10);
                assertThat(destination.apply(plan, (p, b) -> {}).changedAnything())
                        .isFalse();
            }
            assertThat(writes(emulator)).isZero();
        }
    }

    @Test
    void yamlIsComparedAsValuesAndCodeByteForByte(@TempDir Path tmp) {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("demo", Fixtures.fullWorkspace())) {
            Map<String, byte[]> tree = pulled(emulator, tmp);
            // Re-quoted YAML is the same item; a missing final newline in code is a change.
            String meta = new String(tree.get("f/team/hello.script.yaml"), StandardCharsets.UTF_8);
            tree.put("f/team/hello.script.yaml", utf8(meta.replace("'Say hello'", "\"Say hello\"")));
            String code = new String(tree.get("f/team/bash_script.sh"), StandardCharsets.UTF_8);
            tree.put("f/team/bash_script.sh", utf8(code.stripTrailing()));
            try (WindmillDestination destination = WindmillDestination.of(source(emulator, "demo", tmp, options()))) {
                SyncPlan plan = destination.plan(tree(tree));
                assertThat(plan.changes())
                        .extracting(c -> c.kind() + " " + c.path().value())
                        .containsExactly("UPDATE f/team/bash_script.script.yaml");
            }
        }
    }

    @Test
    void addsUpdatesAndDeletesAreItems(@TempDir Path tmp) {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("demo", Fixtures.fullWorkspace())) {
            Map<String, byte[]> tree = pulled(emulator, tmp);
            tree.put("f/team/added.py", utf8("def main():\n    return 3\n"));
            tree.put("f/team/added.script.yaml", utf8("summary: ''\ndescription: ''\nkind: script\nschema: {}\n"));
            tree.remove("f/team/greeting.variable.yaml");
            String flow = tree.keySet().stream()
                    .filter(p -> p.startsWith("f/team/etl.flow/") && !p.endsWith("flow.yaml"))
                    .findFirst()
                    .orElseThrow();
            tree.put(flow, utf8(new String(tree.get(flow), StandardCharsets.UTF_8) + "\n# changed\n"));
            try (WindmillDestination destination = WindmillDestination.of(source(emulator, "demo", tmp, options()))) {
                SyncPlan plan = destination.plan(tree(tree));
                assertThat(plan.changes())
                        .extracting(c -> c.kind() + " " + c.path().value())
                        .containsExactly(
                                "ADD f/team/added.script.yaml",
                                "UPDATE f/team/etl.flow/flow.yaml",
                                "DELETE f/team/greeting.variable.yaml");
            }
        }
    }

    @Test
    void aPartialTreeDeletesNothingItsIncludesDoNotCover(@TempDir Path tmp) {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("demo", Fixtures.fullWorkspace())) {
            Map<String, byte[]> tree = pulled(emulator, tmp);
            tree.keySet().removeIf(p -> !p.startsWith("f/ops/"));
            WindmillPullOptions ops = options().withGlobs(List.of("f/ops/**"), List.of(), List.of());
            try (WindmillDestination destination = WindmillDestination.of(source(emulator, "demo", tmp, ops))) {
                SyncPlan plan = destination.plan(tree(tree));
                // Resource types and dependencies bypass includes, as in the CLI: they are the only deletions.
                assertThat(plan.changes())
                        .allSatisfy(c -> assertThat(c.path().value()).doesNotStartWith("f/team/"));
            }
        }
    }

    @Test
    void aFailedPushReportsWhatLandedAndTheNextRunWritesOnlyTheRest(@TempDir Path tmp) {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN)
                .workspace("demo", Fixtures.fullWorkspace())
                .emptyWorkspace("empty")) {
            Map<String, byte[]> tree = pulled(emulator, tmp, stateful());
            int total;
            try (WindmillDestination destination = WindmillDestination.of(source(emulator, "empty", tmp, stateful()))) {
                SyncPlan plan = destination.plan(tree(tree));
                total = plan.changes().size();
                assertThat(total).isGreaterThan(5);
                int[] landed = {0};
                assertThatThrownBy(() -> destination.apply(plan, (path, bytes) -> {
                            if (++landed[0] == 3) {
                                emulator.failNext(1, 500);
                            }
                        }))
                        .isInstanceOf(DestinationException.class)
                        .hasMessageContaining("after 3 of " + total + " items were written")
                        .hasMessageContaining("the next run writes only the rest")
                        .hasMessageNotContaining(TOKEN);
            }
            emulator.resetRequests();
            try (WindmillDestination destination = WindmillDestination.of(source(emulator, "empty", tmp, stateful()))) {
                SyncPlan plan = destination.plan(tree(tree));
                assertThat(plan.changes()).hasSize(total - 3);
                assertThat(destination.apply(plan, (p, b) -> {}).added()).isEqualTo(total - 3);
            }
            try (WindmillDestination destination = WindmillDestination.of(source(emulator, "empty", tmp, stateful()))) {
                assertThat(destination.plan(tree(tree)).changes()).isEmpty();
            }
        }
    }

    @Test
    void removedItemsAreDeletedAndScriptsArchived(@TempDir Path tmp) {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("demo", Fixtures.fullWorkspace())) {
            Map<String, byte[]> tree = pulled(emulator, tmp, stateful());
            tree.keySet().removeIf(p -> p.startsWith("f/team/hello.") || p.equals("f/team/greeting.variable.yaml"));
            emulator.resetRequests();
            try (WindmillDestination destination = WindmillDestination.of(source(emulator, "demo", tmp, stateful()))) {
                SyncPlan plan = destination.plan(tree(tree));
                assertThat(plan.changes())
                        .extracting(c -> c.kind() + " " + c.path().value())
                        .containsExactly("DELETE f/team/greeting.variable.yaml", "DELETE f/team/hello.script.yaml");
                assertThat(destination.apply(plan, (p, b) -> {}).deleted()).isEqualTo(2);
            }
            assertThat(emulator.requests())
                    .filteredOn(WindmillEmulator.Request::isWrite)
                    .extracting(r -> r.method() + " " + r.path())
                    .containsExactly(
                            "DELETE /api/w/demo/variables/delete/f/team/greeting",
                            "POST /api/w/demo/scripts/archive/p/f/team/hello");
            assertThat(emulator.state("demo")).doesNotContain("f/team/greeting");
            try (WindmillDestination destination = WindmillDestination.of(source(emulator, "demo", tmp, stateful()))) {
                assertThat(destination.plan(tree(tree)).changes()).isEmpty();
            }
        }
    }

    @Test
    void promotesOneWorkspaceToAnotherThroughThePipeline(@TempDir Path tmp) {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN)
                .workspace("staging", Fixtures.fullWorkspace())
                .emptyWorkspace("prod")) {
            try (SyncPipeline pipeline = SyncPipeline.builder()
                    .source(source(emulator, "staging", tmp, stateful()))
                    .destination(WindmillDestination.of(source(emulator, "prod", tmp, stateful())))
                    .deletionGuard(DeletionGuard.defaults())
                    .build()) {
                SyncReport first = pipeline.run();
                assertThat(first.status()).as(first.message()).isEqualTo(SyncStatus.SYNCED);
                assertThat(first.added()).isGreaterThan(10);
                emulator.resetRequests();
                SyncReport second = pipeline.run();
                assertThat(second.status()).as(second.message()).isEqualTo(SyncStatus.NO_CHANGES);
                assertThat(emulator.writeRequests()).isZero();
            }
            Map<String, byte[]> staging;
            Map<String, byte[]> prod;
            try (WindmillSource a = source(emulator, "staging", tmp, stateful());
                    WindmillSource b = source(emulator, "prod", tmp, stateful())) {
                staging = files(a.snapshot());
                prod = files(b.snapshot());
            }
            assertThat(prod.keySet()).isEqualTo(staging.keySet());
            for (String path : staging.keySet()) {
                if (!path.equals("wmill-lock.yaml")) {
                    assertThat(new String(prod.get(path), StandardCharsets.UTF_8))
                            .as(path)
                            .isEqualTo(PushParityTest.uncarried(new String(staging.get(path), StandardCharsets.UTF_8)));
                }
            }
        }
    }

    @Test
    void theDeletionGuardRefusesAnEmptyTreeAndNothingIsWritten(@TempDir Path tmp) {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("demo", Fixtures.fullWorkspace())) {
            emulator.resetRequests();
            Source empty = new Source() {
                @Override
                public String describe() {
                    return "an empty tree";
                }

                @Override
                public Snapshot snapshot() {
                    return Snapshot.of("an empty tree", List.of());
                }
            };
            try (SyncPipeline pipeline = SyncPipeline.builder()
                    .source(empty)
                    .destination(WindmillDestination.of(source(emulator, "demo", tmp, stateful())))
                    .deletionGuard(DeletionGuard.defaults())
                    .build()) {
                SyncReport report = pipeline.run();
                assertThat(report.status()).isEqualTo(SyncStatus.REFUSED);
                assertThat(report.message()).contains("Refused");
            }
            assertThat(emulator.writeRequests()).isZero();
        }
    }

    @Test
    void doctorChecksTheServerTokenWorkspaceAndWhetherTheUserMayDeploy(@TempDir Path tmp) {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("demo", Fixtures.fullWorkspace());
                WindmillDestination destination = WindmillDestination.of(source(emulator, "demo", tmp, options()))) {
            var checks = destination.check();
            assertThat(checks).noneMatch(c -> c.status() == dev.workspacesync.core.Check.Status.FAILED);
            assertThat(checks.get(checks.size() - 1).detail()).contains("may deploy to demo");
            assertThat(writes(emulator)).isZero();
        }
        try (WindmillEmulator emulator = WindmillEmulator.start("other").workspace("demo", Fixtures.fullWorkspace());
                WindmillDestination destination = WindmillDestination.of(source(emulator, "demo", tmp, options()))) {
            assertThat(destination.check()).anyMatch(c -> c.status() == dev.workspacesync.core.Check.Status.FAILED);
        }
    }

    static final String SHARED_LOCK_META =
            "summary: ''\ndescription: ''\nkind: script\nschema: null\nlock: '!inline locks/requirements.in.lock'\n";

    @Test
    void aSharedLockIsSentAsTheLockOfEveryScriptUsingIt(@TempDir Path tmp) {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("demo", Fixtures.fullWorkspace())) {
            WindmillPullOptions options = stateful().with(Flag.DEDUPE_LOCKFILES, true);
            Map<String, byte[]> tree = pulled(emulator, tmp, options);
            tree.putIfAbsent("locks/requirements.in.lock", utf8("requests==2.32.0\n"));
            String lock = new String(tree.get("locks/requirements.in.lock"), StandardCharsets.UTF_8);
            for (String name : List.of("one", "two")) {
                tree.put("f/team/" + name + ".py", utf8("def main():\n    pass\n"));
                tree.put("f/team/" + name + ".script.yaml", utf8(SHARED_LOCK_META));
            }
            try (WindmillDestination destination = WindmillDestination.of(source(emulator, "demo", tmp, options))) {
                SyncPlan plan = destination.plan(tree(tree));
                assertThat(plan.changes())
                        .extracting(c -> c.path().value())
                        .containsExactly("f/team/one.script.yaml", "f/team/two.script.yaml");
                destination.apply(plan, dev.workspacesync.core.spi.Destination.Progress.NONE);
            }
            List<JsonNode> scripts = emulator.requests().stream()
                    .filter(r -> r.path().endsWith("/scripts/create"))
                    .map(r -> PushItems.yaml(utf8(r.body())))
                    .toList();
            assertThat(scripts)
                    .hasSize(2)
                    .allSatisfy(body -> assertThat(body.path("lock").asText()).isEqualTo(lock));
            Map<String, byte[]> back = pulled(emulator, tmp, options);
            try (WindmillDestination again = WindmillDestination.of(source(emulator, "demo", tmp, options))) {
                assertThat(again.plan(tree(tree)).changes())
                        .as("pulled back: %s", new String(back.get("f/team/one.script.yaml"), StandardCharsets.UTF_8))
                        .isEmpty();
            }
        }
    }

    static Stream<Arguments> invalidTrees() {
        return Stream.of(
                Arguments.of(
                        "unparsable YAML",
                        (UnaryOperator<Map<String, byte[]>>) t -> {
                            t.put("f/team/greeting.variable.yaml", utf8("value: [unclosed\n"));
                            return t;
                        },
                        "f/team/greeting.variable.yaml"),
                Arguments.of(
                        "missing !inline file",
                        (UnaryOperator<Map<String, byte[]>>) t -> {
                            t.keySet().stream()
                                    .filter(p -> p.startsWith("f/team/etl.flow/") && !p.endsWith("flow.yaml"))
                                    .findFirst()
                                    .ifPresent(t::remove);
                            return t;
                        },
                        "f/team/etl.flow/"),
                Arguments.of(
                        "missing !inline file of an app",
                        (UnaryOperator<Map<String, byte[]>>) t -> {
                            String file = t.keySet().stream()
                                    .filter(p -> p.startsWith("f/team/dashboard.app/") && !p.endsWith("app.yaml"))
                                    .findFirst()
                                    .orElseThrow();
                            t.remove(file);
                            return t;
                        },
                        "f/team/dashboard.app/app.yaml: the !inline file f/team/dashboard.app/"),
                Arguments.of(
                        "an app whose policy the destination cannot derive",
                        (UnaryOperator<Map<String, byte[]>>) t -> {
                            t.put(
                                    "f/team/dbx.app/app.yaml",
                                    utf8("summary: db\nvalue:\n  grid:\n    - id: dbx\n      data:\n"
                                            + "        type: dbexplorercomponent\n        configuration:\n"
                                            + "          type:\n            selected: postgresql\n"
                                            + "            configuration:\n              postgresql:\n"
                                            + "                table: {value: users}\n"));
                            return t;
                        },
                        "f/team/dbx.app/app.yaml: wmill sync push cannot derive the app's policy: database explorer dbx"),
                Arguments.of(
                        "code without metadata",
                        (UnaryOperator<Map<String, byte[]>>) t -> {
                            t.put("f/team/orphan.py", utf8("def main():\n    pass\n"));
                            return t;
                        },
                        "f/team/orphan.script.yaml"),
                Arguments.of(
                        "missing shared lock",
                        (UnaryOperator<Map<String, byte[]>>) t -> {
                            t.put("f/team/shared.py", utf8("def main():\n    pass\n"));
                            t.put("f/team/shared.script.yaml", utf8(SHARED_LOCK_META));
                            return t;
                        },
                        "locks/requirements.in.lock"),
                Arguments.of(
                        "fileset directory elsewhere",
                        (UnaryOperator<Map<String, byte[]>>) t -> {
                            t.put(
                                    "f/team/fs.resource.yaml",
                                    utf8("value: !inline_fileset f/other.fileset\nresource_type: fs\n"));
                            t.put("f/team/fs.fileset/a.txt", utf8("a\n"));
                            return t;
                        },
                        "f/team/fs.resource.yaml"),
                Arguments.of(
                        "missing fileset directory",
                        (UnaryOperator<Map<String, byte[]>>) t -> {
                            t.put(
                                    "f/team/fs2.resource.yaml",
                                    utf8("value: !inline_fileset f/team/fs2.fileset\nresource_type: fs\n"));
                            return t;
                        },
                        "f/team/fs2.fileset"),
                Arguments.of(
                        "module of no known language",
                        (UnaryOperator<Map<String, byte[]>>) t -> {
                            t.put("f/team/multi__mod/script.py", utf8("def main():\n    pass\n"));
                            t.put("f/team/multi__mod/script.yaml", utf8("summary: ''\ndescription: ''\n"));
                            t.put("f/team/multi__mod/query.sql", utf8("select 1\n"));
                            return t;
                        },
                        "query.sql"),
                Arguments.of(
                        "two code files for one script",
                        (UnaryOperator<Map<String, byte[]>>) t -> {
                            t.put("f/team/hello.ts", utf8("export function main() {}\n"));
                            return t;
                        },
                        "multiple script files (f/team/hello.ts, f/team/hello.py)"),
                Arguments.of(
                        "down migration without its up",
                        (UnaryOperator<Map<String, byte[]>>) t -> {
                            t.put("migrations/datatable/main/20260101000000_x.down.sql", utf8("drop table x;\n"));
                            return t;
                        },
                        "migrations/datatable/main/20260101000000_x.down.sql"),
                Arguments.of(
                        "plain secret",
                        (UnaryOperator<Map<String, byte[]>>) t -> {
                            t.put(
                                    "f/team/db_password.variable.yaml",
                                    utf8("value: 'hunter2 plain!'\nis_secret: true\ndescription: secret\n"));
                            return t;
                        },
                        "f/team/db_password.variable.yaml"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidTrees")
    void anInvalidTreeFailsThePlanNamingThePathAndWritesNothing(
            String name, UnaryOperator<Map<String, byte[]>> breakIt, String named, @TempDir Path tmp) {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("demo", Fixtures.fullWorkspace())) {
            Map<String, byte[]> tree = breakIt.apply(pulled(emulator, tmp));
            try (WindmillDestination destination = WindmillDestination.of(source(emulator, "demo", tmp, options()))) {
                assertThatThrownBy(() -> destination.plan(tree(tree)))
                        .isInstanceOf(DestinationException.class)
                        .hasMessageContaining(named)
                        .hasMessageContaining("nothing was written")
                        .hasMessageNotContaining(TOKEN);
            }
            assertThat(writes(emulator)).isZero();
        }
    }

    @Test
    void aRawAppIsRefusedWhenItWouldBeWrittenAndDeletedWhenRemoved(@TempDir Path tmp) {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("demo", AppFixtures.withRawApps())) {
            Map<String, byte[]> tree = pulled(emulator, tmp, stateful());
            assertThat(tree).containsKey("f/x/ra.raw_app/raw_app.yaml");
            try (WindmillDestination destination = WindmillDestination.of(source(emulator, "demo", tmp, stateful()))) {
                // Unchanged raw apps are left alone: nothing to bundle.
                assertThat(destination.plan(tree(tree)).changes()).isEmpty();
            }
            Map<String, byte[]> edited = new TreeMap<>(tree);
            edited.put("f/x/ra.raw_app/index.tsx", utf8("export default 1\n"));
            try (WindmillDestination destination = WindmillDestination.of(source(emulator, "demo", tmp, stateful()))) {
                assertThatThrownBy(() -> destination.plan(tree(edited)))
                        .isInstanceOf(DestinationException.class)
                        .hasMessageContaining(
                                "f/x/ra.raw_app/raw_app.yaml: the windmill destination does not push raw apps")
                        .hasMessageContaining("nothing was written");
            }
            assertThat(writes(emulator)).isZero();
            Map<String, byte[]> removed = new TreeMap<>(tree);
            removed.keySet().removeIf(p -> p.startsWith("f/x/rb.raw_app/"));
            try (WindmillDestination destination = WindmillDestination.of(source(emulator, "demo", tmp, stateful()))) {
                SyncPlan plan = destination.plan(tree(removed));
                assertThat(plan.changes())
                        .extracting(c -> c.kind() + " " + c.path().value())
                        .containsExactly("DELETE f/x/rb.raw_app/raw_app.yaml");
                assertThat(destination.apply(plan, (p, b) -> {}).deleted()).isEqualTo(1);
            }
            assertThat(emulator.requests())
                    .filteredOn(WindmillEmulator.Request::isWrite)
                    .extracting(r -> r.method() + " " + r.path())
                    .containsExactly("DELETE /api/w/demo/apps/delete/f/x/rb");
        }
    }

    @Test
    void anAppChangeIsOneUpdateCarryingTheDeployedModeAndTheDerivedPolicy(@TempDir Path tmp) {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("demo", AppFixtures.withRawApps())) {
            Map<String, byte[]> tree = pulled(emulator, tmp, stateful());
            String yaml = new String(tree.get("f/x/ap.app/app.yaml"), StandardCharsets.UTF_8);
            tree.put("f/x/ap.app/app.yaml", utf8(yaml.replace("summary: ap", "summary: 'ap: changed'")));
            emulator.resetRequests();
            try (WindmillDestination destination = WindmillDestination.of(source(emulator, "demo", tmp, stateful()))) {
                SyncPlan plan = destination.plan(tree(tree));
                assertThat(plan.changes())
                        .extracting(c -> c.kind() + " " + c.path().value())
                        .containsExactly("UPDATE f/x/ap.app/app.yaml");
                assertThat(destination.apply(plan, (p, b) -> {}).updated()).isEqualTo(1);
            }
            List<WindmillEmulator.Request> writes = emulator.requests().stream()
                    .filter(WindmillEmulator.Request::isWrite)
                    .toList();
            assertThat(writes)
                    .extracting(WindmillEmulator.Request::path)
                    .containsExactly("/api/w/demo/apps/update/f/x/ap");
            String body = writes.get(0).body();
            // The seeded app runs as viewer: the CLI keeps the deployed mode when app.yaml states none.
            assertThat(body)
                    .contains("\"summary\":\"ap: changed\"")
                    .contains("\"execution_mode\":\"viewer\"")
                    .contains("\"triggerables_v2\":{\"bg_0:rawscript/")
                    .contains("\"skip_draft_deletion\":true")
                    .doesNotContain("\"path\":")
                    .doesNotContain("preserve_on_behalf_of")
                    .doesNotContain("on_behalf_of");

            // syncBehavior v1: an admin keeps the identity the app runs as (now the pusher's, u/admin).
            tree.put("f/x/ap.app/app.yaml", utf8(yaml.replace("summary: ap", "summary: again")));
            emulator.resetRequests();
            WindmillPullOptions v1 = stateful().withSyncBehavior("v1");
            try (WindmillDestination destination = WindmillDestination.of(source(emulator, "demo", tmp, v1))) {
                destination.apply(destination.plan(tree(tree)), (p, b) -> {});
            }
            assertThat(emulator.requests().stream()
                            .filter(WindmillEmulator.Request::isWrite)
                            .map(WindmillEmulator.Request::body))
                    .singleElement()
                    .asString()
                    .contains("\"on_behalf_of\":\"u/admin\"")
                    .contains("\"preserve_on_behalf_of\":true");
        }
    }

    @Test
    void aPlainSecretPassesWhenPlainSecretsAreAsked(@TempDir Path tmp) {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("demo", Fixtures.fullWorkspace())) {
            Map<String, byte[]> tree = pulled(emulator, tmp);
            tree.put(
                    "f/team/db_password.variable.yaml",
                    utf8("value: 'hunter2 plain!'\nis_secret: true\ndescription: secret\n"));
            WindmillPullOptions plain = options().with(Flag.PLAIN_SECRETS, true);
            try (WindmillDestination destination = WindmillDestination.of(source(emulator, "demo", tmp, plain))) {
                assertThat(destination.plan(tree(tree)).changes())
                        .extracting(c -> c.path().value())
                        .contains("f/team/db_password.variable.yaml");
            }
        }
    }

    @Test
    void ciphertextIsCheckedWithTheWorkspaceKey() throws Exception {
        byte[] key = utf8("workspace-key-123");
        javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance("AES/CBC/PKCS5Padding");
        cipher.init(
                javax.crypto.Cipher.ENCRYPT_MODE,
                new javax.crypto.spec.SecretKeySpec(
                        java.security.MessageDigest.getInstance("SHA-256").digest(key), "AES"),
                new javax.crypto.spec.IvParameterSpec(new byte[16]));
        String ciphertext = java.util.Base64.getEncoder().encodeToString(cipher.doFinal(utf8("s3cr3t")));
        assertThat(WindmillDestination.isCiphertext(ciphertext, key)).isTrue();
        assertThat(WindmillDestination.isCiphertext(ciphertext, utf8("another key")))
                .isFalse();
        assertThat(WindmillDestination.isCiphertext("hunter2 plain!", null)).isFalse();
        assertThat(WindmillDestination.isCiphertext("AAAAencrypted==", null)).isTrue();
    }

    /**
     * The server's encryption (magic_crypt's {@code MagicCrypt256}) judged by two independent references: the
     * vector magic_crypt publishes in its documentation ({@code new_magic_crypt!("magickey", 256)
     * .encrypt_str_to_base64("http://magiclen.org")}), and {@code openssl enc -aes-256-cbc} on the command line
     * with the SHA-256 of the key and a zero IV, for seeded random keys and values. The emulator encrypts so and
     * the destination's check agrees.
     */
    @ParameterizedTest(name = "seed {0}")
    @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3, 4, 5})
    void secretsAreEncryptedAsTheServerDoes(long seed) throws Exception {
        System.out.println("WindmillDestinationTest.secretsAreEncryptedAsTheServerDoes seed " + seed);
        String published = "DS/2U8royDnJDiNY2ps3f6ZoTbpZo8ZtUGYLGEjwLDQ=";
        assertThat(ServerCrypt.encrypt("magickey", "http://magiclen.org")).isEqualTo(published);
        assertThat(WindmillDestination.isCiphertext(published, utf8("magickey")))
                .isTrue();
        assertThat(WindmillDestination.isCiphertext(published, utf8("magickey2")))
                .isFalse();

        java.util.Random r = new java.util.Random(seed);
        String key = dev.workspacesync.windmill.testing.SettingsWorkspace.key(r);
        StringBuilder plain = new StringBuilder();
        for (int i = 0, n = r.nextInt(60); i < n; i++) {
            plain.appendCodePoint(r.nextInt(4) == 0 ? 0x80 + r.nextInt(0x2000) : 0x20 + r.nextInt(0x5f));
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(
                new ProcessBuilder("openssl", "version").start().waitFor() == 0, "openssl on the PATH");
        String aesKey = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(utf8(key)));
        Process openssl = new ProcessBuilder(
                        "openssl", "enc", "-aes-256-cbc", "-K", aesKey, "-iv", "0".repeat(32), "-base64", "-A")
                .start();
        try (var in = openssl.getOutputStream()) {
            in.write(utf8(plain.toString()));
        }
        String expected = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(openssl.waitFor()).isZero();
        assertThat(ServerCrypt.encrypt(key, plain.toString())).isEqualTo(expected);
        assertThat(ServerCrypt.decrypt(key, expected)).isEqualTo(plain.toString());
        assertThat(WindmillDestination.isCiphertext(expected, utf8(key))).isTrue();
        assertThat(WindmillDestination.isCiphertext(expected, utf8(key.substring(1) + "x")))
                .isFalse();
    }

    static WindmillPullOptions admin() {
        return options()
                .with(Flag.INCLUDE_SETTINGS, true)
                .with(Flag.INCLUDE_KEY, true)
                .with(Flag.INCLUDE_TRIGGERS, true);
    }

    /** Each bad settings, key or native trigger file fails the plan naming it; nothing is written. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("badAdminTrees")
    void badSettingsKeysAndNativeTriggersAreRefusedBeforeAnyWrite(
            String name, UnaryOperator<Map<String, byte[]>> change, String named, @TempDir Path tmp) {
        dev.workspacesync.windmill.testing.SettingsWorkspace ws =
                dev.workspacesync.windmill.testing.SettingsWorkspace.generate(7);
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("demo", ws.archive())) {
            Map<String, byte[]> tree = change.apply(new TreeMap<>(pulled(emulator, tmp, admin())));
            emulator.resetRequests();
            try (WindmillDestination destination = WindmillDestination.of(source(emulator, "demo", tmp, admin()))) {
                assertThatThrownBy(() -> destination.plan(tree(tree)))
                        .isInstanceOf(DestinationException.class)
                        .hasMessageContaining(named)
                        .hasMessageContaining("nothing was written")
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(ws.key));
            }
            assertThat(emulator.writeRequests()).isZero();
        }
    }

    static Stream<Arguments> badAdminTrees() {
        String otherKey = dev.workspacesync.windmill.testing.SettingsWorkspace.key(new java.util.Random(42));
        return Stream.of(
                Arguments.of(
                        "a key the server refuses",
                        (UnaryOperator<Map<String, byte[]>>) t -> {
                            t.put("encryption_key.yaml", utf8("not-64-letters\n"));
                            return t;
                        },
                        "encryption_key.yaml"),
                Arguments.of(
                        "a new key, the secret still ciphertext of the old one",
                        (UnaryOperator<Map<String, byte[]>>) t -> {
                            t.put("encryption_key.yaml", utf8(otherKey + "\n"));
                            String secret = new String(t.get("f/n/secret.variable.yaml"), StandardCharsets.UTF_8);
                            // A changed secret (so it is written), but ciphertext of the workspace's old key.
                            t.put(
                                    "f/n/secret.variable.yaml",
                                    utf8(secret.replaceFirst(
                                            "(?m)^value: .*$",
                                            "value: "
                                                    + ServerCrypt.encrypt(
                                                            dev.workspacesync.windmill.testing.SettingsWorkspace
                                                                    .generate(7)
                                                                    .key,
                                                            "another value"))));
                            return t;
                        },
                        "f/n/secret.variable.yaml: the secret value is not ciphertext"),
                Arguments.of(
                        "an auto-invite mode the CLI refuses",
                        (UnaryOperator<Map<String, byte[]>>) t -> {
                            String settings = new String(t.get("settings.yaml"), StandardCharsets.UTF_8);
                            t.put("settings.yaml", utf8(settings.replaceFirst("(?m)^  mode: .*$", "  mode: everyone")));
                            return t;
                        },
                        "settings.yaml: auto_invite.mode"),
                Arguments.of(
                        "a native trigger not named by its external id",
                        (UnaryOperator<Map<String, byte[]>>) t -> {
                            t.put("f/n/handler_native_trigger.yaml", utf8("script_path: f/n/handler\n"));
                            return t;
                        },
                        "f/n/handler_native_trigger.yaml"));
    }

    @Test
    void requestBodiesAreTheClis() {
        PushItems items = new PushItems(new PullTransformer(WindmillPullOptions.noConfig(), Map.of(), Set.of()));
        PushRequests requests = new PushRequests(items, "bun", false);
        Map<String, byte[]> files = new TreeMap<>();
        files.put("f/a/s.ts", utf8("export function main() {}\n"));
        files.put(
                "f/a/s.script.yaml",
                utf8("summary: S\ndescription: ''\nlock: '!inline f/a/s.script.lock'\nkind: script\nschema: {}\n"
                        + "timeout: 0\n"));
        files.put("f/a/s.script.lock", utf8("{}\n//bun.lock\n"));
        files.put("f/a/v.variable.yaml", utf8("value: AAAA\nis_secret: true\ndescription: ''\nextra_perms: {}\n"));
        files.put(
                "f/a/fl.flow/flow.yaml",
                utf8("summary: F\nvalue:\n  modules:\n    - id: a\n      value:\n"
                        + "        type: rawscript\n        content: '!inline step.ts'\n        language: bun\n"
                        + "        lock: '!inline step.lock'\nschema: {}\n"));
        files.put("f/a/fl.flow/step.ts", utf8("export function main() { return 1 }\n"));
        files.put("f/a/fl.flow/step.lock", utf8("lock\n"));
        List<String> problems = new ArrayList<>();
        Map<String, PushItems.Group> groups = items.group(files, problems);
        assertThat(problems).isEmpty();
        assertThat(groups.values())
                .extracting(g -> g.item().toString())
                .containsExactly("variable f/a/v", "script f/a/s", "flow f/a/fl");
        List<PushRequests.Request> calls = new ArrayList<>();
        for (PushItems.Group g : groups.values()) {
            calls.addAll(requests.write(g, null, () -> "h"));
        }
        assertThat(calls)
                .extracting(PushRequests.Request::rest)
                .containsExactly(
                        "variables/create?already_encrypted=true", "scripts/create?skip_if_noop=true", "flows/create");
        JsonNode variable = calls.get(0).body();
        assertThat(variable.get("path").asText()).isEqualTo("f/a/v");
        assertThat(variable.has("extra_perms")).isFalse();
        JsonNode script = calls.get(1).body();
        assertThat(script.get("language").asText()).isEqualTo("bun");
        assertThat(script.get("lock").asText()).isEqualTo("{}\n//bun.lock\n");
        assertThat(script.get("content").asText()).isEqualTo("export function main() {}\n");
        assertThat(script.has("timeout")).isFalse();
        assertThat(script.get("skip_draft_deletion").asBoolean()).isTrue();
        JsonNode step = calls.get(2).body().at("/value/modules/0/value");
        assertThat(step.get("content").asText()).isEqualTo("export function main() { return 1 }\n");
        assertThat(step.get("lock").asText()).isEqualTo("lock\n");
        assertThat(PushRequests.delete(groups.values().iterator().next().item()).rest())
                .isEqualTo("variables/delete/f/a/v");
        PushItems.Group scriptGroup = groups.values().stream()
                .filter(g -> g.item().kind() == PushItems.Kind.SCRIPT)
                .findFirst()
                .orElseThrow();
        assertThat(PushRequests.delete(scriptGroup.item()))
                .isEqualTo(new PushRequests.Request("POST", "scripts/archive/p/f/a/s", null));
        JsonNode update =
                requests.write(scriptGroup, scriptGroup, () -> "abc").get(0).body();
        assertThat(update.get("parent_hash").asText()).isEqualTo("abc");
        assertThat(update.get("auto_parent").asBoolean()).isTrue();
    }

    @Test
    void theProviderIsFoundAndTakesTheSourceSettings() {
        ProviderRegistry registry = ProviderRegistry.discover();
        var provider = registry.destination("windmill").orElseThrow();
        assertThat(provider.settings())
                .extracting(k -> k.key())
                .contains(
                        "windmill.base-url",
                        "windmill.token",
                        "windmill.workspace",
                        "windmill.plain-secrets",
                        "windmill.includes");
        var destination = provider.create(SyncSettings.of(Map.of(
                "windmill.token",
                TOKEN,
                "windmill.workspace",
                "prod",
                "windmill.base-url",
                "http://windmill_server:8000")));
        assertThat(destination.target()).isEqualTo("windmill workspace prod at http://windmill_server:8000");
        assertThat(destination.toString()).doesNotContain(TOKEN);
        destination.close();
    }

    static List<Change> only(SyncPlan plan) {
        return plan.changes();
    }
}
