package dev.workspacesync.databricks.internal;

import dev.workspacesync.core.DestinationException;
import java.time.Duration;

/**
 * A workspace request failed. Carries the HTTP status and Databricks error code the server sent, and
 * whether the failure is worth retrying (429, 502, 503, 504, a dropped connection), or on the contrary
 * {@linkplain #stopsRun() ends the run} (the host cannot be reached, or retrying ran out of time).
 */
public final class WorkspaceException extends DestinationException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String errorCode;
    private final String detail;
    private final boolean stopsRun;

    WorkspaceException(
            String message, Throwable cause, int status, String errorCode, boolean retryable, Duration retryAfter) {
        this(message, cause, status, errorCode, retryable, retryAfter, null, false);
    }

    private WorkspaceException(
            String message,
            Throwable cause,
            int status,
            String errorCode,
            boolean retryable,
            Duration retryAfter,
            String detail,
            boolean stopsRun) {
        super(message, cause, retryable, retryAfter);
        this.status = status;
        this.errorCode = errorCode == null ? "" : errorCode;
        this.detail = detail;
        this.stopsRun = stopsRun;
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

    /**
     * Whether {@code export} refused the object for its size (10 MB): {@code MAX_NOTEBOOK_SIZE_EXCEEDED},
     * {@code MAX_READ_SIZE_EXCEEDED}, or a 400 saying "exceeded max size" (files with {@code direct_download}).
     */
    public boolean exceedsExportLimit() {
        String message = String.valueOf(getMessage());
        return errorCode.equals("MAX_NOTEBOOK_SIZE_EXCEEDED")
                || errorCode.equals("MAX_READ_SIZE_EXCEEDED")
                || (status == 400
                        && (message.contains("exceeded max size")
                                || message.contains("size exceeded limit")
                                || message.contains("Size exceeds")));
    }

    /** The failure in a few words ("503 TEMPORARILY_UNAVAILABLE: …", "connection refused"). */
    public String cause() {
        return detail != null ? detail : String.valueOf(getMessage());
    }

    /**
     * Whether the rest of the run should not be tried: the host cannot be reached or kept failing until
     * retries ran out, so every other request would only wait the same way.
     */
    public boolean stopsRun() {
        return stopsRun;
    }

    WorkspaceException withCause(String cause) {
        WorkspaceException e = new WorkspaceException(
                getMessage(),
                getCause(),
                status,
                errorCode,
                isRetryable(),
                retryAfter().orElse(null),
                cause,
                stopsRun);
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** This failure, final: not retryable (neither here nor by the pipeline) and ending the run. */
    WorkspaceException givenUp(String message) {
        WorkspaceException e = new WorkspaceException(
                message == null ? getMessage() : message, getCause(), status, errorCode, false, null, detail, true);
        e.setStackTrace(getStackTrace());
        return e;
    }
}
