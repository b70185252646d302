package dev.workspacesync.core;

import dev.workspacesync.core.internal.Holding;
import dev.workspacesync.core.spi.Destination;
import dev.workspacesync.core.spi.Source;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One source synced to one or more destinations. Embed it in a service or a script:
 *
 * <pre>{@code
 * try (SyncPipeline pipeline = SyncPipeline.builder()
 *         .source(source)
 *         .destination(destination)
 *         .build()) {
 *     SyncReport report = pipeline.run();
 * }
 * }</pre>
 *
 * <p>A run takes one snapshot, then for each destination plans, checks the plan against the
 * {@link DeletionGuard}, and applies it (unless this is a dry run). One destination failing does not stop
 * the others. Before planning, each destination is given only the files it {@linkplain
 * Destination#cannotHold can hold}; the others, and whatever the source could not offer, are listed as
 * skipped and make the run {@link SyncStatus#INCOMPLETE} (never {@code SYNCED}). {@link #run()} returns a {@link SyncReport} and does not throw for a failed sync;
 * misconfiguration throws {@link SyncConfigException} from {@link Builder#build()}.
 *
 * <p>Runs are single-flight: concurrent calls never overlap. Calls that arrive while a run is going are
 * coalesced into one follow-up run, and every caller receives the report of a run that started after its
 * call, so no trigger is lost and none runs twice.
 */
public final class SyncPipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyncPipeline.class);

    private final Source source;
    private final List<Destination> destinations;
    private final boolean dryRun;
    private final DeletionGuard guard;
    private final List<SyncListener> listeners;
    private final RetryPolicy retry;
    private final Redactor redactor;
    private final Clock clock;

    private final Object lock = new Object();
    private boolean running;
    private CompletableFuture<SyncReport> next;

    private SyncPipeline(Builder builder) {
        this.source = builder.source;
        this.destinations = List.copyOf(builder.destinations);
        this.dryRun = builder.dryRun;
        this.guard = builder.guard;
        this.listeners = List.copyOf(builder.listeners);
        this.retry = builder.retry;
        this.clock = builder.clock;
        List<Secret> secrets = new ArrayList<>(builder.secrets);
        secrets.addAll(source.secrets());
        destinations.forEach(d -> secrets.addAll(d.secrets()));
        this.redactor = Redactor.of(secrets);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The redactor that knows every secret of this pipeline's source, destinations and builder. */
    public Redactor redactor() {
        return redactor;
    }

    /**
     * Runs a sync, or joins the follow-up of the run in progress. Never throws for a failed sync.
     *
     * @throws SyncException only if the calling thread is interrupted while waiting
     */
    public SyncReport run() {
        CompletableFuture<SyncReport> mine;
        boolean runHere = false;
        synchronized (lock) {
            if (next == null) {
                next = new CompletableFuture<>();
            }
            mine = next;
            while (running && next == mine) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SyncException("Interrupted while waiting for a sync to finish", e);
                }
            }
            if (next == mine) {
                next = null;
                running = true;
                runHere = true;
            }
        }
        if (runHere) {
            try {
                mine.complete(runOnce());
            } catch (Throwable t) {
                mine.completeExceptionally(t);
            } finally {
                synchronized (lock) {
                    running = false;
                    lock.notifyAll();
                }
            }
        }
        try {
            return mine.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private SyncReport runOnce() {
        Instant startedAt = clock.instant();
        long start = System.nanoTime();
        List<String> targets = destinations.stream().map(Destination::target).toList();
        // One line at the start and one at the end of every run (finish), also as key-value pairs.
        String from = redactor.redact(source.describe());
        String to = redactor.redact(String.join(", ", targets));
        LOG.atInfo()
                .addKeyValue("event", "sync-started")
                .addKeyValue("source", from)
                .addKeyValue("destinations", to)
                .addKeyValue("dryRun", dryRun)
                .log("Sync started{}: {} -> {}", dryRun ? " (dry run)" : "", from, to);
        notifyListeners(l -> l.started(source.describe(), targets, dryRun));
        Snapshot snapshot;
        try {
            snapshot = retry.call(observed(source.type(), SyncListener.Operation.SNAPSHOT, source::snapshot));
        } catch (RuntimeException e) {
            SyncException cause = redactor.redact(e);
            String message = redactor.redact("Source " + source.describe() + " failed: " + e.getMessage());
            LOG.warn("{}", message);
            LOG.debug("Source failure", cause);
            return finish(new SyncReport(
                    SyncStatus.FAILED,
                    source.describe(),
                    null,
                    startedAt,
                    elapsed(start),
                    dryRun,
                    List.of(),
                    message,
                    cause));
        }
        notifyListeners(l -> l.snapshotTaken(snapshot));
        List<DestinationReport> reports = new ArrayList<>();
        for (Destination destination : destinations) {
            reports.add(sync(destination, snapshot));
        }
        SyncStatus status = overall(reports);
        String message = summary(status, snapshot, reports);
        return finish(new SyncReport(
                status,
                snapshot.source(),
                snapshot.revision().orElse(null),
                startedAt,
                elapsed(start),
                dryRun,
                reports,
                message,
                null));
    }

    private DestinationReport sync(Destination destination, Snapshot snapshot) {
        String target = destination.target();
        Destination.Progress progress = (path, bytes) -> notifyListeners(l -> l.transferred(target, path, bytes));
        AtomicReference<SyncPlan> lastPlan = new AtomicReference<>();
        Snapshot holdable;
        try {
            holdable = Holding.split(snapshot, destination);
        } catch (RuntimeException e) {
            return failed(destination, null, "Planning failed: ", e, snapshot.skipped());
        }
        if (!holdable.skipped().isEmpty()) {
            LOG.warn(
                    "{}",
                    redactor.redact(target + " does not receive "
                            + holdable.skipped().size() + " file(s): " + holdable.skipped()));
        }
        try {
            // A retry plans again: the destination's recorded state already holds what the failed
            // attempt delivered, so the new plan sends only the rest.
            return retry.call(observed(destination.type(), SyncListener.Operation.SYNC, () -> {
                lastPlan.set(null);
                SyncPlan plan = destination.plan(holdable);
                lastPlan.set(plan);
                return planGuardAndApply(destination, plan, progress, holdable.skipped());
            }));
        } catch (RuntimeException e) {
            SyncPlan plan = lastPlan.get();
            return failed(destination, plan, plan == null ? "Planning failed: " : "", e, holdable.skipped());
        }
    }

    private DestinationReport planGuardAndApply(
            Destination destination, SyncPlan plan, Destination.Progress progress, List<Skipped> skipped) {
        String target = destination.target();
        notifyListeners(l -> l.planned(target, plan));
        Optional<String> refusal = guard.check(plan);
        if (refusal.isPresent()) {
            LOG.warn("{}", redactor.redact(refusal.get()));
            return new DestinationReport(
                    destination.type(),
                    target,
                    SyncStatus.REFUSED,
                    0,
                    0,
                    0,
                    0,
                    redactor.redact(refusal.get()),
                    plan,
                    null,
                    redacted(skipped));
        }
        if (dryRun) {
            SyncStatus status = plan.isEmpty() ? SyncStatus.NO_CHANGES : SyncStatus.SYNCED;
            return new DestinationReport(
                    destination.type(),
                    target,
                    skipped.isEmpty() ? status : SyncStatus.INCOMPLETE,
                    plan.adds().size(),
                    plan.updates().size(),
                    plan.deletes().size(),
                    plan.bytes(),
                    redactor.redact("Dry run: " + plan.summary() + skippedSuffix(skipped)),
                    plan,
                    null,
                    redacted(skipped));
        }
        ApplyResult result = destination.apply(plan, progress);
        List<Skipped> all = new ArrayList<>(skipped);
        all.addAll(result.skipped());
        SyncStatus status = result.changedAnything() ? SyncStatus.SYNCED : SyncStatus.NO_CHANGES;
        String message = result.message().isEmpty()
                ? (status == SyncStatus.SYNCED
                        ? "%d added, %d updated, %d deleted"
                                .formatted(result.added(), result.updated(), result.deleted())
                        : "No changes")
                : result.message();
        return new DestinationReport(
                destination.type(),
                target,
                all.isEmpty() ? status : SyncStatus.INCOMPLETE,
                result.added(),
                result.updated(),
                result.deleted(),
                result.bytes(),
                redactor.redact(message + skippedSuffix(all)),
                plan,
                null,
                redacted(all));
    }

    private static String skippedSuffix(List<Skipped> skipped) {
        return skipped.isEmpty() ? "" : "; " + skipped.size() + " file(s) skipped";
    }

    private List<Skipped> redacted(List<Skipped> skipped) {
        List<Skipped> out = new ArrayList<>(skipped.size());
        for (Skipped s : skipped) {
            out.add(new Skipped(redactor.redact(s.path()), redactor.redact(s.reason())));
        }
        return out;
    }

    private DestinationReport failed(
            Destination destination, SyncPlan plan, String prefix, RuntimeException e, List<Skipped> skipped) {
        SyncException cause = redactor.redact(e);
        String message = redactor.redact(prefix + e.getMessage());
        LOG.warn("Sync to {} failed: {}", redactor.redact(destination.target()), message);
        LOG.debug("Destination failure", cause);
        return new DestinationReport(
                destination.type(),
                destination.target(),
                SyncStatus.FAILED,
                0,
                0,
                0,
                0,
                message,
                plan,
                cause,
                redacted(skipped));
    }

    private static SyncStatus overall(List<DestinationReport> reports) {
        Set<SyncStatus> statuses = new HashSet<>();
        reports.forEach(r -> statuses.add(r.status()));
        for (SyncStatus status :
                List.of(SyncStatus.FAILED, SyncStatus.REFUSED, SyncStatus.INCOMPLETE, SyncStatus.SYNCED)) {
            if (statuses.contains(status)) {
                return status;
            }
        }
        return SyncStatus.NO_CHANGES;
    }

    private String summary(SyncStatus status, Snapshot snapshot, List<DestinationReport> reports) {
        StringBuilder out = new StringBuilder(dryRun ? "Dry run of " : "")
                .append(snapshot.source())
                .append(" (")
                .append(snapshot.size())
                .append(" files")
                .append(
                        snapshot.skipped().isEmpty()
                                ? ""
                                : ", " + snapshot.skipped().size() + " not offered")
                .append("): ")
                .append(status);
        for (DestinationReport report : reports) {
            out.append("; ").append(report.target()).append(": ").append(report.message());
        }
        return redactor.redact(out.toString());
    }

    private SyncReport finish(SyncReport report) {
        notifyListeners(l -> l.finished(report));
        int skipped = report.skipped().size();
        LOG.atInfo()
                .addKeyValue("event", "sync-finished")
                .addKeyValue("status", report.status())
                .addKeyValue("source", redactor.redact(report.source()))
                .addKeyValue(
                        "destinations",
                        redactor.redact(String.join(
                                ", ",
                                destinations.stream().map(Destination::target).toList())))
                .addKeyValue("added", report.added())
                .addKeyValue("updated", report.updated())
                .addKeyValue("deleted", report.deleted())
                .addKeyValue("skipped", skipped)
                .addKeyValue("durationMs", report.duration().toMillis())
                .addKeyValue("dryRun", report.dryRun())
                .log(
                        "Sync finished: {} in {} ms ({} added, {} updated, {} deleted{}): {}",
                        report.status(),
                        report.duration().toMillis(),
                        report.added(),
                        report.updated(),
                        report.deleted(),
                        skipped == 0 ? "" : ", " + skipped + " skipped",
                        report.message());
        return report;
    }

    /** The action, telling listeners of each attempt's outcome and of each retry before it starts. */
    private <T> java.util.function.Supplier<T> observed(
            String adapter, SyncListener.Operation operation, java.util.function.Supplier<T> action) {
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        AtomicReference<Throwable> last = new AtomicReference<>();
        return () -> {
            int attempt = attempts.incrementAndGet();
            if (attempt > 1) {
                Throwable cause = last.get();
                notifyListeners(l -> l.retrying(adapter, operation, attempt, cause));
            }
            try {
                T result = action.get();
                notifyListeners(l -> l.called(adapter, operation, SyncListener.Outcome.SUCCESS));
                return result;
            } catch (RuntimeException e) {
                last.set(e);
                SyncListener.Outcome outcome = e instanceof SyncException s && s.isRetryable()
                        ? SyncListener.Outcome.RETRYABLE_FAILURE
                        : SyncListener.Outcome.FAILURE;
                notifyListeners(l -> l.called(adapter, operation, outcome));
                throw e;
            }
        };
    }

    private void notifyListeners(Consumer<SyncListener> event) {
        for (SyncListener listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                LOG.warn("Sync listener {} failed: {}", listener.getClass().getName(), redactor.redact(e.getMessage()));
            }
        }
    }

    private static Duration elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Closes the source and every destination; failures are logged. */
    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>(destinations);
        all.add(0, source);
        for (AutoCloseable closeable : all) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed: {}", closeable, redactor.redact(e.getMessage()));
            }
        }
    }

    /** Assembles a {@link SyncPipeline}; only the source and one destination are required. */
    public static final class Builder {
        private Source source;
        private final List<Destination> destinations = new ArrayList<>();
        private boolean dryRun;
        private DeletionGuard guard = DeletionGuard.defaults();
        private final List<SyncListener> listeners = new ArrayList<>();
        private RetryPolicy retry = RetryPolicy.defaults();
        private final List<Secret> secrets = new ArrayList<>();
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        public Builder source(Source source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /** Adds a destination; several fan out, each with its own plan and report. */
        public Builder destination(Destination destination) {
            destinations.add(Objects.requireNonNull(destination, "destination"));
            return this;
        }

        public Builder destinations(Collection<? extends Destination> more) {
            more.forEach(this::destination);
            return this;
        }

        /** Plan and report only; change nothing. */
        public Builder dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        /** Default: {@link DeletionGuard#defaults()}. */
        public Builder deletionGuard(DeletionGuard guard) {
            this.guard = Objects.requireNonNull(guard, "guard");
            return this;
        }

        public Builder listener(SyncListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Retries for transient failures of snapshot, plan and apply. Default: {@link RetryPolicy#defaults()}. */
        public Builder retryPolicy(RetryPolicy retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /** More secrets to scrub from messages (the source's and destinations' own are added already). */
        public Builder secrets(Collection<Secret> more) {
            more.forEach(s -> secrets.add(Objects.requireNonNull(s, "secret")));
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @throws SyncConfigException without a source, without a destination, or with two destinations for
         *     the same target
         */
        public SyncPipeline build() {
            List<String> problems = new ArrayList<>();
            if (source == null) {
                problems.add("A sync pipeline needs a source");
            }
            if (destinations.isEmpty()) {
                problems.add("A sync pipeline needs at least one destination");
            }
            Set<String> targets = new HashSet<>();
            for (Destination destination : destinations) {
                if (!targets.add(destination.type() + " " + destination.target())) {
                    problems.add("Destination " + destination.target() + " is listed twice");
                }
            }
            if (!problems.isEmpty()) {
                throw new SyncConfigException(problems);
            }
            return new SyncPipeline(this);
        }
    }
}
