package dev.workspacesync.databricks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workspacesync.core.DeletionGuard;
import dev.workspacesync.core.RetryPolicy;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.SyncPipeline;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncStatus;
import dev.workspacesync.core.testing.InMemorySource;
import dev.workspacesync.core.testing.Seeds;
import dev.workspacesync.databricks.testing.WorkspaceEmulator;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.ObjectType;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.RemoteObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random edit sequences (adds, edits, notebook/file flips, deletes, renames, touches) synced one step at a
 * time: after every step the workspace holds exactly the expected objects and folders, and a re-sync makes
 * one read (the folder check) and no write. Clashing trees are refused without any write. Between steps
 * the folder may be deleted behind the sync's back, or the local state lost (a fresh container): the next
 * step repairs the one and rebuilds the other from the manifest, without {@code databricks.reconcile}.
 */
class SyncPropertyTest {
    static final String TOKEN = "dapi-prop";
    static final String ROOT = "/Users/alice@example.com/prop";
    static final List<String> DIRS = List.of("a", "b", "c d", "é");
    static final List<String> NAMES = List.of("x", "y", "n", "a", "b");
    static final List<String> EXTS = List.of("", ".txt", ".py", ".sql", ".scala", ".r", ".ipynb");
    static final Map<String, String> HEADERS = Map.of(".py", "# ", ".r", "# ", ".sql", "-- ", ".scala", "// ");

    @TempDir
    Path stateDir;

