package dev.workspacesync.core;

import java.util.Objects;

/**
 * The outcome of one read-only check of a source or destination: whether the server is reached, the
 * credentials accepted, the target readable or writable. Made by {@link dev.workspacesync.core.spi.Source#check()}
 * and {@link dev.workspacesync.core.spi.Destination#check()}, printed one per line by {@code workspace-sync
 * doctor}.
 *
 * <p>Texts hold no secret: name hosts, paths, users and setting keys, never a token.
 *
 * @param name the adapter's type, e.g. {@code git}; the first word of the printed line
 * @param status passed, failed, or passed with something to know (a {@link Status#WARNING})
 * @param detail what was checked and what was found, e.g. {@code reached https://host/repo (ls-remote,
 *     branch main exists)}
 * @param remedy what to do about a failure or warning, e.g. {@code set DATABRICKS_TOKEN to a valid token};
 *     empty when there is nothing to do
 */
public record Check(String name, Status status, String detail, String remedy) {
    /** How a check ended. */
    public enum Status {
        /** Checked and fine. */
        PASSED,
        /**
         * Not a failure, but worth knowing: something that cannot be known without writing (push
         * permission), or a target that does not exist yet and that the first run creates.
         */
        WARNING,
        /** Checked and broken: a sync would fail. */
        FAILED
    }

    public Check {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
        remedy = remedy == null ? "" : remedy;
    }

    /** A check that passed. */
    public static Check passed(String name, String detail) {
        return new Check(name, Status.PASSED, detail, "");
    }

    /** A check that passed with something to know, and what to do about it (may be empty). */
    public static Check warning(String name, String detail, String remedy) {
        return new Check(name, Status.WARNING, detail, remedy);
    }

    /** A check that failed, and what to do about it. */
    public static Check failed(String name, String detail, String remedy) {
        return new Check(name, Status.FAILED, detail, remedy);
    }

    /** Whether a sync can go on: {@link Status#PASSED} or {@link Status#WARNING}. */
    public boolean ok() {
        return status != Status.FAILED;
    }

    /** The same check with every secret in its texts replaced (a last guard; checks should hold none). */
    public Check redacted(Redactor redactor) {
        return new Check(name, status, redactor.redact(detail), redactor.redact(remedy));
    }
}
