package dev.workspacesync.git.internal;

import dev.workspacesync.core.Endpoint;
import dev.workspacesync.core.HttpRequests;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.Proxy;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory;
import org.eclipse.jgit.util.TemporaryBuffer;

/**
 * JGit's HTTP connection over core's {@link HttpRequests}, for a remote whose host {@link java.net.URI}
 * cannot hold (a Docker Compose name such as {@code git_server}). JGit cannot reach such a host itself: its
 * proxy lookup builds a {@code java.net.URI} from the host and fails with "Cannot determine proxy". So
 * fetch and push are given the remote by address ({@link GitAuth#remote}), and this connection sends each
 * request to the named endpoint through core, which puts the name in the {@code Host} header. Plain http
 * only (core refuses https to such hosts). A request body is buffered (spilling to a temporary file) and
 * sent with its length.
 */
final class RoutedHttpConnection implements HttpConnection {
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private final URL url;
    private final Endpoint endpoint;
    private final HttpClient client;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String method = "GET";
    private int readTimeoutMillis;
    private boolean doOutput;
    private TemporaryBuffer.LocalFile body;
    private HttpResponse<InputStream> response;

    private RoutedHttpConnection(URL url, Endpoint endpoint, HttpClient client) {
        this.url = url;
        this.endpoint = endpoint;
        this.client = client;
    }

    /**
     * A factory for one remote: JGit's URLs name {@code address} (host:port as given to JGit); each request
     * goes to the same path on {@code named}, the remote as configured.
     */
    static HttpConnectionFactory factory(String address, Endpoint named) {
        HttpClient client = HttpRequests.newClient()
                .connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        return new HttpConnectionFactory() {
            @Override
            public HttpConnection create(URL u) throws IOException {
                return create(u, Proxy.NO_PROXY);
            }

            @Override
            public HttpConnection create(URL u, Proxy proxy) throws IOException {
                if (!u.getAuthority().equals(address)) {
                    throw new IOException("Refusing to send a request for " + named.display() + " to another host");
                }
                String file = u.getFile();
                Endpoint target = new Endpoint(
                        named.scheme(),
                        named.host(),
                        named.port(),
                        file.isEmpty() ? "/" : file,
                        java.util.Optional.empty(),
                        java.util.Optional.empty());
                return new RoutedHttpConnection(u, target, client);
            }
        };
    }

    @Override
    public int getResponseCode() throws IOException {
        return send().statusCode();
    }

    @Override
    public URL getURL() {
        return url;
    }

    @Override
    public String getResponseMessage() throws IOException {
        int status = getResponseCode();
        return switch (status) {
            case 200 -> "OK";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            default -> "HTTP " + status;
        };
    }

    @Override
    public Map<String, List<String>> getHeaderFields() {
        try {
            Map<String, List<String>> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            fields.putAll(send().headers().map());
            return Collections.unmodifiableMap(fields);
        } catch (IOException e) {
            return Map.of();
        }
    }

    @Override
    public void setRequestProperty(String key, String value) {
        if (!RESTRICTED.contains(key.toLowerCase(Locale.ROOT))) {
            headers.put(key, value);
        }
    }

    @Override
    public void setRequestMethod(String method) {
        this.method = method;
    }

    @Override
    public void setUseCaches(boolean usecaches) {
        // no cache in between
    }

    @Override
    public void setConnectTimeout(int timeout) {
        // the client's connect timeout (30 s) applies
    }

    @Override
    public void setReadTimeout(int timeout) {
        this.readTimeoutMillis = timeout;
    }

    @Override
    public String getContentType() {
        return getHeaderField("Content-Type");
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return send().body();
    }

    @Override
    public String getHeaderField(String name) {
        List<String> values = getHeaderFields(name);
        return values.isEmpty() ? null : values.get(0);
    }

    @Override
    public List<String> getHeaderFields(String name) {
        try {
            return send().headers().allValues(name);
        } catch (IOException e) {
            return List.of();
        }
    }

    @Override
    public int getContentLength() {
        String length = getHeaderField("Content-Length");
        try {
            return length == null ? -1 : Integer.parseInt(length.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void setInstanceFollowRedirects(boolean followRedirects) {
        // JGit follows redirects itself
    }

    @Override
    public void setDoOutput(boolean dooutput) {
        this.doOutput = dooutput;
    }

    @Override
    public void setFixedLengthStreamingMode(int contentLength) {
        // the body is buffered and sent with its length
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        if (body == null) {
            body = new TemporaryBuffer.LocalFile(null);
            doOutput = true;
        }
        return body;
    }

    @Override
    public void setChunkedStreamingMode(int chunklen) {
        // the body is buffered and sent with its length
    }

    @Override
    public String getRequestMethod() {
        return method;
    }

    @Override
    public boolean usingProxy() {
        return false;
    }

    @Override
    public void connect() throws IOException {
        send();
    }

    @Override
    public void configure(KeyManager[] km, TrustManager[] tm, SecureRandom random) {
        // plain http only: core refuses https to hosts this connection is for
    }

    @Override
    public void setHostnameVerifier(HostnameVerifier hostnameverifier) {
        // plain http only
    }

    private HttpResponse<InputStream> send() throws IOException {
        if (response != null) {
            return response;
        }
        HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.noBody();
        if (doOutput && body != null) {
            body.close();
            long length = body.length();
            TemporaryBuffer.LocalFile buffer = body;
            publisher = HttpRequest.BodyPublishers.fromPublisher(
                    HttpRequest.BodyPublishers.ofInputStream(() -> {
                        try {
                            return buffer.openInputStream();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }),
                    length);
        }
        HttpRequest.Builder request = HttpRequests.newRequest(endpoint).method(method, publisher);
        if (readTimeoutMillis > 0) {
            request.timeout(Duration.ofMillis(readTimeoutMillis));
        }
        List<String> flat = new ArrayList<>();
        headers.forEach((k, v) -> {
            flat.add(k);
            flat.add(v);
        });
        if (!flat.isEmpty()) {
            request.headers(flat.toArray(String[]::new));
        }
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            return response;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted during " + method + " " + endpoint.display());
        } finally {
            if (body != null) {
                body.destroy();
                body = null;
            }
        }
    }
}
