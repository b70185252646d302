package dev.workspacesync.examples.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.SyncListener;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.SyncStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupServiceTest {
    @TempDir
    Path dir;

    private SyncSettings settings(String name, long delayMs) {
        return SyncSettings.of(Map.of(
                "memory.name", name,
                "memory.files", "a=1",
                "memory.delay-ms", String.valueOf(delayMs),
                "directory.path", dir.resolve("mirror-" + name).toString(),
                "directory.state-dir", dir.resolve("state").toString()));
    }

    private BackupService service(SyncListener listener) {
        return new BackupService(
                new RegistryPipelines(
                        ProviderRegistry.discover(),
                        "memory",
                        "directory",
                        s -> s.string("memory.name"),
                        List.of(listener)),
                2);
    }

    @Test
    void shutdownLetsTheRunningSyncFinishAndRefusesNewOnes() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        BackupService service = service(new SyncListener() {
            @Override
            public void started(String source, List<String> destinations, boolean dryRun) {
                started.countDown();
            }
        });
        CompletableFuture<SyncReport> running = CompletableFuture.supplyAsync(() -> service.sync(settings("a", 800)));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(service.shutdown(Duration.ofSeconds(30))).isTrue();
        // The caller's thread may still be on its way out; what shutdown promises is a finished, recorded sync.
        assertThat(service.statuses())
                .as("shutdown waited for the sync")
                .singleElement()
                .satisfies(s -> assertThat(s.report().status()).isEqualTo(SyncStatus.SYNCED));
        assertThat(running.get(30, TimeUnit.SECONDS).status()).isEqualTo(SyncStatus.SYNCED);
        assertThatThrownBy(() -> service.sync(settings("a", 0)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the service is shutting down");
    }

    @Test
    void shutdownGivesUpAfterItsGracePeriod() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        BackupService service = service(new SyncListener() {
            @Override
            public void started(String source, List<String> destinations, boolean dryRun) {
                started.countDown();
            }
        });
        CompletableFuture.runAsync(() -> service.sync(settings("slow", 3_000)));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(service.shutdown(Duration.ofMillis(100))).isFalse();
    }

    @Test
    void differentTargetsRunSideBySideAndKeepTheirOwnStatus() {
        BackupService service = service(new SyncListener() {});
        CompletableFuture<SyncReport> a = CompletableFuture.supplyAsync(() -> service.sync(settings("a", 300)));
        CompletableFuture<SyncReport> b = CompletableFuture.supplyAsync(() -> service.sync(settings("b", 300)));
        assertThat(a.join().status()).isEqualTo(SyncStatus.SYNCED);
        assertThat(b.join().status()).isEqualTo(SyncStatus.SYNCED);
        assertThat(service.statuses())
                .extracting(BackupService.TargetStatus::target)
                .containsExactly("a", "b");
        service.close();
    }
}
