package dev.workspacesync.examples.internal;

import dev.workspacesync.core.SyncListener;
import dev.workspacesync.core.SyncReport;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The correlation id of a sync: taken from a W3C {@code traceparent} header (its trace-id), else from
 * {@code X-Request-Id}, else generated (32 lowercase hex digits, a valid W3C trace-id). It is in the
 * logging context ({@link #MDC_KEY}) while the sync runs, so every log line of the run carries it, and in
 * the {@code /sync} answer and its {@code X-Request-Id} header.
 *
 * <p>Header values are checked before anything uses them: a {@code traceparent} must match the W3C
 * format (version, 32 hex trace-id not all zero, 16 hex parent-id not all zero, flags); an {@code
 * X-Request-Id} is 1 to {@value #MAX_REQUEST_ID} characters of letters, digits and {@code . _ : -}. Any
 * other value is replaced by a generated id and never logged (it may be hostile: control characters,
 * log-injection, or a very long line).
 */
public final class TraceIds {
    private static final Logger LOG = LoggerFactory.getLogger(TraceIds.class);
    /** The logging context's key; the JSON log lines show it as {@code traceId}. */
    public static final String MDC_KEY = "traceId";
    /** The request and response header. */
    public static final String REQUEST_ID = "X-Request-Id";
    /** The W3C trace context header. */
    public static final String TRACEPARENT = "traceparent";
    /** The longest {@code X-Request-Id} taken. */
    public static final int MAX_REQUEST_ID = 128;

    private static final Pattern PARENT =
            Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_REQUEST_ID + "}");
    private static final SecureRandom RANDOM = new SecureRandom();
    // The id each run was started under, by its report: a request that joined another's run (the
    // pipeline coalesces) answers with that run's id, the one in its log lines.
    private static final Map<SyncReport, String> RUNS = Collections.synchronizedMap(new WeakHashMap<>());

    private TraceIds() {}

    /** The id for a request with these header values (either may be null). */
    public static String of(String traceparent, String requestId) {
        String fromParent = traceparent == null ? null : traceId(traceparent.strip());
        if (fromParent != null) {
            return fromParent;
        }
        String fromRequest =
                requestId != null && SAFE.matcher(requestId.strip()).matches() ? requestId.strip() : null;
        String id = fromRequest != null ? fromRequest : generate();
        // Only lengths are logged: the values may be hostile.
        if (traceparent != null) {
            LOG.warn(
                    "Ignoring a malformed {} header ({} characters); trace id {}",
                    TRACEPARENT,
                    traceparent.length(),
                    id);
        }
        if (requestId != null && fromRequest == null) {
            LOG.warn(
                    "Ignoring an {} header that is not 1 to {} letters, digits and . _ : - ({} characters); trace id {}",
                    REQUEST_ID,
                    MAX_REQUEST_ID,
                    requestId.length(),
                    id);
        }
        return id;
    }

    /** The trace-id of a valid {@code traceparent}, or null. */
    static String traceId(String traceparent) {
        var m = PARENT.matcher(traceparent);
        if (!m.matches()) {
            return null;
        }
        String version = m.group(1);
        // Version 00 has exactly four parts; ff is forbidden; later versions may append fields.
        if (version.equals("ff") || (version.equals("00") && m.group(5) != null)) {
            return null;
        }
        if (m.group(2).chars().allMatch(c -> c == '0') || m.group(3).chars().allMatch(c -> c == '0')) {
            return null;
        }
        return m.group(2);
    }

    /** A new id: 16 random bytes as 32 lowercase hex digits. */
    public static String generate() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Puts {@code id} in the logging context until the returned handle is closed. */
    public static MDC.MDCCloseable inContext(String id) {
        return MDC.putCloseable(MDC_KEY, id);
    }

    /** Remembers, for each run's report, the id in the logging context of the thread that ran it. */
    public static final SyncListener RECORDER = new SyncListener() {
        @Override
        public void finished(SyncReport report) {
            String id = MDC.get(MDC_KEY);
            if (id != null) {
                RUNS.put(report, id);
            }
        }
    };

    /** The id the run of this report carried, or {@code fallback} if it carried none. */
    public static String ofRun(SyncReport report, String fallback) {
        String id = RUNS.get(report);
        return id == null ? fallback : id;
    }
}
