package dev.workspacesync.core;

import java.time.Duration;
import java.util.Objects;

/**
 * The overall time one run of an adapter may take talking to a remote service, retries included. Every
 * adapter uses one, so a down or unreachable host ends a run within a bounded time with a message naming
 * the host, instead of retrying for many minutes.
 *
 * <p>Start one per run with {@link #after(Duration)}; pass {@link #remaining()} (or {@link
 * #cap(Duration)} of a per-request timeout) to each request, and {@link RetryPolicy#call(java.util.function.Supplier,
 * Deadline, RetryPolicy.Listener)} stops retrying when it passes.
 */
public final class Deadline {
    /** The default overall deadline of a run's remote calls. */
    public static final Duration DEFAULT = Duration.ofSeconds(60);

    private final Duration total;
    private final long endNanos;

    private Deadline(Duration total) {
        this.total = total;
        this.endNanos = System.nanoTime() + total.toNanos();
    }

    /**
     * A deadline that passes {@code total} from now.
     *
     * @throws IllegalArgumentException if {@code total} is not positive
     */
    public static Deadline after(Duration total) {
        Objects.requireNonNull(total, "total");
        if (total.isNegative() || total.isZero()) {
            throw new IllegalArgumentException("a deadline must be positive: " + total);
        }
        return new Deadline(total);
    }

    /** The duration this deadline was started with. */
    public Duration total() {
        return total;
    }

    /** Time left, never negative. */
    public Duration remaining() {
        long left = endNanos - System.nanoTime();
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }

    /** Whether the deadline has passed. */
    public boolean expired() {
        return endNanos - System.nanoTime() <= 0;
    }

    /** The shorter of {@code timeout} and the time left (at least one millisecond). */
    public Duration cap(Duration timeout) {
        Duration left = remaining();
        Duration capped = timeout.compareTo(left) < 0 ? timeout : left;
        return capped.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : capped;
    }

    /**
     * The message for work given up because the deadline passed, naming what and where, and the setting
     * that changes it.
     */
    public String exceededMessage(String what, String settingKey) {
        return "gave up on " + what + " after " + total.toSeconds() + " s (" + settingKey
                + " sets how long to keep trying)";
    }

    @Override
    public String toString() {
        return "Deadline[" + total + ", " + remaining().toMillis() + " ms left]";
    }
}
