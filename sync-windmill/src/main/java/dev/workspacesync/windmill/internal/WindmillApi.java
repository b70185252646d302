package dev.workspacesync.windmill.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.core.Deadline;
import dev.workspacesync.core.Endpoint;
import dev.workspacesync.core.HttpRequests;
import dev.workspacesync.core.RetryPolicy;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SourceException;
import dev.workspacesync.core.SyncException;
import dev.workspacesync.windmill.WindmillPullOptions;
import dev.workspacesync.windmill.WindmillPullOptions.Flag;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few Windmill HTTP calls a pull makes, with the CLI's headers. The token goes only into the
 * {@code Authorization} header; it is never part of a URL or a message.
 */
public final class WindmillApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final Endpoint base;
    private final Secret token;
    private final String workspace;
    private final HttpClient http;
    private final Duration timeout;
    private final RetryPolicy retry;

    /**
     * @param baseUrl the server, e.g. {@code http://windmill_server:8000} (a trailing slash is ignored)
     * @param token the bearer token
     * @param workspace the workspace id
     * @param timeout the per-request timeout
     * @param retry how to retry transient failures
     */
    public WindmillApi(String baseUrl, Secret token, String workspace, Duration timeout, RetryPolicy retry) {
        // Endpoint, not java.net.URI: a Compose host such as windmill_server has no URI host.
        this.base = Endpoint.parse("windmill.base-url", baseUrl).requireHttp("windmill.base-url");
        this.baseUrl = base.withPath("").display();
        this.token = token;
        this.workspace = workspace;
        this.timeout = timeout;
        this.retry = retry;
        this.http = HttpRequests.newClient()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Checks the token ({@code GET /api/users/whoami}, then the workspace's whoami as the CLI does). */
    public JsonNode whoami() {
        return retrying(() -> {
            HttpResponse<byte[]> response = send("/api/users/whoami");
            if (response.statusCode() == 401 || response.statusCode() == 403) {
                response = send("/api/w/" + enc(workspace) + "/users/whoami");
                if (response.statusCode() == 401 || response.statusCode() == 403) {
                    throw new SourceException(
                            "Windmill rejected the token for " + baseUrl + " (HTTP " + response.statusCode()
                                    + "); check WINDMILL_TOKEN (windmill.token), and that it may read the workspace '"
                                    + workspace + "'");
                }
            }
            check(response, "/api/users/whoami");
            return json(response, "/api/users/whoami");
        });
    }

    /**
     * The JSON answer to a GET of the workspace path {@code rest} (with its query), retried within the
     * deadline on timeouts, 429 and 5xx.
     *
     * @throws SourceException naming the status and path for any other answer than 2xx
     */
    public JsonNode getJson(String rest) {
        String path = workspacePath(rest);
        return retrying(() -> {
            HttpResponse<byte[]> response = send(path);
            check(response, path);
            return json(response, path);
        });
    }

    /** The {@code file_resource_type_to_file_ext_map}; empty on any error, as in the CLI. */
    public Optional<JsonNode> fileResourceTypes() {
        return optionalJson("/api/w/" + enc(workspace) + "/resources/file_resource_type_to_file_ext_map");
    }

    /** The shared UI files ({@code files} of {@code shared_ui/get}); empty on any error, as in the CLI. */
    public Optional<JsonNode> sharedUi() {
        return optionalJson("/api/w/" + enc(workspace) + "/shared_ui/get");
    }

    /** The items the server flags as workspace-specific; empty on any error (404 on older servers), as in the CLI. */
    public Optional<JsonNode> workspaceSpecificItems() {
        return optionalJson("/api/w/" + enc(workspace) + "/workspaces/list_ws_specific");
    }

    /**
     * The status of one GET of {@code pathAndQuery} and the start of its body (at most 4 KiB; the rest
     * is not read), for read-only checks. Not retried, but bounded by the deadline.
     *
     * @throws SourceException when the server cannot be reached (the message names the host)
     */
    public Probe probe(String pathAndQuery) {
        HttpResponse<InputStream> response;
        try {
            response = http.send(withinDeadline(request(pathAndQuery)), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceException("Interrupted while calling Windmill at " + baseUrl, e);
        }
        try (InputStream body = response.body()) {
            return new Probe(response.statusCode(), new String(body.readNBytes(4096), StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            return new Probe(response.statusCode(), "");
        }
    }

    /** A probe's answer: the HTTP status and the start of the body. */
    public record Probe(int status, String body) {}

    /** The workspace path of an API call, e.g. {@code /api/w/admins/users/whoami}. */
    public String workspacePath(String rest) {
        return "/api/w/" + enc(workspace) + "/" + rest;
    }

    private Optional<JsonNode> optionalJson(String path) {
        try {
            HttpResponse<byte[]> response = send(path);
            if (response.statusCode() / 100 != 2) {
                return Optional.empty();
            }
            return Optional.of(JSON.readTree(response.body()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The query {@code wmill sync pull} sends for these options and archive type. */
    public static String tarballQuery(WindmillPullOptions o, String archiveType) {
        return "archive_type=" + archiveType
                + "&plain_secret=" + o.has(Flag.PLAIN_SECRETS)
                + "&skip_variables=" + o.has(Flag.SKIP_VARIABLES)
                + "&skip_resources=" + o.has(Flag.SKIP_RESOURCES)
                + "&skip_secrets=" + o.has(Flag.SKIP_SECRETS)
                + "&include_schedules=" + o.has(Flag.INCLUDE_SCHEDULES)
                + "&include_triggers=" + o.has(Flag.INCLUDE_TRIGGERS)
                + "&include_users=" + o.has(Flag.INCLUDE_USERS)
                + "&include_groups=" + o.has(Flag.INCLUDE_GROUPS)
                + "&include_settings=" + o.has(Flag.INCLUDE_SETTINGS)
                + "&include_key=" + o.has(Flag.INCLUDE_KEY)
                + "&include_workspace_dependencies=" + !o.has(Flag.SKIP_WORKSPACE_DEPENDENCIES)
                + "&skip_datatable_migrations=" + o.has(Flag.SKIP_DATATABLE_MIGRATIONS)
                + "&default_ts=" + o.defaultTs()
                + "&skip_resource_types=" + o.has(Flag.SKIP_RESOURCE_TYPES)
                + "&settings_version=v2&preserve_extra_perms=true"
                + "&sync_behavior_version=" + o.syncBehavior();
    }

    /**
     * Downloads the workspace archive into {@code target} (at most {@code maxBytes}), zip first and tar when
     * the server answers "Invalid Archive Type". Returns true for a zip.
     */
    public boolean downloadArchive(WindmillPullOptions options, Path target, long maxBytes) {
        return retrying(() -> {
            String path = "/api/w/" + enc(workspace) + "/workspaces/tarball?";
            if (download(path + tarballQuery(options, "zip"), target, maxBytes, true)) {
                return true;
            }
            download(path + tarballQuery(options, "tar"), target, maxBytes, false);
            return false;
        });
    }

    /** Returns false when a zip was refused with "Invalid Archive Type" (and {@code zipAttempt} is set). */
    private boolean download(String pathAndQuery, Path target, long maxBytes, boolean zipAttempt) {
        HttpResponse<InputStream> response;
        try {
            response = http.send(withinDeadline(request(pathAndQuery)), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceException("Interrupted while downloading the Windmill workspace archive", e);
        }
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status != 200) {
                String text = new String(body.readNBytes(4096), StandardCharsets.UTF_8);
                if (zipAttempt && status == 400 && text.contains("Invalid Archive Type")) {
                    return false;
                }
                if (status == 404 || text.contains("no rows returned")) {
                    throw new SourceException("Windmill workspace '" + workspace + "' was not found at " + baseUrl
                            + " (check WINDMILL_WORKSPACE / windmill.workspace)");
                }
                throw failure(status, "/api/w/" + workspace + "/workspaces/tarball", text);
            }
            long total = 0;
            byte[] buffer = new byte[64 * 1024];
            try (OutputStream out = Files.newOutputStream(target)) {
                int n;
                while ((n = body.read(buffer)) > 0) {
                    total += n;
                    if (total > maxBytes) {
                        throw new SourceException("The Windmill workspace archive download is refused: it reached more"
                                + " than " + maxBytes + " bytes, over the limit (" + ArchiveReader.Limits.ARCHIVE_KEY
                                + " plus 1 KiB per entry of " + ArchiveReader.Limits.ENTRIES_KEY
                                + "). Nothing was written. If the workspace really is this large, raise "
                                + ArchiveReader.Limits.ARCHIVE_KEY + ".");
                    }
                    out.write(buffer, 0, n);
                }
            }
            return true;
        } catch (IOException e) {
            throw SourceException.transientFailure(
                    "The download of the Windmill workspace archive from " + baseUrl + " broke off: " + e.getMessage(),
                    e,
                    null);
        }
    }

    private HttpRequest request(String pathAndQuery) throws IOException {
        return HttpRequests.newRequest(base.withPath(pathAndQuery))
                .timeout(timeout)
                .header("Authorization", "Bearer " + token.reveal())
                .header("X-Windmill-Client", "cli")
                .header("Accept", "application/json, application/octet-stream")
                .GET()
                .build();
    }

    private HttpResponse<byte[]> send(String path) {
        try {
            return http.send(withinDeadline(request(path)), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceException("Interrupted while calling Windmill at " + baseUrl, e);
        }
    }

    // ---- writes, as wmill sync push makes them ----

    /** The answer to one write (or a read made for one): status and body. */
    public record Answer(int status, String body) {
        /** Whether the status is 2xx. */
        public boolean ok() {
            return status / 100 == 2;
        }
    }

    /**
     * One call of {@code wmill sync push}: {@code method} ({@code GET}, {@code POST}, {@code DELETE}) of the
     * workspace path {@code rest} (segments already encoded, see {@link #pathSegments}), with a JSON body for
     * POST, and the CLI's push headers ({@code X-Windmill-Deploy-Origin: sync}). Not retried: a write whose
     * answer was lost may have landed, and the next run plans again from the workspace's state.
     *
     * @throws SourceException when the server cannot be reached (the message names the host)
     */
    public Answer call(String method, String rest, JsonNode body) {
        try {
            HttpRequest.Builder builder = HttpRequests.newRequest(base.withPath(workspacePath(rest)))
                    .timeout(timeout)
                    .header("Authorization", "Bearer " + token.reveal())
                    .header("X-Windmill-Client", "cli")
                    .header("X-Windmill-Deploy-Origin", "sync")
                    .header("Accept", "application/json");
            if (body != null) {
                builder.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            } else {
                builder.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<byte[]> response =
                    http.send(withinDeadline(builder.build()), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceException("Interrupted while calling Windmill at " + baseUrl, e);
        }
    }

    /** A workspace item path ({@code f/x/y}) as URL path segments, each percent-encoded, slashes kept. */
    public static String pathSegments(String itemPath) {
        StringBuilder out = new StringBuilder();
        for (String segment : itemPath.split("/", -1)) {
            out.append(out.length() == 0 ? "" : "/").append(enc(segment));
        }
        return out.toString();
    }

    /** The server this API talks to, for messages (no credentials). */
    public String baseUrl() {
        return baseUrl;
    }

    // ---- retries within the deadline (the HTTP client and the URLs are built above) ----

    private static final Logger LOG = LoggerFactory.getLogger(WindmillApi.class);

    private Deadline deadline;
    private String deadlineKey = "the deadline";

    /**
     * Bounds every call of this API by {@code deadline}: no request waits for its answer past it, and no
     * retry starts after it. {@code settingKey} is named when it passes.
     */
    public WindmillApi withDeadline(Deadline deadline, String settingKey) {
        this.deadline = deadline;
        this.deadlineKey = settingKey;
        return this;
    }

    private <T> T retrying(java.util.function.Supplier<T> action) {
        if (deadline == null) {
            return retry.call(action);
        }
        RetryPolicy.Listener listener = (attempt, attempts, wait, cause) -> LOG.warn(
                "Windmill at {}: retrying ({}/{}) in {} ms: {}",
                baseUrl,
                attempt,
                attempts,
                wait.toMillis(),
                cause.getMessage());
        // The failure worth reporting is the server's, not the deadline that ended the last attempt.
        SyncException[] last = {null};
        java.util.function.Supplier<T> recording = () -> {
            try {
                return action.get();
            } catch (SyncException e) {
                // An attempt the deadline cut short (a timeout) says less than the answer before it.
                if (!(e instanceof DeadlinePassed) && (last[0] == null || !deadline.expired())) {
                    last[0] = e;
                }
                throw e;
            }
        };
        try {
            return retry.call(recording, deadline, listener);
        } catch (SyncException e) {
            if (!e.isRetryable()) {
                throw e;
            }
            // Retried here already: not retryable any more, or the caller would start the deadline again.
            String why = deadline.expired()
                    ? deadline.exceededMessage("Windmill", deadlineKey)
                    : "gave up after " + retry.maxAttempts() + " attempts";
            SyncException cause = last[0] != null ? last[0] : e;
            throw new SourceException(
                    "Windmill at " + Endpoint.stripUserInfo(baseUrl) + ": " + why + "; last failure: "
                            + cause.getMessage(),
                    cause);
        }
    }

    /** An attempt not made because the deadline had passed. */
    private static final class DeadlinePassed extends SourceException {
        private static final long serialVersionUID = 1L;

        DeadlinePassed(String message) {
            super(message, null, true, null);
        }
    }

    private HttpRequest withinDeadline(HttpRequest request) {
        if (deadline == null) {
            return request;
        }
        if (deadline.expired()) {
            throw new DeadlinePassed(
                    "Windmill at " + baseUrl + ": " + deadline.exceededMessage("Windmill", deadlineKey));
        }
        Duration limit = deadline.cap(request.timeout().orElse(timeout));
        return HttpRequest.newBuilder(request, (name, value) -> true)
                .timeout(limit)
                .build();
    }

    /**
     * A refused connection or a name that does not resolve is not retried: the host is down or wrong, and
     * waiting would only hide that. A broken or timed-out exchange may pass on a second try.
     */
    private SourceException unreachable(IOException e) {
        String host = Endpoint.stripUserInfo(baseUrl);
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.channels.UnresolvedAddressException
                    || t instanceof java.net.UnknownHostException) {
                return new SourceException(
                        "Cannot reach Windmill at " + host + ": the host name cannot be resolved (check "
                                + "windmill.base-url)",
                        e);
            }
        }
        if (e instanceof java.net.ConnectException) {
            return new SourceException(
                    "Cannot reach Windmill at " + host + ": connection refused (is the server running? check "
                            + "windmill.base-url)",
                    e);
        }
        String cause = e instanceof java.net.http.HttpTimeoutException
                ? "no answer in time (" + e.getClass().getSimpleName() + ")"
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
        return SourceException.transientFailure("Cannot reach Windmill at " + host + ": " + cause, e, null);
    }

    private void check(HttpResponse<byte[]> response, String path) {
        if (response.statusCode() / 100 != 2) {
            throw failure(response.statusCode(), path, new String(response.body(), StandardCharsets.UTF_8));
        }
    }

    private SourceException failure(int status, String path, String body) {
        String snippet = body.length() > 300 ? body.substring(0, 300) + "…" : body;
        String message = "Windmill at " + baseUrl + " answered HTTP " + status + " to " + path
                + (snippet.isBlank() ? "" : ": " + snippet.strip());
        if (status == 429 || status >= 500) {
            return SourceException.transientFailure(message, null, null);
        }
        return new SourceException(message);
    }

    private static JsonNode json(HttpResponse<byte[]> response, String path) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new SourceException("Windmill answered " + path + " with something that is not JSON", e);
        }
    }

    private static String enc(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