    static Stream<Long> seeds() {
        return Seeds.seeds(6);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theWorkspaceFollowsTheSource(long seed) {
        SplittableRandom random = Seeds.random("SyncPropertyTest", seed);
        try (WorkspaceEmulator emulator = WorkspaceEmulator.start(TOKEN)) {
            InMemorySource source = new InMemorySource("prop");
            Map<String, Boolean> notebooks = new HashMap<>();
            for (int step = 0; step < 12; step++) {
                int ops = 1 + random.nextInt(4);
                for (int i = 0; i < ops; i++) {
                    mutate(random, source, notebooks);
                }
                Map<String, String> expected = expectedRemote(source, notebooks);
                int tamper = random.nextInt(10);
                if (tamper == 0) {
                    emulator.remove(ROOT); // a user cleaning up
                } else if (tamper == 1) {
                    deleteState(); // a new container: the local state is gone, the manifest stays
                }
                emulator.resetCounts();
                SyncReport report = sync(emulator, source);
                if (expected == null) {
                    assertThat(report.status())
                            .as("step %d: clash refused", step)
                            .isEqualTo(SyncStatus.FAILED);
                    assertThat(emulator.mutatingRequests()).isZero();
                    resolveClashes(source, notebooks);
                    report = sync(emulator, source);
                    expected = expectedRemote(source, notebooks);
                }
                assertThat(report.succeeded())
                        .as("step %d: %s", step, report.message())
                        .isTrue();
                assertMatches(emulator, source, expected, step);
                emulator.resetCounts();
                assertThat(sync(emulator, source).status()).isEqualTo(SyncStatus.NO_CHANGES);
                assertThat(emulator.mutatingRequests())
                        .as("step %d: no-op re-sync", step)
                        .isZero();
                assertThat(emulator.totalRequests())
                        .as(
                                "step %d (tamper %d): no-op re-sync reads only the folder: %s",
                                step, tamper, emulator.requestLog())
                        .isEqualTo(1);
            }
        }
    }

    void deleteState() {
        try (Stream<Path> files = java.nio.file.Files.list(stateDir)) {
            for (Path file : files.toList()) {
                java.nio.file.Files.delete(file);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    SyncReport sync(WorkspaceEmulator emulator, InMemorySource source) {
        DatabricksWorkspaceDestination destination = DatabricksWorkspaceDestination.builder()
                .host(emulator.host())
                .token(Secret.of(TOKEN))
                .root(ROOT)
                .environment(Map.of())
                .stateDirectory(stateDir)
                .rateLimit(0)
                .concurrency(4)
                .retryPolicy(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5)))
                .build();
        try (SyncPipeline pipeline = SyncPipeline.builder()
                .source(source)
                .destination(destination)
                .deletionGuard(DeletionGuard.force())
                .retryPolicy(RetryPolicy.none())
                .build()) {
            return pipeline.run();
        }
    }

    static String randomPath(SplittableRandom random) {
        StringBuilder path = new StringBuilder();
        int depth = random.nextInt(3);
        for (int d = 0; d < depth; d++) {
            path.append(DIRS.get(random.nextInt(DIRS.size()))).append('/');
        }
        return path.append(NAMES.get(random.nextInt(NAMES.size())))
                .append(EXTS.get(random.nextInt(EXTS.size())))
                .toString();
    }

    static void write(SplittableRandom random, InMemorySource source, Map<String, Boolean> notebooks, String path) {
        String ext = path.contains(".") ? path.substring(path.lastIndexOf('.')) : "";
        boolean notebook = random.nextBoolean();
        String content;
        if (ext.equals(".ipynb")) {
            content = notebook
                    ? "{\"cells\":[],\"metadata\":{},\"nbformat\":4,\"v\":" + random.nextInt(1000) + "}"
                    : "not a notebook " + random.nextInt(1000);
        } else if (HEADERS.containsKey(ext) && notebook) {
            content = HEADERS.get(ext) + "Databricks notebook source\nv" + random.nextInt(1000) + "\n";
        } else {
            notebook = false;
            content = "plain " + random.nextInt(1000) + "\n";
        }
        source.put(path, content);
        notebooks.put(path, notebook);
    }

    static void mutate(SplittableRandom random, InMemorySource source, Map<String, Boolean> notebooks) {
        List<String> existing = new ArrayList<>(notebooks.keySet());
        existing.sort(null);
        int op = existing.isEmpty() ? 0 : random.nextInt(6);
        switch (op) {
            case 0, 1 -> write(random, source, notebooks, randomPath(random));
            case 2 -> write(random, source, notebooks, existing.get(random.nextInt(existing.size())));
            case 3 -> {
                String gone = existing.get(random.nextInt(existing.size()));
                source.remove(gone);
                notebooks.remove(gone);
            }
            case 4 -> source.touch(existing.get(random.nextInt(existing.size())));
            default -> {
                String from = existing.get(random.nextInt(existing.size()));
                String to = randomPath(random);
                if (!notebooks.containsKey(to)) {
                    var file = source.files().get(SyncPath.of(from));
                    source.remove(from);
                    boolean wasNotebook = notebooks.remove(from);
                    source.put(to, file.content(), false);
                    String ext = to.contains(".") ? to.substring(to.lastIndexOf('.')) : "";
                    String text = new String(file.content(), StandardCharsets.UTF_8);
                    notebooks.put(
                            to, wasNotebook && sameKind(from, to) && !text.isEmpty() ? true : isNotebook(ext, text));
                }
            }
        }
    }

    static boolean sameKind(String from, String to) {
        String a = from.contains(".") ? from.substring(from.lastIndexOf('.')) : "";
        String b = to.contains(".") ? to.substring(to.lastIndexOf('.')) : "";
        return HEADERS.getOrDefault(a, a).equals(HEADERS.getOrDefault(b, b));
    }

    /** The oracle for content written by this test (exact header line, or a valid ipynb). */
    static boolean isNotebook(String ext, String text) {
        if (ext.equals(".ipynb")) {
            return text.startsWith("{\"cells\"");
        }
        String header = HEADERS.get(ext);
        return header != null && text.startsWith(header + "Databricks notebook source\n");
    }

    /** Remote relative path → content, or null when two files clash. */
    static Map<String, String> expectedRemote(InMemorySource source, Map<String, Boolean> notebooks) {
        return clash(source) == null ? remoteTree(source) : null;
    }

    static Map<String, String> remoteTree(InMemorySource source) {
        Map<String, String> expected = new TreeMap<>();
        for (var file : source.files().entrySet()) {
            String path = file.getKey().value();
            String text = new String(file.getValue().content(), StandardCharsets.UTF_8);
            expected.put(remote(path, text), text);
        }
        return expected;
    }

    static String remote(String path, String text) {
        String ext = extension(path);
        return isNotebook(ext, text) ? path.substring(0, path.length() - ext.length()) : path;
    }

    static String extension(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.contains(".") ? name.substring(name.lastIndexOf('.')) : "";
    }

    /** A local path that clashes with an earlier one (same name, folder vs object, file x.py beside notebook x). */
    static String clash(InMemorySource source) {
        Map<String, Boolean> seen = new HashMap<>(); // remote -> notebook?
        for (var file : source.files().entrySet()) {
            String path = file.getKey().value();
            String text = new String(file.getValue().content(), StandardCharsets.UTF_8);
            String remote = remote(path, text);
            boolean notebook = !remote.equals(path);
            boolean clash = seen.containsKey(remote)
                    || seen.keySet().stream().anyMatch(r -> remote.startsWith(r + "/") || r.startsWith(remote + "/"));
            if (!clash && notebook) {
                clash = Stream.of(".py", ".r", ".scala", ".sql", ".ipynb")
                        .anyMatch(ext -> Boolean.FALSE.equals(seen.get(remote + ext)));
            }
            if (!clash
                    && !notebook
                    && !extension(path).isEmpty()
                    && List.of(".py", ".r", ".scala", ".sql", ".ipynb").contains(extension(path))) {
                String stripped =
                        path.substring(0, path.length() - extension(path).length());
                clash = Boolean.TRUE.equals(seen.get(stripped));
            }
            if (clash) {
                return path;
            }
            seen.put(remote, notebook);
        }
        return null;
    }

    static void resolveClashes(InMemorySource source, Map<String, Boolean> notebooks) {
        for (String path = clash(source); path != null; path = clash(source)) {
            source.remove(path);
            notebooks.remove(path);
        }
    }

    static void assertMatches(
            WorkspaceEmulator emulator, InMemorySource source, Map<String, String> expected, int step) {
        Map<String, String> actual = new TreeMap<>();
        Set<String> dirs = new HashSet<>();
        for (Map.Entry<String, RemoteObject> object :
                emulator.objectsUnder(ROOT).entrySet()) {
            String rel = object.getKey().substring(ROOT.length() + 1);
            if (rel.equals(".workspace-sync") || rel.startsWith(".workspace-sync/")) {
                continue; // the tool's manifest
            }
            if (object.getValue().type() == ObjectType.DIRECTORY) {
                dirs.add(rel);
            } else {
                actual.put(rel, object.getValue().text());
            }
        }
        assertThat(actual).as("step %d: objects", step).isEqualTo(expected);
        Set<String> expectedDirs = new HashSet<>();
        for (String path : expected.keySet()) {
            for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
                expectedDirs.add(path.substring(0, slash));
            }
        }
        assertThat(dirs).as("step %d: folders (none left empty)", step).isEqualTo(expectedDirs);
    }
}
