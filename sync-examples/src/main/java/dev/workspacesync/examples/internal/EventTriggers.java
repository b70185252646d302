package dev.workspacesync.examples.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns bursts of change events into few syncs, per target: a trailing-edge debounce with a maximum wait,
 * and at most one sync running plus one pending.
 *
 * <ul>
 *   <li>The first event of a burst opens a window; every further event pushes its end to {@code quiet}
 *       after itself, but never past {@code maxWait} after the first. A deploy of 20 items, sent one after
 *       the other within the quiet time, is one sync.
 *   <li>When a window closes while the target's sync runs, one follow-up sync is marked pending (however
 *       many windows close meanwhile): the running sync may have read the workspace before the change.
 * </ul>
 *
 * Windmill sends an event before its transaction commits, so the quiet time is also what lets the change
 * land before the sync reads it. Syncs run on their own threads, one per target at most.
 */
public final class EventTriggers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventTriggers.class);

    /**
     * How events are coalesced.
     *
     * @param quiet a window closes this long after its last event
     * @param maxWait and at the latest this long after its first
     */
    public record Timing(Duration quiet, Duration maxWait) {
        /** 2 s quiet, 30 s at most. */
        public static final Timing DEFAULT = new Timing(Duration.ofSeconds(2), Duration.ofSeconds(30));

        public Timing {
            Objects.requireNonNull(quiet, "quiet");
            Objects.requireNonNull(maxWait, "maxWait");
            if (quiet.isNegative() || maxWait.compareTo(quiet) < 0) {
                throw new IllegalArgumentException("need 0 <= quiet <= maxWait, got " + quiet + ", " + maxWait);
            }
        }
    }

    /** What an event did. */
    public enum Trigger {
        /** Opened a window: a sync starts when it closes. */
        SCHEDULED,
        /** Joined an open window. */
        COALESCED
    }

    private final Timing timing;
    private final Consumer<String> sync;
    private final ScheduledExecutorService timers;
    private final ExecutorService runs;
    // Guarded by itself.
    private final Map<String, State> states = new HashMap<>();
    private boolean closed;

    private static final class State {
        long firstNanos;
        ScheduledFuture<?> window;
        /** Which window is open: a timer of an older one that could not be cancelled in time does nothing. */
        long generation;

        boolean running;
        boolean pending;
        long events;
        long started;
    }

    /**
     * @param sync runs one target's sync and returns when it is done (its failures are its own to report)
     */
    public EventTriggers(Timing timing, Consumer<String> sync) {
        this.timing = Objects.requireNonNull(timing, "timing");
        this.sync = Objects.requireNonNull(sync, "sync");
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "workspace-sync-events"));
        this.runs = Executors.newCachedThreadPool(r -> daemon(r, "workspace-sync-event-sync"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Records an event for {@code target}.
     *
     * @throws IllegalStateException once closed
     */
    public Trigger trigger(String target) {
        synchronized (states) {
            if (closed) {
                throw new IllegalStateException("shutting down");
            }
            State state = states.computeIfAbsent(target, t -> new State());
            state.events++;
            long now = System.nanoTime();
            Trigger trigger;
            if (state.window == null) {
                state.firstNanos = now;
                trigger = Trigger.SCHEDULED;
            } else {
                state.window.cancel(false);
                trigger = Trigger.COALESCED;
            }
            long closeAt = Math.min(
                    now + timing.quiet().toNanos(),
                    state.firstNanos + timing.maxWait().toNanos());
            long generation = ++state.generation;
            state.window = timers.schedule(() -> windowClosed(target, generation), closeAt - now, TimeUnit.NANOSECONDS);
            return trigger;
        }
    }

    private void windowClosed(String target, long generation) {
        synchronized (states) {
            State state = states.get(target);
            if (closed || state == null || state.window == null || state.generation != generation) {
                return;
            }
            state.window = null;
            if (state.running) {
                state.pending = true;
                return;
            }
            start(target, state);
        }
    }

    /** Starts a sync of {@code target} (called holding the lock). */
    private void start(String target, State state) {
        state.running = true;
        state.started++;
        try {
            runs.execute(() -> run(target));
        } catch (RejectedExecutionException e) {
            state.running = false;
        }
    }

    private void run(String target) {
        try {
            sync.accept(target);
        } catch (RuntimeException e) {
            LOG.warn(
                    "Event-triggered sync of {} failed: {}",
                    target,
                    e.getClass().getName());
        } finally {
            synchronized (states) {
                State state = states.get(target);
                state.running = false;
                if (state.pending && !closed) {
                    state.pending = false;
                    start(target, state);
                }
            }
        }
    }

    /** How many syncs events have started for {@code target} so far. */
    public long started(String target) {
        synchronized (states) {
            State state = states.get(target);
            return state == null ? 0 : state.started;
        }
    }

    /**
     * Per target: {@code events} received, {@code syncs} started, {@code busy} while a window is open or a
     * sync runs or is pending, and {@code state} in words (for {@code /status}).
     */
    public Map<String, Map<String, Object>> status() {
        synchronized (states) {
            Map<String, Map<String, Object>> out = new java.util.TreeMap<>();
            states.forEach((target, s) -> out.put(
                    target,
                    Map.of(
                            "events",
                            s.events,
                            "syncs",
                            s.started,
                            "busy",
                            s.window != null || s.running || s.pending,
                            "state",
                            describe(s))));
            return out;
        }
    }

    private static String describe(State s) {
        if (s.running) {
            return s.pending
                    ? "running, one more pending"
                    : s.window != null ? "running, collecting events" : "running";
        }
        return s.window != null ? "collecting events" : "idle";
    }

    /** Whether {@code target} has an open window, a running or a pending sync. */
    public boolean busy(String target) {
        synchronized (states) {
            State state = states.get(target);
            return state != null && (state.window != null || state.running || state.pending);
        }
    }

    /**
     * Drops open windows and pending syncs and starts no more; a running sync carries on (the service's
     * shutdown waits for it). Idempotent.
     */
    @Override
    public void close() {
        synchronized (states) {
            closed = true;
            states.values().forEach(s -> {
                if (s.window != null) {
                    s.window.cancel(false);
                    s.window = null;
                }
                s.pending = false;
            });
        }
        timers.shutdownNow();
        runs.shutdown();
    }
}
