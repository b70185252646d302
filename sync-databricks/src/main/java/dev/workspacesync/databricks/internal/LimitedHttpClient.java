package dev.workspacesync.databricks.internal;

import com.databricks.sdk.core.http.HttpClient;
import com.databricks.sdk.core.http.Request;
import com.databricks.sdk.core.http.Response;
import dev.failsafe.RateLimiter;
import java.io.IOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps the SDK's HTTP client: every request, whoever makes it, first takes a permit from a client-side
 * rate limiter (the SDK stores a rate limit but never enforces it), and the {@code Retry-After} of the
 * last response on the calling thread is kept so that our own retry can honour it (the SDK's error
 * objects do not carry response headers).
 *
 * <p>When the sign-in method is pinned (a token, or OAuth client credentials), the SDK's host-metadata
 * probe ({@code GET /.well-known/databricks-config}, made when the configuration resolves) is answered
 * here with what a workspace implies: its OIDC endpoint under {@code /oidc}, the URL the SDK uses by
 * default. A pinned method needs nothing else from it; the probe would be one more request on every run,
 * and a workspace without the endpoint (older ones, the emulator) would make the SDK log a warning
 * ("Failed to resolve host metadata") on every run. Other methods (a profile, the SDK's chain) get the
 * real answer.
 */
public final class LimitedHttpClient implements HttpClient {
    private static final ThreadLocal<Duration> RETRY_AFTER = new ThreadLocal<>();
    private static final String HOST_METADATA = "/.well-known/databricks-config";

    private final HttpClient delegate;
    private final RateLimiter<Object> limiter;
    private final AtomicLong requests = new AtomicLong();
    private final boolean answerHostMetadata;

    /**
     * @param delegate the client that talks to the network
     * @param requestsPerSecond the most requests started per second; 0 or less for no limit
     */
    public LimitedHttpClient(HttpClient delegate, double requestsPerSecond) {
        this(delegate, requestsPerSecond, true);
    }

    /**
     * @param delegate the client that talks to the network
     * @param requestsPerSecond the most requests started per second; 0 or less for no limit
     * @param answerHostMetadata whether the host-metadata probe is answered here (a pinned sign-in method)
     */
    public LimitedHttpClient(HttpClient delegate, double requestsPerSecond, boolean answerHostMetadata) {
        this.delegate = delegate;
        this.answerHostMetadata = answerHostMetadata;
        this.limiter = requestsPerSecond > 0
                ? RateLimiter.smoothBuilder(Duration.ofNanos((long) (1_000_000_000L / requestsPerSecond)))
                        .withMaxWaitTime(Duration.ofDays(1))
                        .build()
                : null;
    }

    @Override
    public Response execute(Request request) throws IOException {
        RETRY_AFTER.remove();
        String url = request.getUrl();
        if (answerHostMetadata && request.getMethod().equals("GET") && url != null && url.endsWith(HOST_METADATA)) {
            String oidc = url.substring(0, url.length() - HOST_METADATA.length()) + "/oidc";
            return new Response(
                    request,
                    request.getUri().toURL(),
                    200,
                    "OK",
                    java.util.Map.of("Content-Type", java.util.List.of("application/json")),
                    "{\"oidc_endpoint\":\"" + oidc.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
        }
        if (limiter != null) {
            try {
                limiter.acquirePermit();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("Interrupted while waiting for the rate limiter");
            }
        }
        requests.incrementAndGet();
        Response response = delegate.execute(request);
        if (response.getStatusCode() == 429 || response.getStatusCode() == 503) {
            parseRetryAfter(response.getFirstHeader("Retry-After")).ifPresent(RETRY_AFTER::set);
        }
        return response;
    }

    /** HTTP requests sent through this client so far. */
    public long requests() {
        return requests.get();
    }

    /** The {@code Retry-After} of the last failed response on this thread, if it had one. */
    public static Optional<Duration> lastRetryAfter() {
        return Optional.ofNullable(RETRY_AFTER.get());
    }

    /** Seconds or an HTTP date; anything else is ignored. */
    static Optional<Duration> parseRetryAfter(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.trim();
        try {
            long seconds = Long.parseLong(v);
            return Optional.of(Duration.ofSeconds(Math.max(seconds, 0)));
        } catch (NumberFormatException e) {
            // not seconds; try a date
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
