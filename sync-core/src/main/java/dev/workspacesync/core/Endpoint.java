package dev.workspacesync.core;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A configured URL, parsed once for every adapter and the service: the one place that knows hosts,
 * ports and credentials inside URLs.
 *
 * <ul>
 *   <li>Host names may hold {@code _}: Docker Compose names services that way ({@code windmill_server}),
 *       and {@link java.net.URI} gives such names no host at all.
 *   <li>Credentials written into the URL ({@code https://user:token@host/…}) are taken apart:
 *       {@link #username()} and {@link #password()} hold them, and nothing else ever shows them —
 *       {@link #toString()} and {@link #display()} render the URL without userinfo.
 *   <li>{@link #sameOrigin} is the credential-binding test: a credential configured for one endpoint is
 *       only ever presented to an endpoint of the same scheme, host and port.
 * </ul>
 *
 * @param scheme lower-case scheme ({@code https}, {@code ssh}, …)
 * @param host lower-case host name or IP literal (IPv6 without brackets)
 * @param port the port written in the URL, or -1
 * @param pathAndQuery everything after the authority, as written (may be empty)
 * @param username the user written in the URL, if any
 * @param password the password or token written in the URL, if any
 */
public record Endpoint(
        String scheme,
        String host,
        int port,
        String pathAndQuery,
        Optional<String> username,
        Optional<Secret> password) {

    // scheme://[userinfo@]host[:port][/path][?query][#fragment]; userinfo ends at the LAST '@' of the
    // authority, as browsers and curl read it (a token may itself hold '@' only percent-encoded).
    private static final Pattern URL = Pattern.compile("(?s)([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)(.*)");
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._~-]+)(?::([0-9]{1,5}))?");
    // Anything that looks like scheme://userinfo@ in free text.
    private static final Pattern USERINFO_IN_TEXT = Pattern.compile("\\b([A-Za-z][A-Za-z0-9+.-]*://)([^\\s/?#@]*)@");

    public Endpoint {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(pathAndQuery, "pathAndQuery");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        scheme = scheme.toLowerCase(Locale.ROOT);
        host = host.toLowerCase(Locale.ROOT);
        if (port < -1 || port > 65535 || port == 0) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /**
     * Parses a configured URL.
     *
     * @param key the setting or field the value came from, named in the error
     * @param url the value
     * @throws SyncConfigException naming {@code key} (never the value's userinfo) if it is not a URL
     */
    public static Endpoint parse(String key, String url) {
        if (url == null || url.isBlank()) {
            throw new SyncConfigException(key + " is empty; expected a URL such as https://host/path");
        }
        String text = url.strip();
        Matcher m = URL.matcher(text);
        if (!m.matches()) {
            throw new SyncConfigException(key + " is not a URL (" + shown(text)
                    + "); expected scheme://host[:port]/path, e.g. https://host/path");
        }
        String scheme = m.group(1);
        String authority = m.group(2);
        String rest = m.group(3);
        int fragment = rest.indexOf('#');
        if (fragment >= 0) {
            rest = rest.substring(0, fragment);
        }
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                throw new SyncConfigException(key + " holds a space or control character in its path: " + shown(text));
            }
        }
        Optional<String> user = Optional.empty();
        Optional<Secret> password = Optional.empty();
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            String u = colon >= 0 ? userInfo.substring(0, colon) : userInfo;
            String p = colon >= 0 ? userInfo.substring(colon + 1) : null;
            user = u.isEmpty() ? Optional.empty() : Optional.of(decode(u));
            password = p == null || p.isEmpty() ? Optional.empty() : Optional.of(Secret.of(decode(p)));
        }
        Matcher hp = HOST_PORT.matcher(authority);
        if (!hp.matches()) {
            throw new SyncConfigException(key + " has no valid host (" + shown(text)
                    + "); expected letters, digits, '.', '-' or '_', or an IP address");
        }
        String host = hp.group(1);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = -1;
        if (hp.group(2) != null) {
            port = Integer.parseInt(hp.group(2));
            if (port < 1 || port > 65535) {
                throw new SyncConfigException(key + " has port " + port + ", outside 1-65535");
            }
        }
        return new Endpoint(scheme, host, port, rest, user, password);
    }

    /** The port in the URL, or the scheme's default (80, 443, 22, 9418), or -1 when unknown. */
    public int effectivePort() {
        if (port != -1) {
            return port;
        }
        return switch (scheme) {
            case "http", "ws" -> 80;
            case "https", "wss" -> 443;
            case "ssh", "git+ssh", "ssh+git" -> 22;
            case "git" -> 9418;
            default -> -1;
        };
    }

    /** {@code host:port} with the effective port (IPv6 in brackets); the unit credentials are bound to. */
    public String authority() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        int p = effectivePort();
        return p == -1 ? h : h + ":" + p;
    }

    /** Whether the URL carried a user or a password. */
    public boolean hasUserInfo() {
        return username.isPresent() || password.isPresent();
    }

    /** The same endpoint without user and password. */
    public Endpoint withoutUserInfo() {
        return new Endpoint(scheme, host, port, pathAndQuery, Optional.empty(), Optional.empty());
    }

    /**
     * Whether a credential configured for this endpoint may be presented to {@code other}: same scheme,
     * host and (effective) port. Paths do not matter (one host, one credential).
     */
    public boolean sameOrigin(Endpoint other) {
        return other != null
                && scheme.equals(other.scheme)
                && host.equals(other.host)
                && effectivePort() == other.effectivePort();
    }

    /**
     * Whether this endpoint's host matches a pattern: {@code host} (any port), {@code host:port}, or
     * {@code *.domain} (any sub-domain, any port). Case-insensitive; nothing else is a wildcard.
     */
    public boolean matchesHostPattern(String pattern) {
        String p = pattern.strip().toLowerCase(Locale.ROOT);
        if (p.isEmpty()) {
            return false;
        }
        int colon = p.lastIndexOf(':');
        String hostPart = p;
        int portPart = -1;
        if (colon > 0 && p.indexOf(':') == colon && colon < p.length() - 1) {
            try {
                portPart = Integer.parseInt(p.substring(colon + 1));
                hostPart = p.substring(0, colon);
            } catch (NumberFormatException e) {
                return false;
            }
        }
        if (portPart != -1 && portPart != effectivePort()) {
            return false;
        }
        if (hostPart.startsWith("*.")) {
            return host.endsWith(hostPart.substring(1));
        }
        return host.equals(hostPart);
    }

    /**
     * Whether {@link java.net.URI} (and so the JDK's HTTP client and TLS) accepts this host as a server
     * name: IP literals and RFC 1123 names do; Docker Compose names with {@code _} do not.
     */
    public boolean hostFitsUri() {
        try {
            return new java.net.URI(scheme + "://" + authority() + "/").getHost() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /**
     * This endpoint with {@code suffix} appended to its path ({@code /api/…}, optionally with a query): the
     * base path's trailing slashes are dropped first, so {@code http://h/base/} and {@code /api} give
     * {@code http://h/base/api}.
     */
    public Endpoint withPath(String suffix) {
        String base = pathAndQuery;
        int query = base.indexOf('?');
        if (query >= 0) {
            base = base.substring(0, query);
        }
        base = base.replaceAll("/+$", "");
        String tail = suffix.isEmpty() || suffix.startsWith("/") || suffix.startsWith("?") ? suffix : "/" + suffix;
        return new Endpoint(scheme, host, port, base + tail, username, password);
    }

    /**
     * Checks that this is an {@code http} or {@code https} URL the project can reach, naming {@code key}
     * when not: another scheme, or {@code https} to a host name the JDK's TLS cannot verify a certificate
     * for (a name with {@code _}: {@code sun.security.util.HostnameChecker} refuses it as
     * "Illegal given domain name", whatever the certificate says). Such a host is refused rather than
     * reached with weakened TLS.
     *
     * @return this endpoint
     * @throws SyncConfigException naming {@code key}
     */
    public Endpoint requireHttp(String key) {
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new SyncConfigException(
                    key + " must be an http or https URL, not " + scheme + "://… (" + display() + ")");
        }
        if (scheme.equals("https") && !hostFitsUri()) {
            throw new SyncConfigException(key + " names the host '" + host + "' over https, but Java cannot verify"
                    + " a TLS certificate for a host name with '_' (or other characters outside RFC 1123), so it"
                    + " refuses the connection rather than skip the check. Use http:// inside a private network"
                    + " such as Docker Compose (http://" + authority() + pathAndQuery + "), or give the service"
                    + " a name with '-' instead of '_' (a network alias) for https");
        }
        return this;
    }

    /**
     * Refuses credentials written into this URL: they belong in the token setting, where the redactor and the
     * credential binding know them. The message names {@code key} and {@code tokenSetting} and shows the URL
     * without its userinfo; it never shows the password.
     *
     * @param key the setting the URL came from, e.g. {@code windmill.base-url}
     * @param tokenSetting where the token belongs, e.g. {@code windmill.token (WINDMILL_TOKEN)}
     * @return this endpoint
     * @throws SyncConfigException when the URL carries a user or a password
     */
    public Endpoint refuseUserInfo(String key, String tokenSetting) {
        if (hasUserInfo()) {
            throw new SyncConfigException(key + " carries credentials inside the URL (" + scheme + "://…@"
                    + authority() + "); remove them from the URL (" + display() + ") and put the token in "
                    + tokenSetting);
        }
        return this;
    }

    /** The URL as written minus userinfo (and fragment): safe to show, log and compare. */
    public String display() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return scheme + "://" + h + (port == -1 ? "" : ":" + port) + pathAndQuery;
    }

    /** Same as {@link #display()}: an endpoint never renders its credentials. */
    @Override
    public String toString() {
        return display();
    }

    /**
     * Removes {@code user:password@} from every URL in a piece of text (a message, a description, a
     * command line), whether or not the URL parses.
     */
    public static String stripUserInfo(String text) {
        if (text == null || text.indexOf('@') < 0) {
            return text;
        }
        return USERINFO_IN_TEXT.matcher(text).replaceAll(m -> {
            String scheme = m.group(1).toLowerCase(Locale.ROOT);
            String userInfo = m.group(2);
            // ssh://git@host names an account, not a secret: keep a bare SSH user, drop anything else.
            boolean sshUser = scheme.contains("ssh") && userInfo.indexOf(':') < 0;
            return Matcher.quoteReplacement(sshUser ? m.group() : m.group(1));
        });
    }

    /**
     * A value that did not parse, fit for a message: everything between {@code ://} and the last {@code @} is
     * left out, since a password with {@code /}, {@code ?} or {@code #} in it is what made it unparsable.
     */
    private static String shown(String text) {
        int at = text.lastIndexOf('@');
        if (at < 0) {
            return text;
        }
        int start = text.indexOf("://");
        start = start < 0 || start > at ? 0 : start + 3;
        return text.substring(0, start) + "…@" + text.substring(at + 1);
    }

    private static String decode(String s) {
        try {
            return java.net.URLDecoder.decode(s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
