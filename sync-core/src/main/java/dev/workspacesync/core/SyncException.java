package dev.workspacesync.core;

import java.time.Duration;
import java.util.Optional;

/**
 * Root of the library's unchecked exceptions. Adapters wrap I/O, git and SDK errors in one of its
 * subtypes at their edge, keeping the cause.
 *
 * <p>An exception may be marked <em>retryable</em> (a transient condition such as a rate limit or a
 * dropped connection); {@link RetryPolicy} retries only those, waiting at least {@link #retryAfter()}
 * when the server said how long.
 */
public class SyncException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;
    private final Duration retryAfter;

    public SyncException(String message) {
        this(message, null, false, null);
    }

    public SyncException(String message, Throwable cause) {
        this(message, cause, false, null);
    }

    protected SyncException(String message, Throwable cause, boolean retryable, Duration retryAfter) {
        super(message, cause);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    /** Whether trying the same operation again may succeed. */
    public boolean isRetryable() {
        return retryable;
    }

    /** How long the other side asked us to wait before retrying, when it said so. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
