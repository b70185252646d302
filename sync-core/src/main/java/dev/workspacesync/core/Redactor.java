package dev.workspacesync.core;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Scrubs every known secret from text and exceptions: messages, reports, log lines and HTTP responses
 * pass through one of these before anyone sees them. Besides the raw value it also removes the value's
 * URL-encoded form (secrets end up in query strings and URLs of error messages).
 */
public final class Redactor {
    /** What a secret is replaced with. */
    public static final String MASK = "****";

    private static final Redactor NONE = new Redactor(List.of());

    private final List<String> needles;

    private Redactor(List<String> needles) {
        this.needles = needles;
    }

    /** A redactor that knows no secrets. */
    public static Redactor none() {
        return NONE;
    }

    /** A redactor for these secrets. */
    public static Redactor of(Collection<Secret> secrets) {
        Set<String> needles = new LinkedHashSet<>();
        for (Secret secret : secrets) {
            if (secret == null) {
                continue;
            }
            String value = secret.reveal();
            needles.add(value);
            needles.add(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
        // Longest first, so a secret that contains another is removed whole.
        return new Redactor(needles.stream()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList());
    }

    /**
     * The text with every secret replaced by {@link #MASK}, and every {@code user:password@} of a URL in
     * it removed ({@link Endpoint#stripUserInfo}); null stays null.
     */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String result = Endpoint.stripUserInfo(text);
        for (String needle : needles) {
            if (result.contains(needle)) {
                result = result.replace(needle, MASK);
            }
        }
        return result;
    }

    /**
     * A copy of the exception, and of its causes, whose messages no longer contain any secret. The copy
     * keeps the original class name in its message and the original stack traces, so it is as useful in a
     * log as the original. Returns null for null.
     */
    public SyncException redact(Throwable error) {
        if (error == null) {
            return null;
        }
        return scrub(error, 0);
    }

    private SyncException scrub(Throwable error, int depth) {
        Throwable cause = error.getCause();
        SyncException scrubbedCause = cause == null || cause == error || depth > 20 ? null : scrub(cause, depth + 1);
        String message = error instanceof SyncException
                ? redact(error.getMessage())
                : error.getClass().getName() + (error.getMessage() == null ? "" : ": " + redact(error.getMessage()));
        // Keep the library's own exception types (and retryability), so callers can still tell a source's
        // failure from a destination's after redaction.
        SyncException copy;
        if (error instanceof SourceException s) {
            copy = new SourceException(
                    message, scrubbedCause, s.isRetryable(), s.retryAfter().orElse(null));
        } else if (error instanceof DestinationException d) {
            copy = new DestinationException(
                    message, scrubbedCause, d.isRetryable(), d.retryAfter().orElse(null));
        } else if (error instanceof SyncConfigException) {
            copy = new SyncConfigException(message, scrubbedCause);
        } else if (error instanceof SyncException s) {
            copy = new RedactedException(
                    message, scrubbedCause, s.isRetryable(), s.retryAfter().orElse(null));
        } else {
            copy = new RedactedException(message, scrubbedCause, false, null);
        }
        copy.setStackTrace(error.getStackTrace());
        return copy;
    }

    /** Exceptions whose messages went through a {@link Redactor}. */
    static final class RedactedException extends SyncException {
        private static final long serialVersionUID = 1L;

        RedactedException(String message, Throwable cause, boolean retryable, java.time.Duration retryAfter) {
            super(message, cause, retryable, retryAfter);
        }
    }
}
