package dev.workspacesync.core.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.RetryPolicy;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.SyncPipeline;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.SyncStateStore;
import dev.workspacesync.core.SyncStatus;
import dev.workspacesync.core.testing.InMemorySource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryDestinationTest {
    @TempDir
    Path dir;

    private Path mirror() {
        return dir.resolve("mirror");
    }

    private DirectoryDestination destination() {
        return new DirectoryDestination(mirror(), new SyncStateStore(dir.resolve("state")));
    }

    private SyncReport sync(dev.workspacesync.core.spi.Source source, List<String> transferred) {
        return SyncPipeline.builder()
                .source(source)
                .destination(destination())
                .retryPolicy(RetryPolicy.none())
                .listener(new dev.workspacesync.core.SyncListener() {
                    @Override
                    public void transferred(String destination, SyncPath path, long bytes) {
                        transferred.add(path.value());
                    }
                })
                .build()
                .run();
    }

    private Map<String, String> tree() throws IOException {
        Map<String, String> files = new TreeMap<>();
        if (!Files.exists(mirror())) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(mirror())) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(mirror().relativize(p).toString(), Files.readString(p));
            }
        }
        return files;
    }

    @Test
    void mirrorsIncrementallyAndRemovesEmptiedDirectories() throws IOException {
        InMemorySource source = new InMemorySource("p")
                .put("a.txt", "a")
                .put("deep/nested/b.txt", "b")
                .put("run.sh", "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8), true)
                .put("ü space.md", "u");
        List<String> transferred = Collections.synchronizedList(new ArrayList<>());
        assertThat(sync(source, transferred).status()).isEqualTo(SyncStatus.SYNCED);
        assertThat(tree()).containsOnlyKeys("a.txt", "deep/nested/b.txt", "run.sh", "ü space.md");
        assertThat(Files.isExecutable(mirror().resolve("run.sh"))).isTrue();
        assertThat(Files.isExecutable(mirror().resolve("a.txt"))).isFalse();

        transferred.clear();
        assertThat(sync(source, transferred).status()).isEqualTo(SyncStatus.NO_CHANGES);
        assertThat(transferred).isEmpty();

        source.put("a.txt", "changed").touch("ü space.md");
        assertThat(sync(source, transferred).updated()).isEqualTo(1);
        assertThat(transferred).containsExactly("a.txt");

        transferred.clear();
        source.remove("deep/nested/b.txt").put("deep", "now a file");
        SyncReport report = sync(source, transferred);
        assertThat(report.status()).isEqualTo(SyncStatus.SYNCED);
        assertThat(tree()).containsEntry("deep", "now a file").doesNotContainKey("deep/nested/b.txt");
        try (Stream<Path> files = Files.list(mirror())) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("a.txt", "deep", "run.sh", "ü space.md");
        }
    }

    @Test
    void aFileDeletedByHandIsSentAgain() throws IOException {
        InMemorySource source = new InMemorySource("p").put("a.txt", "a").put("b.txt", "b");
        sync(source, new ArrayList<>());
        Files.delete(mirror().resolve("b.txt"));
        List<String> transferred = new ArrayList<>();
        assertThat(sync(source, transferred).updated()).isEqualTo(1);
        assertThat(transferred).containsExactly("b.txt");
        assertThat(tree()).containsEntry("b.txt", "b");
    }

    @Test
    void aFailedCopyLeavesNoPartialFileAndTheNextRunSendsOnlyTheRest() throws IOException {
        InMemorySource source = new InMemorySource("p");
        for (int i = 0; i < 6; i++) {
            source.put("f" + i + ".txt", "content " + i);
        }
        // An entry whose stream dies half-way, as a dropped connection would.
        dev.workspacesync.core.spi.Source flaky = new dev.workspacesync.core.spi.Source() {
            @Override
            public String describe() {
                return "memory:p";
            }

            @Override
            public dev.workspacesync.core.Snapshot snapshot() {
                var snapshot = source.snapshot();
                var entries = new ArrayList<dev.workspacesync.core.SnapshotEntry>();
                for (var e : snapshot.entries()) {
                    entries.add(
                            e.path().value().equals("f3.txt")
                                    ? new dev.workspacesync.core.SnapshotEntry(
                                            e.path(),
                                            e.size(),
                                            false,
                                            e.modified().orElse(null),
                                            () -> {
                                                throw new IOException("connection reset");
                                            })
                                    : e);
                }
                return new dev.workspacesync.core.Snapshot("memory:p", null, snapshot.takenAt(), Map.of(), entries);
            }
        };
        SyncReport failed = sync(flaky, new ArrayList<>());
        assertThat(failed.status()).isEqualTo(SyncStatus.FAILED);
        assertThat(failed.destinations().get(0).message()).contains("connection reset");
        assertThat(tree()).containsOnlyKeys("f0.txt", "f1.txt", "f2.txt");
        try (Stream<Path> files = Files.list(mirror())) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
        }

        List<String> transferred = new ArrayList<>();
        assertThat(sync(source, transferred).added()).isEqualTo(3);
        assertThat(transferred).containsExactly("f3.txt", "f4.txt", "f5.txt");
    }

    @Test
    void providerCreatesItFromSettings() {
        var registry = ProviderRegistry.discover();
        var destination = registry.createDestination(
                "directory",
                SyncSettings.of(Map.of(
                        "directory.path", mirror().toString(),
                        "directory.state-dir", dir.resolve("s").toString())));
        assertThat(destination.target()).isEqualTo("directory:" + mirror());
        assertThatThrownBy(() -> registry.createDestination("directory", SyncSettings.empty()))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("directory.path");
        assertThatThrownBy(() -> new DirectoryDestination(mirror(), new SyncStateStore(mirror().resolve(".state"))))
                .hasMessageContaining("must not be inside the mirrored directory");
    }
}
