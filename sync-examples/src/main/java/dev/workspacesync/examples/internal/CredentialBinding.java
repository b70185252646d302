package dev.workspacesync.examples.internal;

import dev.workspacesync.core.Endpoint;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.transport.URIish;

/**
 * The one place that decides which credentials a backup request may use: the service's own credentials
 * (from its environment or configuration) stay bound to where the operator configured them.
 *
 * <ol>
 *   <li><b>Credentials follow their URL.</b> A configured token ({@code WINDMILL_TOKEN}, {@code
 *       GIT_TOKEN}) or SSH key is only used with an endpoint of the same scheme, host and port as the
 *       configured URL ({@link Endpoint#sameOrigin}); the Windmill token without a configured URL is
 *       bound to {@value #DEFAULT_WINDMILL_URL}, a git credential without {@code GIT_REMOTE_URL} to
 *       nothing. A request naming another URL must bring its own token for it, or it is refused (403).
 *       An SSH identity is the service's own: a request cannot bring one, so SSH remotes on other
 *       hosts are refused. A request never names a local repository other than the configured one.
 *   <li><b>Data follows credentials.</b> A workspace read with the service's Windmill token is only
 *       written to the configured remote, or with the service's git credential; the service's git
 *       credential only writes what was read from the configured Windmill server. Otherwise a caller
 *       could copy the operator's workspace into their own repository, or their content into the
 *       operator's.
 *   <li><b>The operator's allow list</b> ({@code SYNC_ALLOWED_HOSTS}: exact {@code host[:port]} or
 *       {@code *.domain[:port]}; no port means the scheme's default port) lifts both rules for the hosts
 *       it names: they are trusted with the service's credentials and data.
 * </ol>
 *
 * A body credential is used only for the request that carries it. URLs in a request carry no
 * credentials (400): tokens go in {@code git_token} / {@code windmill_token}.
 */
public final class CredentialBinding {
    /** Where the Windmill token goes when no Windmill URL is configured. */
    public static final String DEFAULT_WINDMILL_URL = "http://windmill_server:8000";
    /** The environment variable of the operator's allow list. */
    public static final String ALLOWED_HOSTS = "SYNC_ALLOWED_HOSTS";

    /** Git settings that are credentials (or say whose they are): removed when a request goes elsewhere. */
    static final List<String> GIT_CREDENTIALS =
            List.of("git.token", "git.username", "git.ssh-key", "git.ssh-key-passphrase");
    /** Windmill settings that are credentials. */
    static final List<String> WINDMILL_CREDENTIALS = List.of("windmill.token");

    private static final Pattern SCP_LIKE =
            Pattern.compile("(?:([^@/\\s]+)@)?([A-Za-z0-9._~-]{2,}|\\[[0-9A-Fa-f:.]+]):(?!//)(.*)");
    private static final Pattern PATTERN =
            Pattern.compile("(\\*\\.)?([a-z0-9_-]+(\\.[a-z0-9_-]+)*|\\[[0-9a-f:.]+])(:[0-9]{1,5})?");

    private final SyncSettings configured;
    private final List<String> allowed;
    private final Optional<Endpoint> gitConfigured;
    private final Endpoint windmillConfigured;

    /**
     * @param configured the service's own settings (environment, configuration file)
     * @param allowedHosts the operator's allow list, already split
     * @throws SyncConfigException naming {@value #ALLOWED_HOSTS} if a pattern is malformed or too broad
     */
    public CredentialBinding(SyncSettings configured, List<String> allowedHosts) {
        this.configured = configured;
        this.allowed = allowedHosts.stream()
                .map(p -> p.strip().toLowerCase(Locale.ROOT))
                .filter(p -> !p.isEmpty())
                .toList();
        for (String pattern : allowed) {
            if (!PATTERN.matcher(pattern).matches()) {
                throw new SyncConfigException(ALLOWED_HOSTS + " holds '" + Endpoint.stripUserInfo(pattern)
                        + "', which is not host[:port] or *.domain[:port] (no scheme, path or other wildcard)");
            }
            if (pattern.startsWith("*.") && !pattern.substring(2).contains(".")) {
                throw new SyncConfigException(ALLOWED_HOSTS + " holds '" + pattern
                        + "', which allows a whole top-level domain; name the hosts (or *.your-domain.tld)");
            }
        }
        this.gitConfigured = configured.get("git.remote-url").flatMap(CredentialBinding::quietGit);
        this.windmillConfigured = configured
                .get("windmill.base-url")
                .flatMap(CredentialBinding::quietWindmill)
                .orElseGet(() -> parseWindmill("windmill.base-url", DEFAULT_WINDMILL_URL));
    }

