package dev.workspacesync.core;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * How often, and how patiently, to retry an operation that failed for a transient reason: exponential
 * backoff with jitter, or exactly the wait the server asked for ({@code Retry-After}) when it said one,
 * up to ten minutes. Built on Failsafe.
 *
 * @param maxAttempts attempts in all, at least 1 (1 means no retry)
 * @param initialDelay the wait before the second attempt; each further wait doubles
 * @param maxDelay the longest backoff wait (a server's {@code Retry-After} may ask for more)
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {
    private static final Duration LONGEST_SERVER_WAIT = Duration.ofMinutes(10);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= initialDelay <= maxDelay");
        }
    }

    /** Three attempts, waiting 1 s then 2 s (at most 30 s). */
    public static RetryPolicy defaults() {
        return new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    /** A single attempt. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
    }

    /** Runs the action, retrying {@link SyncException}s that are {@link SyncException#isRetryable()}. */
    public <T> T call(Supplier<T> action) {
        return call(
                action,
                e -> e instanceof SyncException s && s.isRetryable(),
                e -> e instanceof SyncException s ? s.retryAfter() : Optional.empty());
    }

    /**
     * Runs the action, retrying failures that {@code retryable} accepts, waiting what {@code retryAfter}
     * says when it says something. The last failure is rethrown as it was.
     */
    public <T> T call(
            Supplier<T> action, Predicate<Throwable> retryable, Function<Throwable, Optional<Duration>> retryAfter) {
        if (maxAttempts == 1) {
            return action.get();
        }
        dev.failsafe.RetryPolicy<T> policy = dev.failsafe.RetryPolicy.<T>builder()
                .handleIf((result, error) -> error != null && retryable.test(error))
                .withMaxAttempts(maxAttempts)
                .withDelayFn(ctx -> delay(ctx.getAttemptCount(), ctx.getLastException(), retryAfter))
                .build();
        try {
            return Failsafe.with(policy).get(action::get);
        } catch (FailsafeException e) {
            // Only checked exceptions are wrapped; a Supplier throws none, but keep the cause visible.
            throw new SyncException(e.getMessage(), e.getCause());
        }
    }

    /** Told before each retry, so a person sees "retrying (n/N)" instead of silence. */
    @FunctionalInterface
    public interface Listener {
        /** Nothing is told. */
        Listener NONE = (attempt, maxAttempts, wait, cause) -> {};

        /**
         * @param attempt the attempt about to start (2 for the first retry)
         * @param maxAttempts attempts in all
         * @param wait how long until it starts
         * @param cause why the previous attempt failed
         */
        void retrying(int attempt, int maxAttempts, Duration wait, Throwable cause);
    }

    /**
     * Runs the action like {@link #call(Supplier)}, but never past the deadline: no retry starts after it
     * (a wait that would end after it is not begun), and the listener hears of every retry. The last
     * failure is rethrown as it was.
     */
    public <T> T call(Supplier<T> action, Deadline deadline, Listener listener) {
        return call(
                action,
                e -> e instanceof SyncException s && s.isRetryable(),
                e -> e instanceof SyncException s ? s.retryAfter() : Optional.empty(),
                deadline,
                listener);
    }

    /** {@link #call(Supplier, Predicate, Function)} bounded by a deadline, with a listener for retries. */
    public <T> T call(
            Supplier<T> action,
            Predicate<Throwable> retryable,
            Function<Throwable, Optional<Duration>> retryAfter,
            Deadline deadline,
            Listener listener) {
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(listener, "listener");
        if (maxAttempts == 1) {
            return action.get();
        }
        dev.failsafe.RetryPolicy<T> policy = dev.failsafe.RetryPolicy.<T>builder()
                .handleIf((result, error) -> error != null && retryable.test(error))
                .abortIf((result, error) -> deadline.expired())
                .withMaxAttempts(maxAttempts)
                .withDelayFn(ctx -> delay(ctx.getAttemptCount(), ctx.getLastException(), retryAfter))
                .withMaxDuration(deadline.remaining().isZero() ? Duration.ofMillis(1) : deadline.remaining())
                .onRetryScheduled(e ->
                        listener.retrying(e.getAttemptCount() + 1, maxAttempts, e.getDelay(), e.getLastException()))
                .build();
        try {
            return Failsafe.with(policy).get(action::get);
        } catch (FailsafeException e) {
            throw new SyncException(e.getMessage(), e.getCause());
        }
    }

    private Duration delay(int attempts, Throwable error, Function<Throwable, Optional<Duration>> retryAfter) {
        Optional<Duration> asked = error == null ? Optional.empty() : retryAfter.apply(error);
        if (asked.isPresent() && !asked.get().isNegative()) {
            return asked.get().compareTo(LONGEST_SERVER_WAIT) > 0 ? LONGEST_SERVER_WAIT : asked.get();
        }
        long base = initialDelay.toMillis() << Math.min(Math.max(attempts - 1, 0), 20);
        long capped = Math.min(base, maxDelay.toMillis());
        long jitter = capped == 0 ? 0 : ThreadLocalRandom.current().nextLong(capped / 4 + 1);
        return Duration.ofMillis(Math.min(capped + jitter, maxDelay.toMillis()));
    }
}
