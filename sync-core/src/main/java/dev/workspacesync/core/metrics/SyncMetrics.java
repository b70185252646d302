package dev.workspacesync.core.metrics;

import dev.workspacesync.core.DestinationReport;
import dev.workspacesync.core.SyncListener;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Records sync runs into a Micrometer {@link MeterRegistry}, so a service embedding the library gets the
 * numbers the CLI's {@code serve} exposes. Make one per registry and add {@link #listener(String) a
 * listener} per target to each pipeline:
 *
 * <pre>{@code
 * SyncMetrics metrics = new SyncMetrics(registry);
 * SyncPipeline pipeline = SyncPipeline.builder()
 *         .source(source).destination(destination)
 *         .listener(metrics.listener("nightly-backup"))
 *         .build();
 * }</pre>
 *
 * <p>Meters (Micrometer names; a Prometheus registry renders {@code workspace.sync.runs} as {@code
 * workspace_sync_runs_total}, durations in seconds):
 *
 * <ul>
 *   <li>{@code workspace.sync.runs} counter {@code target, status} (status {@code synced|no_changes|
 *       refused|failed|incomplete}, every one registered at 0 when the target's listener is made)
 *   <li>{@code workspace.sync.run.duration} timer {@code target, status}, with histogram buckets
 *   <li>{@code workspace.sync.files.transferred} counter {@code target, adapter, change} ({@code added|
 *       updated}), {@code workspace.sync.deletions} counter {@code target, adapter}, {@code
 *       workspace.sync.transferred} counter in bytes {@code target, adapter}, {@code
 *       workspace.sync.files.skipped} counter {@code target}
 *   <li>{@code workspace.sync.retries} counter {@code target, adapter, operation}; {@code
 *       workspace.sync.requests} counter {@code target, adapter, operation, outcome} (each attempt of a
 *       snapshot or of a destination's plan-and-apply; outcome {@code success|retryable_failure|failure})
 *   <li>{@code workspace.sync.last.success.timestamp} gauge in seconds {@code target}: when the last
 *       {@code synced} or {@code no_changes} run finished (Unix time; 0 before the first one)
 *   <li>{@code workspace.sync.running} gauge {@code target}: runs in progress
 * </ul>
 *
 * <p>Dry runs are not recorded (their counts are planned, not transferred), except their requests and
 * retries, which were real. Labels stay bounded: {@code adapter} is a provider type, the others are
 * enumerations, and {@code target} is what the caller names: pass a configured name, never text a
 * request supplied, or the registry grows with every caller.
 */
public final class SyncMetrics {
    /** What every meter's name starts with. */
    public static final String PREFIX = "workspace.sync";

    private static final Pattern TARGET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}");
    private static final Duration[] BUCKETS = {
        Duration.ofSeconds(1),
        Duration.ofSeconds(5),
        Duration.ofSeconds(15),
        Duration.ofSeconds(30),
        Duration.ofMinutes(1),
        Duration.ofMinutes(2),
        Duration.ofMinutes(5),
        Duration.ofMinutes(10),
        Duration.ofMinutes(30)
    };

    private final MeterRegistry registry;
    // Held here, strongly: Micrometer keeps only weak references to a gauge's object, and a target's
    // pipeline (with its listener) may be closed and made again while the gauge must keep its value.
    private final ConcurrentMap<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AtomicInteger> running = new ConcurrentHashMap<>();

    public SyncMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * A listener recording the runs of one target; listeners for the same target share their meters.
     *
     * @param target a configured name: 1 to 128 characters of letters, digits and {@code . _ : / @ -},
     *     starting with a letter or digit
     * @throws IllegalArgumentException for any other name
     */
    public SyncListener listener(String target) {
        Objects.requireNonNull(target, "target");
        if (!TARGET.matcher(target).matches()) {
            throw new IllegalArgumentException("A metrics target name takes 1 to 128 letters, digits and . _ : / @ -,"
                    + " starting with a letter or digit");
        }
        AtomicLong success = lastSuccess.computeIfAbsent(target, t -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(PREFIX + ".last.success.timestamp", value, v -> v.get() / 1000.0)
                    .baseUnit("seconds")
                    .description("When the last successful run (synced or no_changes) finished, Unix time")
                    .tag("target", t)
                    .register(registry);
            return value;
        });
        AtomicInteger inFlight = running.computeIfAbsent(target, t -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder(PREFIX + ".running", value, AtomicInteger::get)
                    .description("Runs in progress")
                    .tag("target", t)
                    .register(registry);
            return value;
        });
        for (SyncStatus status : SyncStatus.values()) {
            runs(target, status); // a rate needs a series from 0, before the first failure
        }
        return new Recorder(target, success, inFlight);
    }

    private Counter runs(String target, SyncStatus status) {
        return Counter.builder(PREFIX + ".runs")
                .description("Sync runs by how they ended")
                .tags("target", target, "status", label(status))
                .register(registry);
    }

    private static String label(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private final class Recorder implements SyncListener {
        private final String target;
        private final AtomicLong lastSuccess;
        private final AtomicInteger running;

        Recorder(String target, AtomicLong lastSuccess, AtomicInteger running) {
            this.target = target;
            this.lastSuccess = lastSuccess;
            this.running = running;
        }

        @Override
        public void started(String source, List<String> destinations, boolean dryRun) {
            running.incrementAndGet();
        }

        @Override
        public void finished(SyncReport report) {
            running.decrementAndGet();
            if (report.dryRun()) {
                return;
            }
            String status = label(report.status());
            runs(target, report.status()).increment();
            Timer.builder(PREFIX + ".run.duration")
                    .description("How long sync runs took")
                    .tags("target", target, "status", status)
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry)
                    .record(report.duration());
            for (DestinationReport d : report.destinations()) {
                String adapter = d.type();
                count(
                        "files.transferred",
                        "Files added or updated at a destination",
                        d.added(),
                        null,
                        "target",
                        target,
                        "adapter",
                        adapter,
                        "change",
                        "added");
                count(
                        "files.transferred",
                        "Files added or updated at a destination",
                        d.updated(),
                        null,
                        "target",
                        target,
                        "adapter",
                        adapter,
                        "change",
                        "updated");
                count(
                        "deletions",
                        "Files deleted at a destination",
                        d.deleted(),
                        null,
                        "target",
                        target,
                        "adapter",
                        adapter);
                count(
                        "transferred",
                        "Bytes sent to a destination",
                        d.bytes(),
                        "bytes",
                        "target",
                        target,
                        "adapter",
                        adapter);
            }
            count(
                    "files.skipped",
                    "Files some destination did not receive",
                    report.skipped().size(),
                    null,
                    "target",
                    target);
            if (report.succeeded()) {
                lastSuccess.set(report.startedAt().plus(report.duration()).toEpochMilli());
            }
        }

        private void count(String name, String description, long amount, String unit, String... tags) {
            Counter counter = Counter.builder(PREFIX + "." + name)
                    .description(description)
                    .baseUnit(unit)
                    .tags(tags)
                    .register(registry);
            if (amount > 0) {
                counter.increment(amount);
            }
        }

        @Override
        public void called(String adapter, Operation operation, Outcome outcome) {
            Counter.builder(PREFIX + ".requests")
                    .description("Calls of the pipeline on an adapter, each attempt counted")
                    .tags(
                            "target",
                            target,
                            "adapter",
                            adapter,
                            "operation",
                            label(operation),
                            "outcome",
                            label(outcome))
                    .register(registry)
                    .increment();
        }

        @Override
        public void retrying(String adapter, Operation operation, int attempt, Throwable cause) {
            Counter.builder(PREFIX + ".retries")
                    .description("Retries of an operation on an adapter after a transient failure")
                    .tags("target", target, "adapter", adapter, "operation", label(operation))
                    .register(registry)
                    .increment();
        }
    }
}
