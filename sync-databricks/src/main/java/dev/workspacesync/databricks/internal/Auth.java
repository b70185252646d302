package dev.workspacesync.databricks.internal;

import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.PatCredentialsProvider;
import com.databricks.sdk.core.oauth.OAuthM2MServicePrincipalCredentialsProvider;
import dev.workspacesync.core.Endpoint;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncConfigException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides how the destination signs in, before the SDK sees anything: explicit settings win over the
 * environment, and a mix that the SDK would reject with "more than one authorization method" (or would
 * silently resolve some way) is refused with a message naming the keys.
 *
 * <p>Order: an explicit token (PAT), explicit OAuth M2M client credentials, an explicit profile; else
 * {@code DATABRICKS_TOKEN} or {@code DATABRICKS_CLIENT_ID}/{@code DATABRICKS_CLIENT_SECRET} from the
 * environment; else the SDK's own chain ({@code ~/.databrickscfg}, default profile), unless nothing it
 * reads is there: then one line says what to set ({@link #NO_CREDENTIALS}). A token or client
 * credentials pin the SDK's auth type, so stray {@code DATABRICKS_*} variables cannot change the method.
 *
 * <p>The environment is passed in (a map) so that this decision is testable. The SDK 0.141.0 itself still
 * reads {@code System.getenv()} while resolving: its {@code DatabricksConfig.resolve(Environment)} hook is
 * package-private. That only fills fields left unset, and the pinned auth type keeps it from changing
 * the sign-in method.
 *
 * @param host the workspace URL, or null
 * @param token a personal access token, or null
 * @param profile a {@code ~/.databrickscfg} profile, or null
 * @param clientId an OAuth M2M client id, or null
 * @param clientSecret an OAuth M2M client secret, or null
 */
public record Auth(String host, Secret token, String profile, String clientId, Secret clientSecret) {
    private static final Logger LOG = LoggerFactory.getLogger(Auth.class);

    /** The setting keys, for messages. */
    public static final String HOST = "databricks.host";

    static final String TOKEN = "databricks.token";
    static final String PROFILE = "databricks.profile";
    static final String CLIENT_ID = "databricks.client-id";
    static final String CLIENT_SECRET = "databricks.client-secret";

    /**
     * Checks the explicit settings against each other.
     *
     * @throws SyncConfigException naming the keys of an ambiguous or incomplete mix
     */
    public Auth {
        host = assumeHttps(HOST, host);
        List<String> problems = new ArrayList<>();
        if (token != null && (clientId != null || clientSecret != null)) {
            problems.add("Both '" + TOKEN + "' and OAuth client credentials ('" + CLIENT_ID + "'/'" + CLIENT_SECRET
                    + "') are set; choose one way to sign in to Databricks");
        }
        if ((clientId == null) != (clientSecret == null) && token == null) {
            problems.add("OAuth M2M needs both '" + CLIENT_ID + "' and '" + CLIENT_SECRET + "'; only '"
                    + (clientId == null ? CLIENT_SECRET : CLIENT_ID) + "' is set");
        }
        if (host != null) {
            problems.addAll(hostProblems(HOST, host));
        }
        if (!problems.isEmpty()) {
            throw new SyncConfigException(problems);
        }
    }

    /**
     * A workspace URL written without a scheme ({@code adb-123.4.azuredatabricks.net}, as the Databricks
     * CLI accepts it) is taken as https, with one notice line; any other value is returned as it is.
     */
    static String assumeHttps(String key, String value) {
        if (value == null
                || value.isBlank()
                || value.contains("://")
                || !SCHEMELESS.matcher(value.trim()).matches()) {
            return value;
        }
        String url = "https://" + value.trim();
        LOG.warn("'{}' has no scheme; assuming https: {}", key, Endpoint.stripUserInfo(url));
        return url;
    }

    /** A host name with an optional port and path, and nothing that could be another scheme's syntax. */
    private static final Pattern SCHEMELESS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(:[0-9]{1,5})?(/\\S*)?");

    /**
     * Why no sign-in method can work, or null when one might: nothing explicit, nothing in the environment
     * that the SDK's chain reads, no {@code ~/.databrickscfg} it would read, and no {@code databricks} (or,
     * for an Azure host, {@code az}) CLI on the PATH that could hold a login. Saying so in one line beats
     * the SDK's three stack traces of OIDC probes.
     */
    static String missingCredentials(Map<String, String> environment, String host) {
        for (String name : AMBIENT) {
            if (blankToNull(environment.get(name)) != null) {
                return null;
            }
        }
        if (host == null) {
            // Without a host the SDK reads the config file's DEFAULT profile (with a host it never does).
            String home = blankToNull(environment.get("HOME"));
            String file = blankToNull(environment.get("DATABRICKS_CONFIG_FILE"));
            Path cfg = file != null
                    ? Path.of(file.replaceFirst("^~", home == null ? System.getProperty("user.home") : home))
                    : Path.of(home == null ? System.getProperty("user.home") : home, ".databrickscfg");
            if (Files.isRegularFile(cfg)) {
                return null;
            }
        }
        if (onPath(environment, "databricks")
                || (host != null && host.contains(".azuredatabricks.") && onPath(environment, "az"))) {
            return null;
        }
        return NO_CREDENTIALS + (host == null ? "; and the workspace URL: databricks.host or DATABRICKS_HOST" : "");
    }

    /** The one line shown when nothing can sign in. */
    public static final String NO_CREDENTIALS =
            "no Databricks credentials: set DATABRICKS_TOKEN, or databricks.profile,"
                    + " or OAuth client id/secret (DATABRICKS_CLIENT_ID/DATABRICKS_CLIENT_SECRET)";

    /** Variables through which the SDK's default chain may find a way to sign in (besides token and client). */
    private static final List<String> AMBIENT = List.of(
            "DATABRICKS_CONFIG_PROFILE",
            "DATABRICKS_AUTH_TYPE",
            "DATABRICKS_USERNAME",
            "DATABRICKS_PASSWORD",
            "DATABRICKS_CLI_PATH",
            "DATABRICKS_METADATA_SERVICE_URL",
            "DATABRICKS_GOOGLE_SERVICE_ACCOUNT",
            "GOOGLE_CREDENTIALS",
            "DATABRICKS_AZURE_RESOURCE_ID",
            "ARM_CLIENT_ID",
            "ARM_CLIENT_SECRET",
            "ARM_USE_MSI",
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            "DATABRICKS_OIDC_TOKEN_FILEPATH",
            "DATABRICKS_OIDC_TOKEN_ENV");

    private static boolean onPath(Map<String, String> environment, String command) {
        String path = environment.get("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /**
     * What is wrong with a workspace URL from {@code key} (a setting or {@code DATABRICKS_HOST}): not an
     * http(s) URL, https to a host the JDK's TLS cannot verify, or credentials inside it (refused: the SDK
     * would print them, and the token belongs in its own setting). Messages never show the password.
     */
    static List<String> hostProblems(String key, String value) {
        String where = "'" + TOKEN + "' (DATABRICKS_TOKEN)";
        if (!(value.startsWith("https://") || value.startsWith("http://"))) {
            String shown = Endpoint.stripUserInfo(value);
            return List.of("'" + key + "' must be a URL such as https://adb-123.4.azuredatabricks.net, not '"
                    + (shown.indexOf('@') >= 0 ? shown.substring(shown.lastIndexOf('@') + 1) : shown) + "'");
        }
        try {
            Endpoint.parse("'" + key + "'", value).requireHttp("'" + key + "'").refuseUserInfo("'" + key + "'", where);
            return List.of();
        } catch (SyncConfigException e) {
            return e.problems();
        }
    }

    /**
     * A configuration for the SDK from these settings and the environment.
     *
     * @throws SyncConfigException when the environment alone is ambiguous
     */
    public DatabricksConfig configure(Map<String, String> environment) {
        DatabricksConfig config = new DatabricksConfig();
        String envHost = profile == null && host == null
                ? assumeHttps("DATABRICKS_HOST", blankToNull(environment.get("DATABRICKS_HOST")))
                : null;
        if (host != null) {
            config.setHost(host);
        } else if (profile == null && envHost != null) {
            List<String> problems = hostProblems("DATABRICKS_HOST", envHost);
            if (!problems.isEmpty()) {
                throw new SyncConfigException(problems);
            }
            config.setHost(envHost);
        }
        if (profile != null) {
            config.setProfile(profile);
        }
        String configFile = blankToNull(environment.get("DATABRICKS_CONFIG_FILE"));
        if (configFile != null) {
            config.setConfigFile(configFile); // read from the given environment, not only the process's
        }
        if (token != null) {
            return pat(config.setToken(token.reveal()));
        }
        if (clientId != null) {
            return m2m(config.setClientId(clientId).setClientSecret(clientSecret.reveal()));
        }
        if (profile != null) {
            return config; // the profile says how to sign in
        }
        String envToken = blankToNull(environment.get("DATABRICKS_TOKEN"));
        String envClient = blankToNull(environment.get("DATABRICKS_CLIENT_ID"));
        String envSecret = blankToNull(environment.get("DATABRICKS_CLIENT_SECRET"));
        if (envToken != null && (envClient != null || envSecret != null)) {
            throw new SyncConfigException("Both DATABRICKS_TOKEN and DATABRICKS_CLIENT_ID/DATABRICKS_CLIENT_SECRET are"
                    + " set in the environment; set '" + TOKEN + "' or '" + CLIENT_ID + "' explicitly, or unset one");
        }
        if (envToken != null) {
            return pat(config.setToken(envToken));
        }
        if (envClient != null && envSecret != null) {
            return m2m(config.setClientId(envClient).setClientSecret(envSecret));
        }
        String missing = missingCredentials(environment, host != null ? host : envHost);
        if (missing != null) {
            throw new SyncConfigException(missing);
        }
        return config; // the SDK's own chain: ~/.databrickscfg and its default profile
    }

    /**
     * Pins PAT auth. Setting the provider itself, not only the auth type, also skips the default chain's
     * probing of the OIDC endpoints (one wasted request and a logged warning per client).
     */
    private static DatabricksConfig pat(DatabricksConfig config) {
        return config.setAuthType("pat").setCredentialsProvider(new PatCredentialsProvider());
    }

    /** Pins OAuth M2M (client credentials). */
    private static DatabricksConfig m2m(DatabricksConfig config) {
        return config.setAuthType("oauth-m2m")
                .setCredentialsProvider(new OAuthM2MServicePrincipalCredentialsProvider());
    }

    /** The secrets this sign-in uses, including the environment's when they are used. */
    public List<Secret> secrets(Map<String, String> environment) {
        List<Secret> out = new ArrayList<>();
        if (token != null) {
            out.add(token);
        }
        if (clientSecret != null) {
            out.add(clientSecret);
        }
        for (String name : List.of("DATABRICKS_TOKEN", "DATABRICKS_CLIENT_SECRET", "DATABRICKS_PASSWORD")) {
            String value = blankToNull(environment.get(name));
            if (value != null) {
                out.add(Secret.of(value));
            }
        }
        return out;
    }

    /** Where the destination points, for descriptions: the host, or the profile's name. */
    public String describeHost(Map<String, String> environment) {
        if (host != null) {
            return Endpoint.stripUserInfo(host).replaceAll("/+$", "");
        }
        if (profile != null) {
            return "profile " + profile;
        }
        String envHost = blankToNull(environment.get("DATABRICKS_HOST"));
        return envHost != null ? Endpoint.stripUserInfo(envHost).replaceAll("/+$", "") : "default profile";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
