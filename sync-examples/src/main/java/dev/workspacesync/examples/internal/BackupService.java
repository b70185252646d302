package dev.workspacesync.examples.internal;

import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncPipeline;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.SyncStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs syncs on request, one pipeline per target. Requests for the same target coalesce (the pipeline
 * is single-flight: a request arriving during a run is covered by one follow-up run); different targets
 * run in parallel, at most {@code maxParallel} at once.
 *
 * <p>State stays bounded whatever callers send: pipelines of idle targets are closed and forgotten (the
 * least recently used beyond {@link #DEFAULT_IDLE_PIPELINES}, and any idle for
 * {@link #DEFAULT_IDLE_TIMEOUT}; a running one never), and the last result is remembered only for
 * targets that synced at least once ({@code SYNCED}, {@code NO_CHANGES} or {@code INCOMPLETE}), the
 * {@link #DEFAULT_STATUSES} most recent. A request that failed before its first success leaves nothing.
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

    /**
     * A target known before any request (a targets file): always listed by {@code /status}, with its
     * next scheduled run, and each run bounded by its timeout.
     *
     * @param target the name {@link PipelineFactory#target} gives its settings
     * @param timeout how long one run may take, or null for no limit
     * @param nextRun when it runs next on its schedule (empty: no schedule)
     */
    public record Configured(String target, Duration timeout, Supplier<Optional<Instant>> nextRun) {
        public Configured {
            Objects.requireNonNull(target, "target");
            nextRun = nextRun == null ? Optional::empty : nextRun;
        }
    }

    /** Idle pipelines kept for reuse (the most recently used). */
    public static final int DEFAULT_IDLE_PIPELINES = 32;
    /** How long an idle pipeline is kept. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);
    /** Targets whose last result {@code /status} shows (the most recent). */
    public static final int DEFAULT_STATUSES = 100;

    private final PipelineFactory factory;
    private final Semaphore parallel;
    private final int idlePipelines;
    private final Duration idleTimeout;
    private final int maxStatuses;
    private final Clock clock;
    // Guards the membership of slots and each slot's users; access order = least recently used first.
    private final Object lock = new Object();
    private final LinkedHashMap<String, Slot> slots = new LinkedHashMap<>(16, 0.75f, true);
    // Guarded by itself; insertion order = least recently finished first.
    private final LinkedHashMap<String, TargetStatus> statuses = new LinkedHashMap<>();
    private volatile boolean closed;
    private volatile Map<String, Configured> configured = Map.of();
    // Consecutive failed runs per target (guarded by statuses), reset by a success.
    private final Map<String, Integer> failures = new LinkedHashMap<>();
    // Runs with a timeout go here, so the caller can stop waiting (and interrupt the run) at the timeout.
    private final ExecutorService timed = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "workspace-sync-run");
        t.setDaemon(true);
        return t;
    });

    /**
     * One target: its pipeline, the settings it was built from, and how many callers are using it. A
     * target holds one permit of the parallelism bound while anyone uses it, so callers of the same
     * target never wait for each other's permits and still coalesce in the pipeline.
     */
    private static final class Slot {
        private String fingerprint;
        private SyncPipeline pipeline;
        private int active;
        // Callers holding this slot (guarded by BackupService.lock): a slot in use is never evicted.
        private int users;
        private Instant idleSince;
    }

    public BackupService(PipelineFactory factory, int maxParallel) {
        this(factory, maxParallel, DEFAULT_IDLE_PIPELINES, DEFAULT_IDLE_TIMEOUT, DEFAULT_STATUSES, Clock.systemUTC());
    }

    /**
     * @param idlePipelines idle pipelines kept for reuse
     * @param idleTimeout how long an idle pipeline is kept
     * @param maxStatuses targets whose last result is remembered
     * @param clock for idle times and finish times
     */
    public BackupService(
            PipelineFactory factory,
            int maxParallel,
            int idlePipelines,
            Duration idleTimeout,
            int maxStatuses,
            Clock clock) {
        this.factory = Objects.requireNonNull(factory, "factory");
        if (maxParallel < 1) {
            throw new IllegalArgumentException("maxParallel must be at least 1");
        }
        if (idlePipelines < 0 || maxStatuses < 1) {
            throw new IllegalArgumentException("idlePipelines must be >= 0 and maxStatuses >= 1");
        }
        this.parallel = new Semaphore(maxParallel, true);
        this.idlePipelines = idlePipelines;
        this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
        this.maxStatuses = maxStatuses;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Declares the targets of a targets file: listed by {@code /status} before they run, with timeouts. */
    public void configure(List<Configured> targets) {
        Map<String, Configured> map = new LinkedHashMap<>();
        targets.forEach(t -> map.put(t.target(), t));
        this.configured = Map.copyOf(map);
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
        Slot slot;
        synchronized (lock) {
            slot = slots.computeIfAbsent(target, t -> new Slot());
            slot.users++;
        }
        try {
            return run(target, fingerprint, settings, slot);
        } finally {
            List<SyncPipeline> evicted;
            synchronized (lock) {
                slot.users--;
                if (slot.users == 0) {
                    slot.idleSince = clock.instant();
                }
                evicted = evictIdle();
            }
            evicted.forEach(SyncPipeline::close);
        }
    }

    private SyncReport run(String target, String fingerprint, SyncSettings settings, Slot slot) {
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
        Configured config = configured.get(target);
        if (config != null && config.timeout() != null) {
            return runTimed(target, pipeline, slot, config.timeout());
        }
        SyncReport report;
        try {
            report = pipeline.run();
            // Recorded while the target still counts as active, so shutdown and /health agree on it.
            record(target, report);
        } finally {
            finished(slot);
        }
        return report;
    }

    private void finished(Slot slot) {
        synchronized (slot) {
            slot.active--;
            if (slot.active == 0) {
                parallel.release();
            }
            slot.notifyAll();
        }
    }

    /**
     * Runs on its own thread and waits at most {@code timeout}: past it the run is interrupted (the
     * pipeline has no cancellation of its own; JGit and HTTP calls end on an interrupt) and reported failed.
     * The target stays active, holding its permit, until the interrupted run has really ended, so the
     * next run never shares its working copy with it.
     */
    private SyncReport runTimed(String target, SyncPipeline pipeline, Slot slot, Duration timeout) {
        Instant startedAt = clock.instant();
        long start = System.nanoTime();
        Future<SyncReport> future;
        try {
            future = timed.submit(() -> {
                try {
                    SyncReport report = pipeline.run();
                    record(target, report);
                    return report;
                } finally {
                    finished(slot);
                }
            });
        } catch (RejectedExecutionException e) {
            finished(slot);
            throw new IllegalStateException("the service is shutting down", e);
        }
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            String message = "Sync of " + target + " timed out after " + describe(timeout)
                    + " (its timeout) and was stopped; nothing past what landed is recorded";
            LOG.warn("{}", message);
            SyncReport report = new SyncReport(
                    SyncStatus.FAILED,
                    target,
                    null,
                    startedAt,
                    Duration.ofNanos(System.nanoTime() - start),
                    false,
                    List.of(),
                    message,
                    new dev.workspacesync.core.SyncException(message));
            record(target, report);
            return report;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new IllegalStateException("interrupted while waiting for a sync", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
    }

    private static String describe(Duration d) {
        long s = d.toSeconds();
        return s % 3600 == 0 && s > 0
                ? s / 3600 + " h"
                : s % 60 == 0 && s > 0 ? s / 60 + " min" : d.toMillis() >= 1000 ? s + " s" : d.toMillis() + " ms";
    }

    /**
     * Removes idle slots beyond the bound or past the idle timeout (least recently used first), and slots
     * whose pipeline could not be built; returns their pipelines, to be closed outside the lock.
     */
    private List<SyncPipeline> evictIdle() {
        List<SyncPipeline> evicted = new ArrayList<>();
        int idle = 0;
        for (Slot slot : slots.values()) {
            if (slot.users == 0) {
                idle++;
            }
        }
        Instant now = clock.instant();
        Iterator<Slot> it = slots.values().iterator();
        while (it.hasNext()) {
            Slot slot = it.next();
            if (slot.users > 0) {
                continue;
            }
            boolean expired =
                    slot.idleSince != null && slot.idleSince.plus(idleTimeout).isBefore(now);
            if (idle > idlePipelines || expired || slot.pipeline == null) {
                it.remove();
                idle--;
                if (slot.pipeline != null) {
                    evicted.add(slot.pipeline);
                }
            }
        }
        return evicted;
    }

    /** The number of pipelines kept (running or idle). */
    public int pipelines() {
        synchronized (lock) {
            return slots.size();
        }
    }

    /**
     * Remembers a result: for a target that synced at least once (this time or before), the most recent
     * targets only.
     */
    private void record(String target, SyncReport report) {
        boolean success = report.status() == SyncStatus.SYNCED
                || report.status() == SyncStatus.NO_CHANGES
                || report.status() == SyncStatus.INCOMPLETE;
        synchronized (statuses) {
            TargetStatus old = statuses.get(target);
            boolean known = configured.containsKey(target);
            if (old == null && !success && !known) {
                return; // never synced: a typo, a dead remote or a refused token leaves no entry
            }
            if (old != null && old.report().startedAt().isAfter(report.startedAt())) {
                return;
            }
            if (success) {
                failures.remove(target);
            } else {
                failures.merge(target, 1, Integer::sum);
            }
            statuses.remove(target);
            statuses.put(target, new TargetStatus(target, report, clock.instant()));
            Iterator<String> oldest = statuses.keySet().iterator();
            while (statuses.size() > maxStatuses + configured.size() && oldest.hasNext()) {
                String dropped = oldest.next();
                if (!configured.containsKey(dropped)) {
                    oldest.remove();
                    failures.remove(dropped);
                }
            }
        }
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
        synchronized (statuses) {
            return statuses.values().stream()
                    .sorted((a, b) -> a.target().compareTo(b.target()))
                    .toList();
        }
    }

    /**
     * Statuses as plain maps for JSON. Only the target name (validated fields, URLs without userinfo) and
     * numbers: a report's message may quote a remote's answer, so it stays in the log and the
     * {@code /sync} answer.
     */
    public List<Map<String, Object>> statusJson() {
        List<Map<String, Object>> list = new ArrayList<>(statuses().stream()
                .map(s -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("target", s.target());
                    m.put("status", s.report().status().name());
                    m.put("added", s.report().added());
                    m.put("updated", s.report().updated());
                    m.put("deleted", s.report().deleted());
                    // An incomplete backup names what it could not carry (the first 100).
                    m.put(
                            "skipped",
                            s.report().skipped().stream()
                                    .limit(100)
                                    .map(k -> Map.of("path", k.path(), "reason", k.reason()))
                                    .toList());
                    m.put("finishedAt", s.finishedAt().toString());
                    return m;
                })
                .toList());
        // Configured targets that never ran are listed too, and each gets its schedule and failure count.
        Map<String, Configured> targets = configured;
        for (String name : targets.keySet()) {
            if (list.stream().noneMatch(m -> name.equals(m.get("target")))) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("target", name);
                m.put("status", null);
                list.add(m);
            }
        }
        list.sort((a, b) -> String.valueOf(a.get("target")).compareTo(String.valueOf(b.get("target"))));
        synchronized (statuses) {
            for (Map<String, Object> m : list) {
                String name = String.valueOf(m.get("target"));
                m.put("consecutiveFailures", failures.getOrDefault(name, 0));
                Configured config = targets.get(name);
                if (config != null) {
                    m.put(
                            "nextRun",
                            config.nextRun().get().map(Instant::toString).orElse(null));
                }
            }
        }
        return list;
    }

    /**
     * Refuses new requests, waits up to {@code timeout} for running syncs to finish, and closes every
     * pipeline. Returns whether everything finished in time.
     */
    public boolean shutdown(Duration timeout) {
        closed = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean finished = true;
        List<Slot> all;
        synchronized (lock) {
            all = new ArrayList<>(slots.values());
        }
        for (Slot slot : all) {
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
        timed.shutdown();
        return finished;
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(30));
    }
}
