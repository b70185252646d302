package dev.workspacesync.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.RetryPolicy;
import dev.workspacesync.core.SyncPipeline;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncStatus;
import dev.workspacesync.core.testing.InMemoryDestination;
import dev.workspacesync.core.testing.InMemorySource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SyncMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SyncMetrics metrics = new SyncMetrics(registry);

    private static InMemorySource source() {
        InMemorySource source = new InMemorySource("project");
        for (int i = 0; i < 4; i++) {
            source.put("f" + i + ".txt", "content " + i);
        }
        return source;
    }

    private SyncPipeline pipeline(InMemorySource source, InMemoryDestination destination, RetryPolicy retry) {
        return SyncPipeline.builder()
                .source(source)
                .destination(destination)
                .retryPolicy(retry)
                .listener(metrics.listener("nightly"))
                .build();
    }

    private double runs(String status) {
        return registry.get("workspace.sync.runs")
                .tags("target", "nightly", "status", status)
                .counter()
                .count();
    }

    private double counter(String name, String... tags) {
        Counter counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void countsEveryOutcomeWithItsFilesBytesAndLastSuccess() {
        InMemorySource source = source();
        InMemoryDestination destination = new InMemoryDestination("d");
        try (SyncPipeline pipeline = pipeline(source, destination, RetryPolicy.none())) {
            assertThat(runs("failed")).as("registered at 0 before any run").isZero();
            SyncReport synced = pipeline.run();
            assertThat(synced.status()).isEqualTo(SyncStatus.SYNCED);
            assertThat(pipeline.run().status()).isEqualTo(SyncStatus.NO_CHANGES);
            source.put("f0.txt", "changed").remove("f1.txt");
            assertThat(pipeline.run().status()).isEqualTo(SyncStatus.SYNCED);
            source.clear(); // the deletion guard refuses wiping everything
            assertThat(pipeline.run().status()).isEqualTo(SyncStatus.REFUSED);
            source.put("f0.txt", "back").failWith(() -> InMemorySource.unreachable("down"));
            assertThat(pipeline.run().status()).isEqualTo(SyncStatus.FAILED);
        }
        assertThat(runs("synced")).isEqualTo(2);
        assertThat(runs("no_changes")).isEqualTo(1);
        assertThat(runs("refused")).isEqualTo(1);
        assertThat(runs("failed")).isEqualTo(1);
        assertThat(runs("incomplete")).isZero();

        String[] memory = {"target", "nightly", "adapter", "memory"};
        assertThat(counter("workspace.sync.files.transferred", "target", "nightly", "change", "added"))
                .isEqualTo(4);
        assertThat(counter("workspace.sync.files.transferred", "target", "nightly", "change", "updated"))
                .isEqualTo(1);
        assertThat(counter("workspace.sync.deletions", memory)).isEqualTo(1);
        long bytes = 4 * "content 0".length() + "changed".length();
        assertThat(counter("workspace.sync.transferred", memory)).isEqualTo(bytes);
        assertThat(registry.get("workspace.sync.transferred").counter().getId().getBaseUnit())
                .isEqualTo("bytes");

        Timer synced = registry.get("workspace.sync.run.duration")
                .tags("target", "nightly", "status", "synced")
                .timer();
        assertThat(synced.count()).isEqualTo(2);

        // Five snapshots: four returned, the last failed (not retryable: a plain SourceException).
        assertThat(counter(
                        "workspace.sync.requests",
                        "adapter",
                        "inmemory",
                        "operation",
                        "snapshot",
                        "outcome",
                        "success"))
                .isEqualTo(4);
        assertThat(counter("workspace.sync.requests", "adapter", "inmemory", "outcome", "failure"))
                .isEqualTo(1);
        assertThat(counter("workspace.sync.requests", "adapter", "memory", "operation", "sync", "outcome", "success"))
                .as("a refused plan is an answered call")
                .isEqualTo(4);

        Gauge last = registry.get("workspace.sync.last.success.timestamp")
                .tag("target", "nightly")
                .gauge();
        assertThat(last.getId().getBaseUnit()).isEqualTo("seconds");
        double now = System.currentTimeMillis() / 1000.0;
        assertThat(last.value()).isBetween(now - 600, now + 1);
        assertThat(registry.get("workspace.sync.running").gauge().value()).isZero();
    }

    @Test
    void aTransientFailureIsOneRetryAndTwoRequests() {
        AtomicInteger failures = new AtomicInteger();
        InMemoryDestination destination = new InMemoryDestination("d")
                .transientFailures(true)
                .failOn(p -> p.toString().equals("f2.txt") && failures.getAndIncrement() == 0);
        RetryPolicy quick = new RetryPolicy(3, Duration.ZERO, Duration.ZERO);
        try (SyncPipeline pipeline = pipeline(source(), destination, quick)) {
            assertThat(pipeline.run().status()).isEqualTo(SyncStatus.SYNCED);
        }
        assertThat(counter("workspace.sync.retries", "adapter", "memory", "operation", "sync"))
                .isEqualTo(1);
        assertThat(counter("workspace.sync.requests", "adapter", "memory", "outcome", "retryable_failure"))
                .isEqualTo(1);
        assertThat(counter("workspace.sync.requests", "adapter", "memory", "outcome", "success"))
                .isEqualTo(1);
        assertThat(runs("synced")).isEqualTo(1);
    }

    @Test
    void dryRunsAreNotRecordedAndLastSuccessStaysZero() {
        try (SyncPipeline pipeline = SyncPipeline.builder()
                .source(source())
                .destination(new InMemoryDestination("d"))
                .dryRun(true)
                .listener(metrics.listener("nightly"))
                .build()) {
            assertThat(pipeline.run().status()).isEqualTo(SyncStatus.SYNCED);
        }
        assertThat(runs("synced")).isZero();
        assertThat(counter("workspace.sync.files.transferred")).isZero();
        assertThat(registry.get("workspace.sync.last.success.timestamp").gauge().value())
                .isZero();
    }

    @Test
    void listenersOfOneTargetShareTheirMetersAndTheGaugeOutlivesThem() {
        for (int i = 0; i < 2; i++) {
            try (SyncPipeline pipeline = pipeline(source(), new InMemoryDestination("d" + i), RetryPolicy.none())) {
                pipeline.run();
            }
        }
        System.gc(); // the first listener is gone; the gauge must still read the shared value
        assertThat(runs("synced")).isEqualTo(2);
        assertThat(registry.find("workspace.sync.last.success.timestamp").gauges())
                .singleElement()
                .satisfies(g -> assertThat(g.value()).isPositive());
    }

    @Test
    void targetNamesAreBoundedAndPlain() {
        assertThatThrownBy(() -> metrics.listener("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> metrics.listener("a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> metrics.listener("x".repeat(129))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> metrics.listener("-flag")).isInstanceOf(IllegalArgumentException.class);
        assertThat(metrics.listener("team-a/backup.main@prod")).isNotNull();
        assertThat(registry.find("workspace.sync.runs").counters()).hasSize(5);
    }
}
