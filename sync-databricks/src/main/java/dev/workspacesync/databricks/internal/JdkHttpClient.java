package dev.workspacesync.databricks.internal;

import com.databricks.sdk.core.http.HttpClient;
import com.databricks.sdk.core.http.Request;
import com.databricks.sdk.core.http.Response;
import dev.workspacesync.core.HttpRequests;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The SDK's HTTP seam implemented with {@link java.net.http.HttpClient} instead of the SDK's Apache
 * HttpClient. The reason is secrecy: Apache HttpClient logs every request header, the
 * {@code Authorization} bearer token included, to its {@code org.apache.http.headers} and
 * {@code org.apache.http.wire} loggers at DEBUG, which an application that turns on debug logging would
 * then write to its logs. The JDK client logs nothing through SLF4J. Request bodies given as streams are
 * sent chunked, as they are read. Responses that carry OAuth tokens are handed to the SDK as streams,
 * which its debug log does not print.
 */
public final class JdkHttpClient implements HttpClient {
    /** Headers the JDK client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    /** Response fields that carry credentials. */
    private static final Pattern CREDENTIAL = Pattern.compile("\"(access_token|refresh_token|id_token)\"");

    private final java.net.http.HttpClient following;
    private final java.net.http.HttpClient notFollowing;
    private final Duration timeout;
    private final Duration connectTimeout;

    /** A client whose connect and request timeouts are {@code timeout}. */
    public JdkHttpClient(Duration timeout) {
        this(timeout, timeout);
    }

    /** A client with its own connect timeout (a down host should fail fast) and request timeout. */
    public JdkHttpClient(Duration connectTimeout, Duration timeout) {
        this.timeout = timeout;
        this.connectTimeout = connectTimeout;
        this.following = build(java.net.http.HttpClient.Redirect.NORMAL);
        this.notFollowing = build(java.net.http.HttpClient.Redirect.NEVER);
    }

    private java.net.http.HttpClient build(java.net.http.HttpClient.Redirect redirect) {
        return HttpRequests.newClient()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(redirect)
                .build();
    }

    @Override
    public Response execute(Request in) throws IOException {
        URI uri = in.getUri();
        HttpRequest.BodyPublisher body;
        if (in.isBodyString()) {
            body = HttpRequest.BodyPublishers.ofString(in.getBodyString(), StandardCharsets.UTF_8);
        } else if (in.isBodyStreaming()) {
            InputStream stream = in.getBodyStream();
            body = HttpRequest.BodyPublishers.ofInputStream(() -> stream);
        } else {
            body = HttpRequest.BodyPublishers.noBody();
        }
        // Through core: a Compose host such as dbx_host has no java.net.URI host, and the SDK builds its URIs
        // from the host string as given.
        HttpRequest.Builder request =
                HttpRequests.newRequest(uri).timeout(timeout).method(in.getMethod(), body);
        in.getHeaders().forEach((name, value) -> {
            if (!RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                request.header(name, value);
            }
        });
        // A request addressed by IP with the name in the Host header must not follow redirects: the JDK
        // would send that Host header wherever the redirect points.
        java.net.http.HttpClient client =
                in.getRedirectionBehavior().orElse(true) && !HttpRequests.routed(uri) ? following : notFollowing;
        HttpResponse<InputStream> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted during " + in.getMethod() + " " + uri.getPath());
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(response.headers().map());
        int status = response.statusCode();
        String reason = reason(status);
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        String accept = in.getHeaders().get("Accept");
        // As the SDK's own client: stream only what the caller asked for as non-JSON and got as non-JSON.
        if (accept != null && !accept.equals("application/json") && !contentType.startsWith("application/json")) {
            return new Response(in, uri.toURL(), status, reason, headers, response.body());
        }
        byte[] bytes;
        try (InputStream stream = response.body()) {
            bytes = stream.readAllBytes();
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (CREDENTIAL.matcher(text).find()) {
            // The SDK's debug log prints a String body in full, OAuth access tokens included; a stream body
            // is printed as "<InputStream>" and parses all the same.
            return new Response(in, uri.toURL(), status, reason, headers, new ByteArrayInputStream(bytes));
        }
        return new Response(in, uri.toURL(), status, reason, headers, text);
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> String.valueOf(status);
        };
    }
}
