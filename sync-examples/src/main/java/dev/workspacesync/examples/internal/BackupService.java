package dev.workspacesync.examples.internal;

import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncPipeline;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncSettings;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs syncs on request, one pipeline per target. Requests for the same target coalesce (the pipeline
 * is single-flight: a request arriving during a run is covered by one follow-up run); different targets
 * run in parallel, at most {@code maxParallel} at once. Remembers the last result of every target.
 */
public final class BackupService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackupService.class);

    /** Builds pipelines from request settings and names their targets. */
    public interface PipelineFactory {
        /** A stable, secret-free name for what these settings sync (e.g. workspace → remote#branch). */
        String target(SyncSettings settings);

        /**
         * A pipeline for these settings.
         *
         * @throws SyncConfigException if the settings are unusable
         */
        SyncPipeline create(SyncSettings settings);
    }

    /** The last result of one target, free of secrets. */
    public record TargetStatus(String target, SyncReport report, Instant finishedAt) {}

    private final PipelineFactory factory;
    private final Semaphore parallel;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final Map<String, TargetStatus> statuses = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * One target: its pipeline, the settings it was built from, and how many callers are using it. A
     * target holds one permit of the parallelism bound while anyone uses it, so callers of the same
     * target never wait for each other's permits and still coalesce in the pipeline.
     */
    private static final class Slot {
        private String fingerprint;
        private SyncPipeline pipeline;
        private int active;
    }

    public BackupService(PipelineFactory factory, int maxParallel) {
        this.factory = Objects.requireNonNull(factory, "factory");
        if (maxParallel < 1) {
            throw new IllegalArgumentException("maxParallel must be at least 1");
        }
        this.parallel = new Semaphore(maxParallel, true);
    }

    /**
     * Syncs the target these settings name and waits for the report.
     *
     * @throws SyncConfigException if the settings are unusable (before anything runs)
     */
    public SyncReport sync(SyncSettings settings) {
        if (closed) {
            throw new IllegalStateException("the service is shutting down");
        }
        String target = factory.target(settings);
        String fingerprint = fingerprint(settings);
        Slot slot = slots.computeIfAbsent(target, t -> new Slot());
        SyncPipeline pipeline;
        synchronized (slot) {
            // Different settings for one target (a rotated token) wait until the running sync is done:
            // two pipelines must never share a target's working copy at once.
            while (slot.active > 0 && !fingerprint.equals(slot.fingerprint)) {
                waitOn(slot);
            }
            if (!fingerprint.equals(slot.fingerprint)) {
                SyncPipeline fresh = factory.create(settings);
                if (slot.pipeline != null) {
                    LOG.info("Settings for {} changed; using a new pipeline", target);
                    slot.pipeline.close();
                }
                slot.pipeline = fresh;
                slot.fingerprint = fingerprint;
            }
            if (slot.active == 0) {
                parallel.acquireUninterruptibly();
            }
            slot.active++;
            pipeline = slot.pipeline;
        }
        SyncReport report;
        try {
            report = pipeline.run();
            // Recorded while the target still counts as active, so shutdown and /health agree on it.
            statuses.merge(
                    target,
                    new TargetStatus(target, report, Instant.now()),
                    (old, now) -> old.report().startedAt().isAfter(now.report().startedAt()) ? old : now);
        } finally {
            synchronized (slot) {
                slot.active--;
                if (slot.active == 0) {
                    parallel.release();
                }
                slot.notifyAll();
            }
        }
        return report;
    }

    private static void waitOn(Object monitor) {
        try {
            monitor.wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a running sync", e);
        }
    }

    /** A digest of every value, so pipelines are reused only for identical settings. */
    private static String fingerprint(SyncSettings settings) {
        var digest = dev.workspacesync.core.SnapshotEntry.newSha256();
        for (String key : settings.keys()) {
            digest.update((key + "=" + settings.get(key).orElse("") + "\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return java.util.HexFormat.of().formatHex(digest.digest());
    }

    /** The targets with a sync running now, sorted (what a shutdown past its grace period abandons). */
    public List<String> runningTargets() {
        return slots.entrySet().stream()
                .filter(e -> {
                    synchronized (e.getValue()) {
                        return e.getValue().active > 0;
                    }
                })
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }

    /** The last result per target, sorted by target. */
    public List<TargetStatus> statuses() {
        return statuses.values().stream()
                .sorted((a, b) -> a.target().compareTo(b.target()))
                .toList();
    }

    /** Statuses as plain maps for JSON, messages already redacted by the pipelines. */
    public List<Map<String, Object>> statusJson() {
        return statuses().stream()
                .map(s -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("target", s.target());
                    m.put("status", s.report().status().name());
                    m.put("message", s.report().message());
                    m.put("added", s.report().added());
                    m.put("updated", s.report().updated());
                    m.put("deleted", s.report().deleted());
                    m.put("finishedAt", s.finishedAt().toString());
                    return m;
                })
                .toList();
    }

    /**
     * Refuses new requests, waits up to {@code timeout} for running syncs to finish, and closes every
     * pipeline. Returns whether everything finished in time.
     */
    public boolean shutdown(java.time.Duration timeout) {
        closed = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean finished = true;
        for (Slot slot : slots.values()) {
            synchronized (slot) {
                while (slot.active > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        finished = false;
                        break;
                    }
                    try {
                        slot.wait(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
                if (slot.pipeline != null && slot.active == 0) {
                    slot.pipeline.close();
                }
            }
        }
        return finished;
    }

    @Override
    public void close() {
        shutdown(java.time.Duration.ofSeconds(30));
    }
}
