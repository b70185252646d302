package dev.workspacesync.git.internal;

import dev.workspacesync.core.DestinationException;
import dev.workspacesync.core.SourceException;
import dev.workspacesync.core.SyncException;

/**
 * Which end of a pipeline a remote (or its cached clone) serves, so the code shared by the git source
 * and the git destination throws the exception type of its caller.
 */
public enum Side {
    /** The {@code git} source: failures are {@link SourceException}s. */
    SOURCE,
    /** The {@code git} destination: failures are {@link DestinationException}s. */
    DESTINATION;

    /** A failure that trying again will not mend. */
    public SyncException failure(String message) {
        return failure(message, null);
    }

    /** A failure that trying again will not mend, with its cause. */
    public SyncException failure(String message, Throwable cause) {
        return this == SOURCE ? new SourceException(message, cause) : new DestinationException(message, cause);
    }

    /** A failure that may pass when the same call is made again. */
    public SyncException transientFailure(String message, Throwable cause) {
        return this == SOURCE
                ? SourceException.transientFailure(message, cause, null)
                : DestinationException.transientFailure(message, cause, null);
    }
}
