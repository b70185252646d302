package dev.workspacesync.git.internal;

import dev.workspacesync.core.Deadline;
import dev.workspacesync.core.Endpoint;
import dev.workspacesync.core.Redactor;
import dev.workspacesync.core.RetryPolicy;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncException;
import java.io.EOFException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.transport.URIish;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured git remote, as the git source and the git destination both reach it: the URL rules
 * (credentials found in it are taken out and used as the token, unless they contradict the settings;
 * hosts with {@code _}; the URL shown without user info), the credentials ({@link GitAuth}), the secrets to
 * scrub, retries of transient failures within the run's deadline, and the plain-words diagnosis of what
 * JGit's transport reports (unreachable host, refused token or key, untrusted host key).
 */
public final class GitRemote implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GitRemote.class);
    /** The basic-auth user when none is set: GitHub's convention for tokens. */
    public static final String DEFAULT_USERNAME = "x-access-token";
    /** Retries of one fetch or push; the run's deadline bounds them (see {@code git.deadline}). */
    private static final RetryPolicy REMOTE_RETRY = new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(15));

    private final Side side;
    private final URIish uri;
    private final String url;
    private final GitAuth auth;
    private final List<Secret> secrets;
    private final Redactor redactor;
    private final boolean ssh;
    private final boolean http;
    private final boolean hasToken;
    private final String host;
    /** The remote's host name alone, and with its port (the scheme's default when none is written). */
    private final String hostName;

    private final String hostPort;

    /**
     * @param side whose exceptions to throw
     * @param remoteUrl the URL as configured (it may carry credentials, which are taken out)
     * @param token the configured token, or null
     * @param username the configured basic-auth user, or null for the URL's or {@value #DEFAULT_USERNAME}
     * @throws SyncConfigException for a URL that is not a git URL, or credentials in it that contradict the
     *     settings
     */
    public GitRemote(
            Side side,
            String remoteUrl,
            Secret token,
            String username,
            Path sshKey,
            Path knownHosts,
            Secret sshKeyPassphrase) {
        this.side = side;
        URIish parsed;
        try {
            parsed = GitAuth.parse(remoteUrl);
        } catch (IllegalArgumentException e) {
            throw new SyncConfigException("Setting 'git.remote-url' is not a git URL (https, ssh or file)");
        }
        this.uri = parsed;
        Secret configuredToken = token;
        // Credentials in the URL are taken out of it (https://user:token@host, or https://token@host as the
        // old service wrote it) and used as the credential, unless they contradict the explicit settings.
        Secret inUrl = null;
        String userInUrl = null;
        boolean isHttp = uri.getScheme() != null && uri.getScheme().startsWith("http");
        if (isHttp) {
            // The core parser: hosts with '_' (Compose services), https only where TLS can verify the host.
            Endpoint endpoint = Endpoint.parse("git.remote-url", remoteUrl).requireHttp("git.remote-url");
            if (endpoint.password().isPresent()) {
                inUrl = endpoint.password().get();
                userInUrl = endpoint.username().orElse(null);
            } else if (endpoint.username().isPresent()) {
                inUrl = Secret.of(endpoint.username().get());
            }
            if (inUrl != null) {
                credentialsInUrl(endpoint, inUrl, userInUrl, token, username);
            }
        } else if (uri.getPass() != null && !uri.getPass().isEmpty()) {
            inUrl = Secret.of(uri.getPass());
            userInUrl = uri.getUser();
        }
        if (username == null || (userInUrl != null && username.equals(DEFAULT_USERNAME))) {
            username = userInUrl; // the default user is GitHub's placeholder; a user written in the URL wins
        }
        if (token == null) {
            token = inUrl;
        }
        List<Secret> known = new ArrayList<>();
        if (inUrl != null) {
            known.add(inUrl);
        }
        if (token != null) {
            known.add(token);
        }
        if (sshKeyPassphrase != null) {
            known.add(sshKeyPassphrase);
        }
        this.secrets = List.copyOf(known);
        this.redactor = Redactor.of(secrets);
        this.url = GitAuth.display(remoteUrl);
        this.ssh = GitAuth.isSsh(uri);
        this.http = isHttp;
        this.hasToken = token != null;
        this.auth = new GitAuth(
                uri, username == null ? DEFAULT_USERNAME : username, token, sshKey, knownHosts, sshKeyPassphrase);
        this.host = uri.getHost() != null ? uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") : "local";
        this.hostName = uri.getHost() != null ? uri.getHost() : "local";
        this.hostPort = uri.getHost() == null
                ? "local"
                : uri.getHost() + ":"
                        + (uri.getPort() > 0 ? uri.getPort() : ssh ? 22 : "https".equals(uri.getScheme()) ? 443 : 80);
        if (ssh && configuredToken != null) {
            // A token is for HTTPS; over SSH the key signs in. Say so rather than let it seem to be used.
            LOG.warn("git.token (GIT_TOKEN) is set but unused: {} is an SSH URL, which signs in with git.ssh-key", url);
        }
    }

    /**
     * Accepts a credential found in an http(s) remote URL with a one-line notice, or refuses it when the
     * explicit settings say otherwise (naming both keys, showing neither value).
     */
    private static void credentialsInUrl(
            Endpoint endpoint, Secret inUrl, String userInUrl, Secret token, String username) {
        if (token != null && !token.reveal().equals(inUrl.reveal())) {
            throw new SyncConfigException("git.remote-url carries a token and git.token (GIT_TOKEN) is set to a"
                    + " different one; remove the credentials from git.remote-url (" + endpoint.display() + ")");
        }
        if (userInUrl != null
                && username != null
                && !username.equals(DEFAULT_USERNAME)
                && !username.equals(userInUrl)) {
            throw new SyncConfigException("git.remote-url carries the user '" + userInUrl + "' and git.username is '"
                    + username + "'; remove the credentials from git.remote-url (" + endpoint.display() + ")");
        }
        LOG.warn(
                "git.remote-url carries a credential; it is used as the token for {}, but it belongs in git.token"
                        + " (GIT_TOKEN) and the URL should be {}",
                endpoint.authority(),
                endpoint.display());
    }

    /** The parsed URL as configured (it may still hold user info: never show it). */
    public URIish uri() {
        return uri;
    }

    /** The URL without credentials: for people, and for the cached clone's config. */
    public String url() {
        return url;
    }

    public GitAuth auth() {
        return auth;
    }

    public List<Secret> secrets() {
        return secrets;
    }

    public Redactor redactor() {
        return redactor;
    }

    public boolean ssh() {
        return ssh;
    }

    public boolean hasToken() {
        return hasToken;
    }

    /**
     * JGit's connect and read timeout: a third of the time left, because JGit may send a request more
     * than once (protocol fallbacks), and all of them must end within the run's deadline.
     */
    public static int timeoutSeconds(Deadline runDeadline) {
        long seconds = (runDeadline.remaining().toMillis() / 3 + 999) / 1000;
        return (int) Math.max(1, Math.min(seconds, Integer.MAX_VALUE));
    }

    /**
     * Talks to the remote: transient failures (timeouts, resets, 5xx, 429) are retried within the run's
     * deadline with a visible "retrying (n/N)" line; a refused connection or an unknown host fails at once.
     * What is given up on is not retried again by the pipeline: the deadline has been spent.
     */
    public <T> T call(String action, Deadline runDeadline, Supplier<T> call) {
        try {
            return REMOTE_RETRY.call(
                    call,
                    runDeadline,
                    (attempt, max, wait, cause) -> LOG.warn(
                            "retrying ({}/{}) {} {} in {} ms: {}",
                            attempt,
                            max,
                            action,
                            host,
                            wait.toMillis(),
                            cause.getMessage()));
        } catch (SyncException e) {
            if (!e.isRetryable() || e instanceof SyncConfigException) {
                throw e;
            }
            String why = runDeadline.expired()
                    ? "; " + runDeadline.exceededMessage(action + " " + host, "git.deadline")
                    : " (gave up after " + REMOTE_RETRY.maxAttempts() + " attempts)";
            throw side.failure(e.getMessage() + why, e.getCause());
        }
    }

    /**
     * What a failed fetch, push or ls-remote means, in words naming the setting to fix.
     *
     * @param action e.g. {@code fetch from}
     * @param target the remote (and ref) as shown to people
     */
    public SyncException transportFailure(String action, String target, TransportException e) {
        String text = String.valueOf(e.getMessage());
        String lower = text.toLowerCase(Locale.ROOT);
        String unreachable = unreachable(e);
        if (unreachable != null) {
            return side.failure(
                    redactor.redact("Cannot " + action + " " + target + ": " + unreachable
                            + " (check git.remote-url and that the server is up)"),
                    scrubbed(e));
        }
        StringBuilder chain = new StringBuilder();
        for (Throwable t = e; t != null && chain.length() < 4000; t = t.getCause() == t ? null : t.getCause()) {
            chain.append(' ').append(t.getMessage());
        }
        String all = chain.toString().toLowerCase(Locale.ROOT);
        if (http && lower.contains("no credentialsprovider")) {
            // The server asked who we are and no token is configured: a settings problem (exit 2).
            return new SyncConfigException("no token for " + url + ": set GIT_TOKEN (or git.token)");
        }
        if (http && (lower.contains("not authorized") || lower.contains(" 401"))) {
            return side.failure(
                    redactor.redact("Cannot " + action + " " + target + ": " + hostName
                            + " rejected the token (HTTP 401); check git.token (GIT_TOKEN) and git.username"),
                    scrubbed(e));
        }
        if (http && (lower.contains("not permitted") || lower.contains(" 403"))) {
            return side.failure(
                    redactor.redact("Cannot " + action + " " + target + ": " + hostName
                            + " refused access with this token (HTTP 403); check that git.token (GIT_TOKEN) may"
                            + (side == Side.SOURCE ? " read" : " write to") + " the repository"),
                    scrubbed(e));
        }
        if (ssh && (all.contains("did not validate") || all.contains("known_hosts") || all.contains("host key"))) {
            return side.failure(
                    redactor.redact("Cannot " + action + " " + target + ": the host key is not trusted for " + hostPort
                            + "; check git.known-hosts (a known_hosts line for " + hostName + ")"),
                    scrubbed(e));
        }
        if (ssh
                && (all.contains("auth fail")
                        || all.contains("authenticat")
                        || all.contains("cannot log in")
                        || all.contains("no more authentication methods")
                        || all.contains("permission denied"))) {
            return side.failure(
                    redactor.redact("Cannot " + action + " " + target + ": " + hostPort
                            + " refused the SSH key; check git.ssh-key (and git.ssh-key-passphrase), and that its"
                            + " public key is registered for the user"),
                    scrubbed(e));
        }
        boolean authFailed = lower.contains("not authorized")
                || lower.contains("authenticat")
                || lower.contains("auth fail")
                || lower.contains("did not validate")
                || lower.contains("permission denied")
                || lower.contains("no more authentication methods");
        if (authFailed) {
            return side.failure(
                    redactor.redact("Cannot " + action + " " + target
                            + (ssh
                                    ? ": authentication failed or the host key is not trusted (check git.ssh-key"
                                            + " and git.known-hosts): "
                                    : ": authentication failed (check git.token and git.username): ")
                            + text),
                    scrubbed(e));
        }
        if (isTransient(e)) {
            String what = lower.contains("timed out") || lower.contains("timeout")
                    ? hostPort + " did not answer in time (" + text + ")"
                    : text;
            return side.transientFailure(redactor.redact("Cannot " + action + " " + target + ": " + what), scrubbed(e));
        }
        return side.failure(redactor.redact("Cannot " + action + " " + target + ": " + text), scrubbed(e));
    }

    /** "host … cannot be resolved" or "connection refused by …" when the host cannot be reached at all. */
    private String unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String text = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (t instanceof java.nio.channels.UnresolvedAddressException
                    || text.contains("unresolvedaddressexception")
                    || text.contains("<unresolved>")) {
                // MINA (SSH) reports it as "DefaultConnectFuture[…]: Failed (UnresolvedAddressException)".
                return "cannot resolve " + hostName;
            }
            if (t instanceof java.net.UnknownHostException
                    || text.contains("unknownhost")
                    || text.contains("name or service not known")
                    || text.contains("nodename nor servname")
                    || text.contains("temporary failure in name resolution")) {
                return "cannot resolve " + hostName;
            }
            if ((t instanceof java.net.ConnectException && !text.contains("timed out"))
                    || text.contains("connection refused")
                    || t instanceof java.net.NoRouteToHostException
                    || text.contains("no route to host")) {
                return "connection refused by " + hostPort;
            }
        }
        return null;
    }

    private static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String text = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (t instanceof java.io.InterruptedIOException
                    || t instanceof java.net.SocketException
                    || t instanceof EOFException
                    || text.contains("timed out")
                    || text.contains("timeout")
                    || text.contains("connection reset")
                    || text.contains("broken pipe")
                    || text.contains("end of file")
                    || text.matches("(?s).*\\b(429|5\\d\\d)\\b.*")) {
                return true;
            }
        }
        return false;
    }

    /** A failure of this side with the secrets scrubbed from the text and the cause. */
    public SyncException failure(String text, Throwable cause) {
        return side.failure(redactor.redact(text), cause == null ? null : scrubbed(cause));
    }

    /** The cause with the secrets scrubbed from its messages. */
    public Throwable scrubbed(Throwable cause) {
        return secrets.isEmpty() ? cause : redactor.redact(cause);
    }

    @Override
    public void close() {
        auth.close();
    }
}