    /** The allow list from an environment variable's value (comma-separated), empty when unset. */
    public static List<String> allowedHosts(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return List.of(value.split(","));
    }

    /**
     * The settings a request runs with: what the request set (already validated, by setting key) over the
     * configured settings, where the configured credentials are present only if the rules allow them.
     *
     * @param requested the request's own values, by setting key ({@code git.remote-url}, …)
     * @throws RequestRefusedException (403) naming the field when the request would lend a credential
     * @throws SyncConfigException (400) naming the field when a URL is malformed or carries credentials
     */
    public SyncSettings apply(SyncSettings requested) {
        Side git = gitSide(requested);
        Side windmill = windmillSide(requested);
        // Data follows credentials (see the class comment).
        if (windmill.usesOwn && !(git.allowed || git.exactlyConfigured || git.usesOwn)) {
            throw new RequestRefusedException("git_remote_url names " + git.where()
                    + ", but the workspace would be read with the service's WINDMILL_TOKEN, and what that"
                    + " reads is only written to the configured GIT_REMOTE_URL"
                    + gitConfigured.map(e -> " (" + e.authority() + ")").orElse(" (none is set)")
                    + " or with the service's GIT_TOKEN; send windmill_token as well, or add "
                    + git.authority() + " to " + ALLOWED_HOSTS);
        }
        if (git.usesOwn && !(windmill.allowed || windmill.sameOrigin)) {
            throw new RequestRefusedException("windmill_base_url names " + windmill.where()
                    + ", but the backup would be written with the service's git credential, which only"
                    + " writes what is read from the configured Windmill server ("
                    + windmillConfigured.authority() + "); send git_token and git_remote_url for your own"
                    + " remote, or add " + windmill.authority() + " to " + ALLOWED_HOSTS);
        }
        Map<String, String> base = new LinkedHashMap<>();
        for (String key : configured.keys()) {
            boolean dropped = (!git.mayUseConfigured && GIT_CREDENTIALS.contains(key))
                    || (!windmill.mayUseConfigured && WINDMILL_CREDENTIALS.contains(key));
            if (!dropped) {
                configured.get(key).ifPresent(v -> base.put(key, v));
            }
        }
        SyncSettings fallback = SyncSettings.of(base);
        if (!git.mayUseConfigured && configured.get("git.remote-url").isPresent()) {
            // The configured URL may carry a token itself (https://TOKEN@host/…); it is not used here anyway.
            fallback = without(fallback, "git.remote-url");
        }
        return requested.orElse(fallback);
    }

