package dev.workspacesync.databricks.internal;

import com.databricks.sdk.core.DatabricksConfig;
import dev.workspacesync.core.Endpoint;
import dev.workspacesync.core.RetryPolicy;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncConfigException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the {@code databricks} source and destination share to reach a workspace: the sign-in ({@link
 * Auth}, resolved once, at construction, so a settings problem fails before any request), the secrets to
 * scrub, the host for messages, and one lazily made {@link Workspace} client (rate limit, retries,
 * deadline) with the signed-in user it reports.
 */
public final class Connection {
    private final Auth auth;
    private final DatabricksConfig explicitConfig;
    private final Map<String, String> environment;
    private final DatabricksConfig configured;
    private final double rateLimit;
    private final RetryPolicy retry;
    private final Duration deadline;
    private Workspace workspace;
    private String user;

    /**
     * @param auth the sign-in settings
     * @param explicitConfig a ready SDK configuration used instead of {@code auth}, or null
     * @param environment where {@code DATABRICKS_*} are read from
     * @param rateLimit requests per second (0 for none)
     * @param retry how transient failures are retried
     * @param deadline how long one request may keep retrying
     * @throws SyncConfigException for an ambiguous sign-in or none at all
     */
    public Connection(
            Auth auth,
            DatabricksConfig explicitConfig,
            Map<String, String> environment,
            double rateLimit,
            RetryPolicy retry,
            Duration deadline) {
        this.auth = auth;
        this.explicitConfig = explicitConfig;
        this.environment = Map.copyOf(environment);
        this.rateLimit = rateLimit;
        this.retry = retry;
        this.deadline = deadline;
        // Fail fast on an ambiguous environment or on no credentials at all (a settings problem, exit 2);
        // kept, so that the notices of configuring (https assumed) are printed once.
        this.configured = explicitConfig == null ? auth.configure(this.environment) : null;
    }

    /** The client, made on first use. */
    public synchronized Workspace workspace() {
        if (workspace == null) {
            workspace = new Workspace(explicitConfig != null ? explicitConfig : configured, rateLimit, retry, deadline);
        }
        return workspace;
    }

    /** The signed-in user's name ({@code scim/v2/Me}, asked once), or null when the workspace does not say. */
    public synchronized String user() {
        if (user == null) {
            String name = workspace().currentUser();
            user = name == null || name.isBlank() ? null : name;
        }
        return user;
    }

    /** Where the connection points, for messages: the host (never with credentials), or the profile. */
    public String host() {
        if (explicitConfig != null && explicitConfig.getHost() != null) {
            return Endpoint.stripUserInfo(explicitConfig.getHost()).replaceAll("/+$", "");
        }
        return auth.describeHost(environment);
    }

    /** Every secret this connection may send, so it can be scrubbed from every message. */
    public List<Secret> secrets() {
        List<Secret> secrets = new ArrayList<>(auth.secrets(environment));
        if (explicitConfig != null) {
            if (explicitConfig.getToken() != null && !explicitConfig.getToken().isBlank()) {
                secrets.add(Secret.of(explicitConfig.getToken()));
            }
            if (explicitConfig.getClientSecret() != null
                    && !explicitConfig.getClientSecret().isBlank()) {
                secrets.add(Secret.of(explicitConfig.getClientSecret()));
            }
        }
        return secrets;
    }

    /**
     * A configured workspace folder, trimmed of trailing slashes.
     *
     * @throws SyncConfigException naming {@code databricks.root} when it is not an absolute folder path
     */
    public static String normalizeRoot(String root) {
        String r = root.trim().replaceAll("/+$", "");
        if (!r.startsWith("/") || r.isEmpty() || r.contains("//") || r.contains("/../") || r.endsWith("/..")) {
            throw new SyncConfigException("'databricks.root' must be an absolute workspace folder such as"
                    + " /Workspace/Users/me@example.com/projects/p, not '" + root + "'");
        }
        return r;
    }

    /** The path of a listed object relative to the root, whichever {@code /Workspace} form either uses; or null. */
    public static String relative(String root, String objectPath) {
        String r = stripWorkspace(root);
        String p = stripWorkspace(objectPath);
        if (!p.startsWith(r.equals("/") ? "/" : r + "/")) {
            return null;
        }
        return p.substring(r.equals("/") ? 1 : r.length() + 1);
    }

    private static String stripWorkspace(String path) {
        return path.equals("/Workspace") ? "/" : path.startsWith("/Workspace/") ? path.substring(10) : path;
    }
}
