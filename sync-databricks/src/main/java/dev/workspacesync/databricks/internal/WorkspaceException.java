package dev.workspacesync.databricks.internal;

import dev.workspacesync.core.DestinationException;
import java.time.Duration;

/**
 * A workspace request failed. Carries the HTTP status and Databricks error code the server sent, and
 * whether the failure is worth retrying (429, 502, 503, 504, a dropped connection).
 */
public final class WorkspaceException extends DestinationException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String errorCode;

    WorkspaceException(
            String message, Throwable cause, int status, String errorCode, boolean retryable, Duration retryAfter) {
        super(message, cause, retryable, retryAfter);
        this.status = status;
        this.errorCode = errorCode == null ? "" : errorCode;
    }

    /** The HTTP status (523 for a connection error, as the SDK reports it), or 0 when there was none. */
    public int status() {
        return status;
    }

    /** The Databricks error code, e.g. {@code RESOURCE_DOES_NOT_EXIST}; "" when the server sent none. */
    public String errorCode() {
        return errorCode;
    }

    /** Whether the object (or its parent folder) does not exist. */
    public boolean isNotFound() {
        return status == 404 || errorCode.equals("RESOURCE_DOES_NOT_EXIST");
    }
}
