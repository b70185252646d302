package dev.workspacesync.core;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.Arrays;
import java.util.Locale;

/**
 * Builds {@link java.net.http} requests for an {@link Endpoint}: the one way every HTTP client of the
 * project (Windmill API, Databricks, notifications) addresses a host, including hosts {@link URI} cannot
 * hold.
 *
 * <p>The JDK's HTTP client refuses a URI without a server host ("unsupported URI"), and {@link URI} gives
 * a Docker Compose service name such as {@code windmill_server} none. For such a host this class resolves
 * the name itself ({@link InetAddress}: {@code /etc/hosts}, DNS, or {@code -Djdk.net.hosts.file}), sends the
 * request to the address as an IP-literal URI, and puts the real name in the {@code Host} header, so the
 * server (or a reverse proxy routing on it) sees exactly what it would from curl. Hosts that {@link URI}
 * accepts are left to the JDK unchanged.
 *
 * <p>The JDK restricts the {@code Host} header unless {@code jdk.httpclient.allowRestrictedHeaders} names
 * it when {@code java.net.http} first loads. This class adds {@code host} to that property when it loads,
 * and every client of the project is built through {@link #newClient()}, which loads it first. If the
 * embedding application used {@code java.net.http} earlier, a request to such a host fails with a message
 * saying to start the JVM with {@code -Djdk.httpclient.allowRestrictedHeaders=host}; other hosts are not
 * affected.
 *
 * <p>Only plain {@code http} is reached this way: the JDK's TLS cannot verify a certificate for such a
 * name ({@link Endpoint#requireHttp} refuses {@code https}), and nothing here weakens TLS.
 */
public final class HttpRequests {
    /** The JDK networking property that lifts the restriction on the {@code Host} header. */
    public static final String ALLOW_RESTRICTED_HEADERS = "jdk.httpclient.allowRestrictedHeaders";

    private static final boolean HOST_HEADER_ALLOWED = allowHostHeader();

    private HttpRequests() {}

    private static boolean allowHostHeader() {
        String current = System.getProperty(ALLOW_RESTRICTED_HEADERS);
        if (current == null || current.isBlank()) {
            System.setProperty(ALLOW_RESTRICTED_HEADERS, "host");
        } else if (Arrays.stream(current.split(","))
                .noneMatch(h -> h.strip().toLowerCase(Locale.ROOT).equals("host"))) {
            System.setProperty(ALLOW_RESTRICTED_HEADERS, current + ",host");
        }
        try {
            HttpRequest.newBuilder().header("Host", "probe.invalid");
            return true;
        } catch (IllegalArgumentException e) {
            return false; // java.net.http was loaded before this class: the property came too late
        }
    }

    /**
     * A client builder; use it instead of {@link HttpClient#newBuilder()} so that the {@code Host} header
     * is allowed before the JDK's client first loads.
     */
    public static HttpClient.Builder newClient() {
        return HttpClient.newBuilder();
    }

    /**
     * Whether requests to this endpoint go to a resolved address with the name in the {@code Host} header
     * (its host does not fit {@link URI}). Such requests must not follow redirects automatically: the JDK
     * would carry the {@code Host} header to wherever the redirect points.
     */
    public static boolean routed(Endpoint endpoint) {
        return !endpoint.hostFitsUri();
    }

    /** Whether a URI has an authority but no server host (e.g. {@code http://dbx_host:8000/api}). */
    public static boolean routed(URI uri) {
        return uri.getHost() == null && uri.getRawAuthority() != null;
    }

    /**
     * A request builder for an endpoint (its userinfo is never sent). For a host {@link URI} cannot hold, the
     * name is resolved now and the request goes to its address with the name in the {@code Host} header,
     * over HTTP/1.1.
     *
     * @throws UnknownHostException when such a host does not resolve (the message names it)
     * @throws SyncConfigException when the endpoint is not http(s), is https to such a host, or the JVM loaded
     *     {@code java.net.http} before the {@code Host} header could be allowed
     */
    public static HttpRequest.Builder newRequest(Endpoint endpoint) throws UnknownHostException {
        String scheme = endpoint.scheme();
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new SyncConfigException("Not an http or https URL: " + endpoint.display());
        }
        if (endpoint.hostFitsUri()) {
            return HttpRequest.newBuilder(URI.create(endpoint.display()));
        }
        endpoint.requireHttp(endpoint.display());
        if (!HOST_HEADER_ALLOWED) {
            throw new SyncConfigException("Cannot address the host '" + endpoint.host() + "': a name with '_' is"
                    + " reached by its address with the name in the Host header, which this JVM does not allow"
                    + " because java.net.http was loaded before workspace-sync; start the JVM with -D"
                    + ALLOW_RESTRICTED_HEADERS + "=host");
        }
        InetAddress address = resolve(endpoint.host());
        String literal = address instanceof Inet6Address
                ? "[" + address.getHostAddress().replaceAll("%.*$", "") + "]"
                : address.getHostAddress();
        URI target = URI.create(scheme + "://" + literal + ":" + endpoint.effectivePort() + endpoint.pathAndQuery());
        return HttpRequest.newBuilder(target)
                .version(HttpClient.Version.HTTP_1_1)
                .header("Host", hostHeader(endpoint));
    }

    /**
     * A request builder for a URI built elsewhere (e.g. by the Databricks SDK from its host setting). A URI
     * whose authority is not a server host (a name with {@code _}) is treated as in {@link
     * #newRequest(Endpoint)}; any userinfo is dropped.
     */
    public static HttpRequest.Builder newRequest(URI uri) throws UnknownHostException {
        if (!routed(uri)) {
            if (uri.getRawUserInfo() == null) {
                return HttpRequest.newBuilder(uri);
            }
        }
        return newRequest(Endpoint.parse("the request URL", uri.toString()));
    }

    /** The {@code Host} header for an endpoint: the name, and the port unless it is the scheme's default. */
    public static String hostHeader(Endpoint endpoint) {
        String host = endpoint.host().indexOf(':') >= 0 ? "[" + endpoint.host() + "]" : endpoint.host();
        int port = endpoint.port();
        boolean defaultPort = port == -1
                || (endpoint.scheme().equals("http") && port == 80)
                || (endpoint.scheme().equals("https") && port == 443);
        return defaultPort ? host : host + ":" + port;
    }

    private static InetAddress resolve(String host) throws UnknownHostException {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            UnknownHostException named = new UnknownHostException("cannot resolve host '" + host + "'");
            named.initCause(e);
            throw named;
        }
    }
}
