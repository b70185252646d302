package dev.workspacesync.core;

import java.time.Duration;

/**
 * A destination could not plan or apply a sync. Whatever reached the destination before the failure
 * is recorded, so the next run finishes the job.
 */
public class DestinationException extends SyncException {
    private static final long serialVersionUID = 1L;

    public DestinationException(String message) {
        super(message);
    }

    public DestinationException(String message, Throwable cause) {
        super(message, cause);
    }

    protected DestinationException(String message, Throwable cause, boolean retryable, Duration retryAfter) {
        super(message, cause, retryable, retryAfter);
    }

    /** A failure that may pass if the same call is made again, after {@code retryAfter} if known. */
    public static DestinationException transientFailure(String message, Throwable cause, Duration retryAfter) {
        return new DestinationException(message, cause, true, retryAfter);
    }
}
