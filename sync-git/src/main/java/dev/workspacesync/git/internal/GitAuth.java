package dev.workspacesync.git.internal;

import dev.workspacesync.core.Endpoint;
import dev.workspacesync.core.HttpRequests;
import dev.workspacesync.core.Secret;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.JGitKeyCache;
import org.eclipse.jgit.transport.sshd.KeyPasswordProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * Credentials for one remote, attached to each command (never to the URL, the clone's config or any
 * global JGit state): a token as the password of HTTPS basic auth, or an SSH session factory with one
 * key and one known_hosts file, ignoring {@code ~/.ssh/config}, agents and proxies.
 */
public final class GitAuth implements AutoCloseable {
    private final String username;
    private final Secret token;
    private final SshdSessionFactory ssh;
    private final Endpoint routed;

    public GitAuth(
            URIish remote, String username, Secret token, Path sshKey, Path knownHosts, Secret sshKeyPassphrase) {
        this.username = username;
        this.token = token;
        this.ssh = isSsh(remote) ? sshFactory(sshKey, knownHosts, sshKeyPassphrase) : null;
        String scheme = remote.getScheme();
        Endpoint endpoint = scheme != null && scheme.startsWith("http")
                ? Endpoint.parse("git.remote-url", remote.toString()).withoutUserInfo()
                : null;
        this.routed = endpoint != null && HttpRequests.routed(endpoint) ? endpoint : null;
    }

    /**
     * What a fetch or push names as its remote: {@code configured} (the clone's remote), or, for an http
     * remote whose host {@link java.net.URI} cannot hold (a Compose name such as {@code git_server}), its URL
     * by address: JGit's own proxy lookup cannot handle such a host, so JGit is given the address and
     * {@link RoutedHttpConnection} sends every request to the named host through core.
     *
     * @throws IOException when the host does not resolve (the message names it)
     */
    public String remote(String configured) throws IOException {
        if (routed == null) {
            return configured;
        }
        return HttpRequests.newRequest(routed).build().uri().toString();
    }

    /** Whether a URL is reached over SSH ({@code ssh://} or scp-like {@code user@host:path}). */
    public static boolean isSsh(URIish uri) {
        String scheme = uri.getScheme();
        return scheme == null ? uri.getHost() != null : scheme.equals("ssh") || scheme.equals("git+ssh");
    }

    /** Parses a remote URL. */
    public static URIish parse(String url) {
        try {
            return new URIish(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a git URL");
        }
    }

    /** The URL without user info when it carries a password (for display and the clone's config). */
    public static String display(String url) {
        try {
            URIish uri = new URIish(url);
            if (uri.getPass() != null
                    || (uri.getScheme() != null && uri.getScheme().startsWith("http"))) {
                uri = uri.setPass(null).setUser(null);
            }
            return uri.toString();
        } catch (URISyntaxException e) {
            return "(unparsable URL)";
        }
    }

    /** Configures a fetch or push. */
    public <C extends TransportCommand<C, ?>> C configure(C command) {
        if (token != null) {
            command.setCredentialsProvider(new UsernamePasswordCredentialsProvider(username, token.reveal()));
        }
        if (ssh != null) {
            command.setTransportConfigCallback(transport -> {
                if (transport instanceof SshTransport sshTransport) {
                    sshTransport.setSshSessionFactory(ssh);
                }
            });
        } else if (routed != null) {
            command.setTransportConfigCallback(transport -> {
                if (transport instanceof TransportHttp http) {
                    URIish by = transport.getURI();
                    String address = by.getHost() + (by.getPort() == -1 ? "" : ":" + by.getPort());
                    http.setHttpConnectionFactory(RoutedHttpConnection.factory(address, routed));
                }
            });
        }
        return command;
    }

    private static SshdSessionFactory sshFactory(Path key, Path knownHosts, Secret passphrase) {
        File home = Homes.userHome().toFile();
        SshdSessionFactoryBuilder builder = new SshdSessionFactoryBuilder()
                .setHomeDirectory(home)
                .setSshDirectory(new File(home, ".ssh"))
                .setConfigStoreFactory((h, f, u) -> null)
                .setPreferredAuthentications("publickey")
                .setConnectorFactory(null)
                .setProxyDataFactory(null);
        if (key != null) {
            builder.setDefaultIdentities(dir -> List.of(key));
        }
        if (knownHosts != null) {
            builder.setDefaultKnownHostsFiles(dir -> List.of(knownHosts));
        }
        if (passphrase != null) {
            builder.setKeyPasswordProvider(credentials -> new KeyPasswordProvider() {
                private int attempts = 1;

                @Override
                public char[] getPassphrase(URIish uri, int attempt) {
                    return passphrase.reveal().toCharArray();
                }

                @Override
                public void setAttempts(int maxNumberOfAttempts) {
                    attempts = maxNumberOfAttempts;
                }

                @Override
                public int getAttempts() {
                    return attempts;
                }

                @Override
                public boolean keyLoaded(URIish uri, int attempt, Exception error) {
                    return false; // a wrong passphrase does not get better by asking again
                }
            });
        }
        return builder.build(new JGitKeyCache());
    }

    @Override
    public void close() {
        if (ssh != null) {
            ssh.close();
        }
    }
}
