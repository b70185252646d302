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

    @Test
    void idlePipelinesAreBoundedAndOnlyTargetsThatSyncedAreRemembered() {
        BackupService service = new BackupService(
                new RegistryPipelines(
                        ProviderRegistry.discover(), "memory", "directory", s -> s.string("memory.name"), List.of()),
                2,
                3,
                Duration.ofHours(1),
                5,
                java.time.Clock.systemUTC());
        for (int i = 0; i < 12; i++) {
            assertThat(service.sync(settings("t" + i, 0)).status()).isEqualTo(SyncStatus.SYNCED);
            assertThat(service.pipelines()).as("idle pipelines kept").isLessThanOrEqualTo(3);
        }
        assertThat(service.statuses())
                .extracting(BackupService.TargetStatus::target)
                .as("the 5 most recent targets")
                .containsExactly("t10", "t11", "t7", "t8", "t9");
        // A target that never synced leaves no status (and no pipeline beyond the bound).
        SyncSettings failing = settings("never", 0).with("memory.fail", "true");
        assertThat(service.sync(failing).status()).isEqualTo(SyncStatus.FAILED);
        assertThat(service.statuses())
                .extracting(BackupService.TargetStatus::target)
                .doesNotContain("never");
        // One that synced before keeps showing its latest result, a failure included.
        assertThat(service.sync(settings("t11", 0).with("memory.fail", "true")).status())
                .isEqualTo(SyncStatus.FAILED);
        assertThat(service.statuses())
                .filteredOn(s -> s.target().equals("t11"))
                .singleElement()
                .satisfies(s -> assertThat(s.report().status()).isEqualTo(SyncStatus.FAILED));
        assertThat(service.statusJson()).allSatisfy(m -> assertThat(m).doesNotContainKey("message"));
        service.close();
    }

    @Test
    void aRunningPipelineIsNeverEvictedAndIdleOnesExpire() throws Exception {
        java.util.concurrent.atomic.AtomicReference<java.time.Instant> now =
                new java.util.concurrent.atomic.AtomicReference<>(java.time.Instant.parse("2026-12-01T00:00:00Z"));
        java.time.Clock clock = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return now.get();
            }
        };
        CountDownLatch started = new CountDownLatch(1);
        BackupService service = new BackupService(
                new RegistryPipelines(
                        ProviderRegistry.discover(),
                        "memory",
                        "directory",
                        s -> s.string("memory.name"),
                        List.of(new SyncListener() {
                            @Override
                            public void started(String source, List<String> destinations, boolean dryRun) {
                                if (source.contains("slow")) {
                                    started.countDown();
                                }
                            }
                        })),
                4,
                0,
                Duration.ofMinutes(10),
                100,
                clock);
        CompletableFuture<SyncReport> slow = CompletableFuture.supplyAsync(() -> service.sync(settings("slow", 1_500)));
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 5; i++) {
            service.sync(settings("quick" + i, 0));
        }
        assertThat(service.pipelines()).as("only the running one is kept").isEqualTo(1);
        assertThat(slow.get(60, TimeUnit.SECONDS).status()).isEqualTo(SyncStatus.SYNCED);
        assertThat(service.pipelines()).isZero();
        service.close();

        BackupService keeping = new BackupService(
                new RegistryPipelines(
                        ProviderRegistry.discover(), "memory", "directory", s -> s.string("memory.name"), List.of()),
                4,
                10,
                Duration.ofMinutes(10),
                100,
                clock);
        keeping.sync(settings("a", 0));
        keeping.sync(settings("b", 0));
        assertThat(keeping.pipelines()).isEqualTo(2);
        now.set(now.get().plus(Duration.ofMinutes(11)));
        keeping.sync(settings("c", 0));
        assertThat(keeping.pipelines()).as("a and b idle for 11 minutes").isEqualTo(1);
        keeping.close();
    }
}
