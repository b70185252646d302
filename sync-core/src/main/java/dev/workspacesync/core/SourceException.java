package dev.workspacesync.core;

import java.time.Duration;

/** A source could not produce a complete snapshot. No snapshot is produced when this is thrown. */
public class SourceException extends SyncException {
    private static final long serialVersionUID = 1L;

    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }

    protected SourceException(String message, Throwable cause, boolean retryable, Duration retryAfter) {
        super(message, cause, retryable, retryAfter);
    }

    /** A failure that may pass if the same call is made again, after {@code retryAfter} if known. */
    public static SourceException transientFailure(String message, Throwable cause, Duration retryAfter) {
        return new SourceException(message, cause, true, retryAfter);
    }
}
