package dev.workspacesync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.workspacesync.core.testing.Seeds;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shared host mechanism over random URLs: host names with {@code _}, {@code -} and digits, IPv4 and IPv6
 * literals, random ports, paths and userinfo (every character RFC 3986 allows there, and percent-encoded
 * bytes of any kind). Parsing keeps every part, rendering never shows the credentials, and requests reach
 * the named host with its name in the {@code Host} header — checked for real, in a forked JVM whose
 * {@code jdk.net.hosts.file} maps the random names to 127.0.0.1.
 */
class HttpRequestsPropertyTest {
    private static final String ALPHA = "abcdefghijklmnopqrstuvwxyz";
    private static final String USERINFO_CHARS = ALPHA + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=";

    @TempDir
    Path dir;

    /** One generated URL and what every part should come out as. */
    record Case(String url, String scheme, String host, int port, String path, String user, String password) {
        boolean underscoreOrOdd() {
            return host.indexOf('_') >= 0 || host.startsWith("-") || host.endsWith("-");
        }

        String expectedDisplay() {
            String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
            return scheme + "://" + h + (port == -1 ? "" : ":" + port) + path;
        }
    }

    static Stream<Long> seeds() {
        return Seeds.seeds(40);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void partsSurviveAndCredentialsNeverRender(long seed) throws Exception {
        SplittableRandom random = Seeds.random("HttpRequestsPropertyTest.parts", seed);
        for (int i = 0; i < 50; i++) {
            Case c = randomCase(random, random.nextInt(4) == 0 ? "https" : "http", true);
            Endpoint e = Endpoint.parse("test.url", c.url());
            assertThat(e.host()).as(c.url()).isEqualTo(c.host());
            assertThat(e.port()).as(c.url()).isEqualTo(c.port());
            assertThat(e.pathAndQuery()).as(c.url()).isEqualTo(c.path());
            assertThat(e.username().orElse(null)).as(c.url()).isEqualTo(c.user());
            assertThat(e.password().map(Secret::reveal).orElse(null))
                    .as(c.url())
                    .isEqualTo(c.password());
            assertThat(e.display()).as(c.url()).isEqualTo(c.expectedDisplay());
            assertThat(e.toString()).isEqualTo(e.display());
            assertThat(Endpoint.stripUserInfo("failed: " + c.url() + " (x)"))
                    .isEqualToIgnoringCase("failed: " + c.expectedDisplay() + " (x)");

            boolean fits = !c.underscoreOrOdd();
            assertThat(e.hostFitsUri()).as(c.url()).isEqualTo(fits);
            assertThat(HttpRequests.routed(e)).isEqualTo(!fits);
            String defaultPort = c.scheme().equals("http") ? "80" : "443";
            String hostHeader = (c.host().indexOf(':') >= 0 ? "[" + c.host() + "]" : c.host())
                    + (c.port() == -1 || String.valueOf(c.port()).equals(defaultPort) ? "" : ":" + c.port());
            assertThat(HttpRequests.hostHeader(e)).isEqualTo(hostHeader);

            if (c.scheme().equals("https") && !fits) {
                assertThatThrownBy(() -> e.requireHttp("test.url"))
                        .isInstanceOf(SyncConfigException.class)
                        .hasMessageContaining("test.url")
                        .hasMessageContaining("'_'")
                        .satisfies(t -> assertNoCredential(t.getMessage(), c));
                assertThatThrownBy(() -> HttpRequests.newRequest(e)).isInstanceOf(SyncConfigException.class);
            } else {
                assertThat(e.requireHttp("test.url")).isSameAs(e);
            }
            if (fits) {
                // Left to the JDK as it is, userinfo removed.
                HttpRequest request = HttpRequests.newRequest(e).build();
                assertThat(request.uri().getHost())
                        .isEqualTo(c.host().indexOf(':') >= 0 ? "[" + c.host() + "]" : c.host());
                assertThat(request.uri().getRawUserInfo()).isNull();
                assertThat(request.headers().firstValue("Host")).isEmpty();
            }
            if (e.hasUserInfo()) {
                assertThatThrownBy(() -> e.refuseUserInfo("test.url", "test.token (TEST_TOKEN)"))
                        .isInstanceOf(SyncConfigException.class)
                        .hasMessageContaining("test.url")
                        .hasMessageContaining("test.token (TEST_TOKEN)")
                        .satisfies(t -> assertNoCredential(t.getMessage(), c));
            } else {
                assertThat(e.refuseUserInfo("test.url", "t")).isSameAs(e);
            }
            // A value that does not parse is echoed without what precedes its last '@'.
            String pw = c.password() == null ? "p" : c.password().replaceAll("[@/?#\\s]", "");
            String broken = c.scheme() + "://u:" + pw + "/x@" + c.host() + ":99999/";
            assertThatThrownBy(() -> Endpoint.parse("test.url", broken))
                    .isInstanceOf(SyncConfigException.class)
                    .satisfies(t ->
                            assertThat(t.getMessage()).doesNotContain("//u:").doesNotContain(":" + pw + "/"));
        }
    }

    @Test
    void withPathJoinsOnce() {
        Endpoint base = Endpoint.parse("k", "http://windmill_server:8000/");
        assertThat(base.withPath("/api/x?y=1").display()).isEqualTo("http://windmill_server:8000/api/x?y=1");
        assertThat(base.withPath("").display()).isEqualTo("http://windmill_server:8000");
        assertThat(Endpoint.parse("k", "http://h/base//").withPath("api").display())
                .isEqualTo("http://h/base/api");
    }

    @Test
    void aRoutedRequestGoesToTheAddressWithTheNameInTheHostHeader() throws Exception {
        // 127.0.0.1 resolves without any hosts file; a name with '_' is routed the same way.
        Endpoint e = Endpoint.parse("k", "http://u:pw@127.0.0.1:8000/p?q=1");
        HttpRequest plain = HttpRequests.newRequest(e).build();
        assertThat(plain.uri()).isEqualTo(URI.create("http://127.0.0.1:8000/p?q=1"));
        HttpRequest fromUri = HttpRequests.newRequest(URI.create("http://u:pw@127.0.0.1:8000/p"))
                .build();
        assertThat(fromUri.uri().getRawUserInfo()).isNull();
        assertThat(HttpRequests.routed(URI.create("http://dbx_host:8000/api"))).isTrue();
        assertThat(HttpRequests.routed(URI.create("http://dbx-host:8000/api"))).isFalse();
        assertThatThrownBy(() -> HttpRequests.newRequest(Endpoint.parse("k", "http://no_such_host.invalid:1/")))
                .isInstanceOf(java.net.UnknownHostException.class)
                .hasMessageContaining("no_such_host.invalid");
    }

    /**
     * Real requests in a fresh JVM (the JDK reads {@code jdk.net.hosts.file} once, at startup): each random
     * URL reaches the loopback server, which sees exactly one {@code Host} header naming the host as written.
     */
    @ParameterizedTest
    @MethodSource("liveSeeds")
    void requestsReachRandomComposeHostsInAFreshJvm(long seed) throws Exception {
        SplittableRandom random = Seeds.random("HttpRequestsPropertyTest.live", seed);
        Map<String, List<String>> seen = new ConcurrentHashMap<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String id = exchange.getRequestHeaders().getFirst("X-Case");
            List<String> hosts = exchange.getRequestHeaders().get("Host");
            seen.put(id, List.of(String.valueOf(hosts), exchange.getRequestURI().getRawPath()));
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            Map<String, Case> cases = new LinkedHashMap<>();
            List<String> hostsFile = new ArrayList<>();
            hostsFile.add("127.0.0.1 localhost");
            for (int i = 0; i < 12; i++) {
                Case live = randomCase(random, "http", false, port);
                Case c = live;
                cases.put(String.valueOf(i), live);
                if (!c.host().equals("127.0.0.1")) {
                    hostsFile.add("127.0.0.1 " + c.host());
                }
            }
            Path hosts = dir.resolve("hosts");
            Files.write(hosts, hostsFile);
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djdk.net.hosts.file=" + hosts,
                    "-cp",
                    System.getProperty("java.class.path"),
                    HttpProbe.class.getName()));
            cases.forEach((id, c) -> command.add(id + "=" + c.url()));
            Path output = dir.resolve("probe.txt");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String printed = Files.readString(output);
            assertThat(process.exitValue()).as(printed).isZero();
            cases.forEach((id, c) -> {
                assertThat(printed).as(c.url()).contains(id + " 200");
                String expectedHost = c.host() + ":" + port;
                assertThat(seen.get(id)).as(c.url()).containsExactly("[" + expectedHost + "]", rawPath(c.path()));
                if (c.password() != null) {
                    assertThat(printed).doesNotContain(c.password());
                }
            });
        } finally {
            server.stop(0);
        }
    }

    static Stream<Long> liveSeeds() {
        return Seeds.seeds(3);
    }

    private static String rawPath(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        String path = q >= 0 ? pathAndQuery.substring(0, q) : pathAndQuery;
        return path.isEmpty() ? "/" : path;
    }

    private static void assertNoCredential(String message, Case c) {
        if (c.password() != null) {
            assertThat(message).doesNotContain(c.password()).doesNotContain(encode(c.password()));
        }
        if (c.user() != null) {
            assertThat(message).doesNotContain(encode(c.user()) + "@").doesNotContain(encode(c.user()) + ":");
        }
    }

    // ---- generators

    private static Case randomCase(SplittableRandom random, String scheme, boolean literals) {
        return randomCase(random, scheme, literals, -1);
    }

    private static Case randomCase(SplittableRandom random, String scheme, boolean literals, int forcedPort) {
        String host;
        int kind = random.nextInt(10);
        if (literals && kind == 0) {
            host = random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256) + "."
                    + random.nextInt(256);
        } else if (literals && kind == 1) {
            host = ipv6(random);
        } else if (!literals && kind == 0) {
            host = "127.0.0.1";
        } else {
            host = hostName(random, kind < 6);
        }
        int port = forcedPort > 0 ? forcedPort : random.nextInt(3) == 0 ? -1 : 1 + random.nextInt(65535);
        String path = random.nextInt(4) == 0 ? "" : path(random);
        String user = null;
        String password = null;
        int userinfo = random.nextInt(4);
        if (userinfo >= 1) {
            user = "u" + text(random, 1 + random.nextInt(12));
        }
        if (userinfo >= 2) {
            password = "p" + text(random, 4 + random.nextInt(30));
        }
        StringBuilder url = new StringBuilder(scheme).append("://");
        if (user != null) {
            url.append(encodeSome(random, user));
            if (password != null) {
                url.append(':').append(encodeSome(random, password));
            }
            url.append('@');
        }
        url.append(host.indexOf(':') >= 0 ? "[" + host + "]" : upperSome(random, host));
        if (port != -1) {
            url.append(':').append(port);
        }
        url.append(path);
        return new Case(url.toString(), scheme, host, port, path, user, password);
    }

    /** A DNS-like name; with {@code underscore}, at least one label holds a '_'. */
    private static String hostName(SplittableRandom random, boolean underscore) {
        int labels = 1 + random.nextInt(3);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < labels; i++) {
            StringBuilder label = new StringBuilder();
            label.append(ALPHA.charAt(random.nextInt(ALPHA.length())));
            int length = random.nextInt(20);
            for (int j = 0; j < length; j++) {
                int r = random.nextInt(10);
                label.append(
                        r < 6 ? ALPHA.charAt(random.nextInt(26)) : r < 8 ? (char) ('0' + random.nextInt(10)) : '-');
            }
            label.append(ALPHA.charAt(random.nextInt(ALPHA.length())));
            parts.add(label.toString());
        }
        if (underscore) {
            int i = random.nextInt(parts.size());
            String label = parts.get(i);
            int at = 1 + random.nextInt(label.length() - 1);
            parts.set(i, label.substring(0, at) + "_" + label.substring(at));
        }
        return String.join(".", parts);
    }

    private static String ipv6(SplittableRandom random) {
        if (random.nextBoolean()) {
            return "::" + Integer.toHexString(1 + random.nextInt(0xffff));
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i > 0) {
                b.append(':');
            }
            b.append(Integer.toHexString(random.nextInt(0x10000)));
        }
        return b.toString();
    }

    private static String path(SplittableRandom random) {
        StringBuilder b = new StringBuilder();
        int segments = 1 + random.nextInt(4);
        for (int i = 0; i < segments; i++) {
            b.append('/').append(URLEncoder.encode(text(random, 1 + random.nextInt(10)), StandardCharsets.UTF_8));
        }
        if (random.nextBoolean()) {
            b.append("?a=").append(random.nextInt(1000)).append("&b_c=x");
        }
        return b.toString();
    }

    /** Any characters, including ones a URL must encode ('@', '/', ':', '%', non-ASCII). */
    private static String text(SplittableRandom random, int length) {
        String extra = "@/:%#?é€ ";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            if (random.nextInt(6) == 0) {
                b.append(extra.charAt(random.nextInt(extra.length())));
            } else {
                b.append(USERINFO_CHARS.charAt(random.nextInt(USERINFO_CHARS.length())));
            }
        }
        return b.toString();
    }

    /** Percent-encodes what must be encoded in userinfo, and some other characters too. */
    private static String encodeSome(SplittableRandom random, String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xff);
            boolean allowed = x >= 0 && USERINFO_CHARS.indexOf(c) >= 0 && c != '+';
            if (allowed && random.nextInt(5) != 0) {
                b.append(c);
            } else {
                b.append('%').append(String.format("%02X", x & 0xff));
            }
        }
        return b.toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String upperSome(SplittableRandom random, String host) {
        StringBuilder b = new StringBuilder();
        for (char c : host.toCharArray()) {
            b.append(random.nextInt(4) == 0 ? Character.toUpperCase(c) : c);
        }
        return b.toString();
    }

    /** The forked JVM's side: sends one GET per {@code id=url} argument and prints {@code id status}. */
    public static final class HttpProbe {
        public static void main(String[] args) throws IOException, InterruptedException {
            var client = HttpRequests.newClient().build();
            for (String arg : args) {
                int eq = arg.indexOf('=');
                String id = arg.substring(0, eq);
                Endpoint endpoint = Endpoint.parse("probe", arg.substring(eq + 1));
                HttpRequest request = HttpRequests.newRequest(endpoint)
                        .header("X-Case", id)
                        .GET()
                        .build();
                int status = client.send(request, java.net.http.HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                System.out.println(id + " " + status + " " + endpoint.display());
            }
        }
    }
}