    private static SyncSettings without(SyncSettings settings, String key) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String k : settings.keys()) {
            if (!k.equals(key)) {
                settings.get(k).ifPresent(v -> map.put(k, v));
            }
        }
        return SyncSettings.of(map);
    }

    /** How one side of a request relates to the configuration. */
    private record Side(
            Endpoint endpoint,
            boolean sameOrigin,
            boolean exactlyConfigured,
            boolean allowed,
            boolean mayUseConfigured,
            boolean usesOwn) {
        String where() {
            return endpoint.scheme().equals("file") ? "a local repository" : "host " + endpoint.authority();
        }

        String authority() {
            return endpoint.scheme().equals("file") ? "(a local path)" : endpoint.authority();
        }
    }

    private Side gitSide(SyncSettings requested) {
        Optional<String> url = requested.get("git.remote-url");
        boolean bringsToken = requested.get("git.token").isPresent();
        boolean configuredCredential = configured.get("git.token").isPresent()
                || configured.get("git.ssh-key").isPresent()
                || gitConfigured.map(Endpoint::hasUserInfo).orElse(false)
                || gitConfigured.map(CredentialBinding::isSsh).orElse(false);
        if (url.isEmpty()) {
            Endpoint endpoint = gitConfigured.orElse(null);
            boolean usesOwn = endpoint != null && configuredCredential && !bringsToken;
            return new Side(endpoint, true, true, endpoint != null && allows(endpoint), true, usesOwn);
        }
        Endpoint endpoint = parseGit("git_remote_url", url.get());
        boolean local = endpoint.scheme().equals("file");
        boolean sameOrigin = gitConfigured
                .map(c -> local
                        ? c.scheme().equals("file") && c.display().equals(endpoint.display())
                        : c.sameOrigin(endpoint))
                .orElse(false);
        boolean exactly = gitConfigured
                .map(c -> c.withoutUserInfo()
                        .display()
                        .equals(endpoint.withoutUserInfo().display()))
                .orElse(false);
        boolean allowed = !local && allows(endpoint);
        boolean trusted = sameOrigin || allowed;
        if (!trusted) {
            if (local) {
                throw new RequestRefusedException("git_remote_url names a local repository; a request may only"
                        + " name a network remote (https or ssh), or the configured GIT_REMOTE_URL itself");
            }
            if (isSsh(endpoint)) {
                throw new RequestRefusedException("git_remote_url names SSH host " + endpoint.authority()
                        + ", but the service's SSH key is only used with the configured GIT_REMOTE_URL"
                        + gitConfigured.map(e -> " (" + e.authority() + ")").orElse(" (none is set)")
                        + " and a request cannot bring a key; use an https remote with git_token, or add "
                        + endpoint.authority() + " to " + ALLOWED_HOSTS);
            }
            if (!bringsToken && configuredCredential) {
                throw new RequestRefusedException("git_remote_url names host " + endpoint.authority()
                        + ", but GIT_TOKEN is configured for "
                        + gitConfigured.map(Endpoint::authority).orElse("no host (GIT_REMOTE_URL is not set)")
                        + "; send git_token for that host, or add it to " + ALLOWED_HOSTS);
            }
        }
        boolean usesOwn = trusted && configuredCredential && !bringsToken;
        return new Side(endpoint, sameOrigin, exactly, allowed, trusted, usesOwn);
    }

    private Side windmillSide(SyncSettings requested) {
        Optional<String> url = requested.get("windmill.base-url");
        boolean bringsToken = requested.get("windmill.token").isPresent();
        boolean configuredCredential = configured.get("windmill.token").isPresent();
        if (url.isEmpty()) {
            boolean usesOwn = configuredCredential && !bringsToken;
            return new Side(windmillConfigured, true, true, allows(windmillConfigured), true, usesOwn);
        }
        Endpoint endpoint = parseWindmill("windmill_base_url", url.get());
        boolean sameOrigin = windmillConfigured.sameOrigin(endpoint);
        boolean allowed = allows(endpoint);
        boolean trusted = sameOrigin || allowed;
        if (!trusted && !bringsToken && configuredCredential) {
            throw new RequestRefusedException("windmill_base_url names host " + endpoint.authority()
                    + ", but WINDMILL_TOKEN is configured for " + windmillConfigured.authority()
                    + "; send windmill_token for that host, or add it to " + ALLOWED_HOSTS);
        }
        boolean usesOwn = trusted && configuredCredential && !bringsToken;
        return new Side(endpoint, sameOrigin, sameOrigin, allowed, trusted, usesOwn);
    }

    /** Whether the operator's allow list names this endpoint (no port in a pattern: the default port). */
    boolean allows(Endpoint endpoint) {
        if (endpoint.effectivePort() == -1) {
            return false;
        }
        for (String pattern : allowed) {
            boolean hasPort = pattern.matches(".*:[0-9]{1,5}");
            if (!endpoint.matchesHostPattern(pattern)) {
                continue;
            }
            if (hasPort || endpoint.port() == -1 || endpoint.port() == defaultPort(endpoint.scheme())) {
                return true;
            }
        }
        return false;
    }

    private static int defaultPort(String scheme) {
        return new Endpoint(scheme, "h", -1, "", Optional.empty(), Optional.empty()).effectivePort();
    }

    private static boolean isSsh(Endpoint endpoint) {
        return endpoint.scheme().equals("ssh")
                || endpoint.scheme().equals("git+ssh")
                || endpoint.scheme().equals("ssh+git");
    }

    // ---- parsing request URLs: one reading, cross-checked with the parser the adapter uses

    /**
     * A git remote from a request or the configuration: {@code https://}, {@code http://}, {@code ssh://},
     * scp-like {@code user@host:path}, or a local repository ({@code file://} or a path; scheme {@code
     * file}, no host). The reading is checked against JGit's (which the git destination uses), so the host
     * checked here is the host connected to.
     *
     * @throws SyncConfigException naming {@code field} (never showing userinfo)
     */
    public static Endpoint parseGit(String field, String url) {
        String text = url.strip();
        plain(field, text);
        Endpoint endpoint;
        if (text.regionMatches(true, 0, "file://", 0, 7)) {
            endpoint = local(text.substring("file://".length()));
        } else if (text.contains("://")) {
            endpoint = Endpoint.parse(field, text);
        } else {
            Matcher scp = SCP_LIKE.matcher(text);
            if (scp.matches() && !text.startsWith("/") && !text.startsWith(".")) {
                String host = scp.group(2);
                if (host.startsWith("[")) {
                    host = host.substring(1, host.length() - 1);
                }
                String path = scp.group(3);
                endpoint = new Endpoint(
                        "ssh",
                        host,
                        -1,
                        path.startsWith("/") ? path : "/" + path,
                        Optional.ofNullable(scp.group(1)),
                        Optional.empty());
            } else {
                endpoint = local(text);
            }
        }
        String scheme = endpoint.scheme();
        if (!List.of("https", "http", "ssh", "git+ssh", "ssh+git", "file").contains(scheme)) {
            throw new SyncConfigException(
                    field + " has scheme '" + scheme + "'; use https://, http://, ssh:// or user@host:path");
        }
        if (endpoint.password().isPresent() || (endpoint.username().isPresent() && !isSsh(endpoint))) {
            throw new SyncConfigException(field + " carries credentials in the URL (" + endpoint.display()
                    + "); send the token as git_token instead, never inside the URL");
        }
        if (!scheme.equals("file")) {
            URIish jgit;
            try {
                jgit = new URIish(text);
            } catch (URISyntaxException | RuntimeException e) {
                throw new SyncConfigException(field + " is not a git URL: " + endpoint.display());
            }
            String jgitHost = jgit.getHost() == null ? "" : jgit.getHost().toLowerCase(Locale.ROOT);
            if (jgitHost.startsWith("[") && jgitHost.endsWith("]")) {
                jgitHost = jgitHost.substring(1, jgitHost.length() - 1);
            }
            if (!jgitHost.equals(endpoint.host()) || jgit.getPort() != endpoint.port()) {
                throw new SyncConfigException(field + " is ambiguous (its host reads differently to git): "
                        + endpoint.display() + "; write it as scheme://host[:port]/path");
            }
        }
        return endpoint;
    }

    /**
     * A Windmill base URL ({@code http://} or {@code https://}), cross-checked with {@link URI} where it
     * parses (host names with {@code _} do not).
     *
     * @throws SyncConfigException naming {@code field} (never showing userinfo)
     */
    public static Endpoint parseWindmill(String field, String url) {
        String text = url.strip();
        plain(field, text);
        Endpoint endpoint = Endpoint.parse(field, text);
        if (!endpoint.scheme().equals("http") && !endpoint.scheme().equals("https")) {
            throw new SyncConfigException(field + " must be an http:// or https:// URL, not " + endpoint.scheme());
        }
        if (endpoint.hasUserInfo()) {
            throw new SyncConfigException(field + " carries credentials in the URL (" + endpoint.display()
                    + "); send the token as windmill_token instead, never inside the URL");
        }
        try {
            URI uri = new URI(text);
            if (uri.getHost() != null) {
                String host = uri.getHost().toLowerCase(Locale.ROOT);
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                if (!host.equals(endpoint.host()) || uri.getPort() != endpoint.port()) {
                    throw new SyncConfigException(field + " is ambiguous (its host reads differently to HTTP): "
                            + endpoint.display() + "; write it as scheme://host[:port]/path");
                }
            }
        } catch (URISyntaxException | IllegalArgumentException e) {
            // Not a java.net.URI (e.g. a host with '_'): the adapter reads it through Endpoint too.
        }
        return endpoint;
    }

    /** No characters URL parsers disagree on: backslashes, fragments, spaces and controls. */
    private static void plain(String field, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' || c == '#' || c <= ' ' || c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
                throw new SyncConfigException(field + " holds a character that URLs should not ("
                        + (c == '\\' ? "backslash" : c == '#' ? "'#'" : "space or control character")
                        + "); write it as scheme://host[:port]/path");
            }
        }
    }

    private static Endpoint local(String path) {
        return new Endpoint("file", "", -1, path, Optional.empty(), Optional.empty());
    }

    private static Optional<Endpoint> quietGit(String url) {
        try {
            return Optional.of(parseGitLenient(url));
        } catch (RuntimeException e) {
            return Optional.empty(); // the adapter reports a broken configured URL itself
        }
    }

    /** The configured URL may carry credentials (it is the operator's); only its origin matters here. */
    private static Endpoint parseGitLenient(String url) {
        String text = url.strip();
        if (text.regionMatches(true, 0, "file://", 0, 7)) {
            return local(text.substring("file://".length()));
        }
        if (text.contains("://")) {
            return Endpoint.parse("GIT_REMOTE_URL", text);
        }
        Matcher scp = SCP_LIKE.matcher(text);
        if (scp.matches() && !text.startsWith("/") && !text.startsWith(".")) {
            String host = scp.group(2).replace("[", "").replace("]", "");
            String path = scp.group(3);
            return new Endpoint(
                    "ssh",
                    host,
                    -1,
                    path.startsWith("/") ? path : "/" + path,
                    Optional.ofNullable(scp.group(1)),
                    Optional.empty());
        }
        return local(text);
    }

    private static Optional<Endpoint> quietWindmill(String url) {
        try {
            return Optional.of(Endpoint.parse("WINDMILL_BASE_URL", url));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The allow list, for messages and the README's examples. */
    public List<String> allowed() {
        return new ArrayList<>(allowed);
    }
}
