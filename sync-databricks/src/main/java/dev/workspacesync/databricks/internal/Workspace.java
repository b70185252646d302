package dev.workspacesync.databricks.internal;

import com.databricks.sdk.core.ApiClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.DatabricksError;
import com.databricks.sdk.core.DatabricksException;
import com.databricks.sdk.core.http.Request;
import com.databricks.sdk.core.retry.NoRetryStrategyPicker;
import com.databricks.sdk.service.files.DownloadRequest;
import com.databricks.sdk.service.files.DownloadResponse;
import com.databricks.sdk.service.files.FilesAPI;
import com.databricks.sdk.service.iam.CurrentUserAPI;
import com.databricks.sdk.service.iam.MeRequest;
import com.databricks.sdk.service.workspace.Delete;
import com.databricks.sdk.service.workspace.ExportFormat;
import com.databricks.sdk.service.workspace.ExportRequest;
import com.databricks.sdk.service.workspace.GetStatusRequest;
import com.databricks.sdk.service.workspace.Import;
import com.databricks.sdk.service.workspace.ImportFormat;
import com.databricks.sdk.service.workspace.ListWorkspaceRequest;
import com.databricks.sdk.service.workspace.Mkdirs;
import com.databricks.sdk.service.workspace.ObjectInfo;
import com.databricks.sdk.service.workspace.WorkspaceAPI;
import dev.workspacesync.core.Deadline;
import dev.workspacesync.core.Endpoint;
import dev.workspacesync.core.RetryPolicy;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SourceException;
import dev.workspacesync.core.SyncConfigException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workspace calls the destination makes, through the Databricks SDK for Java with its own retries
 * switched off: every call goes through our {@link RetryPolicy} (backoff, {@code Retry-After}) and a
 * client-side rate limiter, and uploads stream the file with a fresh stream per attempt (SDK 0.141.0
 * re-sends a retried stream empty, which would write a 0-byte file).
 *
 * <p>Each call retries transient failures (429, 502, 503, 504, a dropped connection, a timeout) for at
 * most the {@link Deadline} it is given, logging a "retrying (n/N)" line per retry; a host that refuses
 * connections or whose name does not resolve fails at once. Either way the message names the host and
 * the cause, and the failure {@link WorkspaceException#stopsRun() stops the run}.
 */
public final class Workspace {
    private static final Logger LOG = LoggerFactory.getLogger(Workspace.class);
    private static final String IMPORT_FILE = "/api/2.0/workspace-files/import-file/";
    /** The longest a TCP connect may take: a host that does not answer is down, not slow. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final ApiClient api;
    private final WorkspaceAPI workspace;
    private final CurrentUserAPI currentUser;
    private final FilesAPI files;
    private final LimitedHttpClient http;
    private final RetryPolicy retry;
    private final Duration deadline;
    private final String host;
    private final String authType;

    /**
     * Resolves the configuration (the SDK's auth chain) and connects.
     *
     * @param config host and credentials; its HTTP client and retry settings are replaced
     * @param requestsPerSecond the client-side rate limit (0 or less for none)
     * @param retry how transient failures are retried
     * @param deadline how long one call may keep retrying
     * @throws SyncConfigException if the SDK cannot resolve a usable configuration
     */
    public Workspace(DatabricksConfig config, double requestsPerSecond, RetryPolicy retry, Duration deadline) {
        this.retry = retry;
        this.deadline = deadline;
        int timeout = config.getHttpTimeoutSeconds() == null ? 300 : config.getHttpTimeoutSeconds();
        Duration connect = deadline.compareTo(CONNECT_TIMEOUT) < 0 ? deadline : CONNECT_TIMEOUT;
        this.authType = config.getAuthType() == null ? "" : config.getAuthType();
        boolean pinned = authType.equals("pat") || authType.equals("oauth-m2m");
        this.http = new LimitedHttpClient(
                new JdkHttpClient(connect, Duration.ofSeconds(timeout)), requestsPerSecond, pinned);
        config.setHttpClient(http).setDisableRetries(true);
        try {
            config.resolve();
        } catch (DatabricksException e) {
            throw new SyncConfigException("Cannot configure the Databricks client: " + e.getMessage(), e);
        }
        if (config.getHost() == null || config.getHost().isBlank()) {
            throw new SyncConfigException("Cannot configure the Databricks client: no workspace URL; set"
                    + " databricks.host, DATABRICKS_HOST or a profile with a host in ~/.databrickscfg");
        }
        this.host = Endpoint.stripUserInfo(config.getHost()).replaceAll("/+$", "");
        this.api = new ApiClient.Builder()
                .withDatabricksConfig(config)
                .withRetryStrategyPicker(new NoRetryStrategyPicker())
                .build();
        this.workspace = new WorkspaceAPI(api);
        this.currentUser = new CurrentUserAPI(api);
        this.files = new FilesAPI(api);
    }

    /** The workspace URL, as shown in messages (never with credentials). */
    public String host() {
        return host;
    }

    /** HTTP requests sent so far (including the SDK's own, such as host metadata). */
    public long requests() {
        return http.requests();
    }

    /** The signed-in user's name ({@code scim/v2/Me}). */
    public String currentUser() {
        return call(
                "Reading the current user",
                "/",
                () -> currentUser.me(new MeRequest()).getUserName());
    }

    /** The object at an absolute path, or empty when it does not exist. */
    public Optional<ObjectInfo> status(String path) {
        try {
            return Optional.of(
                    call("Reading " + path, path, () -> workspace.getStatus(new GetStatusRequest().setPath(path))));
        } catch (WorkspaceException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The children of a folder (empty when it does not exist). */
    public List<ObjectInfo> list(String path) {
        try {
            List<ObjectInfo> out = new ArrayList<>();
            call("Listing " + path, path, () -> {
                out.clear();
                workspace.list(new ListWorkspaceRequest().setPath(path)).forEach(out::add);
                return null;
            });
            return out;
        } catch (WorkspaceException e) {
            if (e.isNotFound()) {
                return List.of();
            }
            throw e;
        }
    }

    /** Creates a folder and its parents (idempotent). */
    public void mkdirs(String path) {
        call("Creating folder " + path, path, () -> {
            workspace.mkdirs(new Mkdirs().setPath(path));
            return null;
        });
    }

    /** Deletes an object; returns false when it was already gone. */
    public boolean delete(String path, boolean recursive) {
        try {
            call("Deleting " + path, path, () -> {
                workspace.delete(new Delete().setPath(path).setRecursive(recursive));
                return null;
            });
            return true;
        } catch (WorkspaceException e) {
            if (e.isNotFound()) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Creates a small file with {@code /workspace/import} and {@code overwrite=false}, which the server
     * refuses when anything is at the path: of several clients racing, exactly one gets {@code true}.
     *
     * @return false when an object is already there (400 {@code RESOURCE_ALREADY_EXISTS}, or 409 under
     *     contention)
     */
    public boolean createExclusive(String path, byte[] content) {
        try {
            importRaw(path, content, false);
            return true;
        } catch (WorkspaceException e) {
            if (e.status() == 409 || (e.status() == 400 && e.errorCode().equals("RESOURCE_ALREADY_EXISTS"))) {
                return false;
            }
            throw e;
        }
    }

    /** Replaces a small file with {@code /workspace/import} and {@code overwrite=true}. */
    public void overwrite(String path, byte[] content) {
        importRaw(path, content, true);
    }

    private void importRaw(String path, byte[] content, boolean overwrite) {
        call("Writing " + path, path, () -> {
            workspace.importContent(new Import()
                    .setPath(path)
                    .setFormat(ImportFormat.AUTO)
                    .setOverwrite(overwrite)
                    .setContent(Base64.getEncoder().encodeToString(content)));
            return null;
        });
    }

    /** Removes a folder if it is empty; a folder that is gone or still holds something is left alone. */
    public void removeFolderIfEmpty(String path) {
        try {
            delete(path, false);
        } catch (WorkspaceException e) {
            if (!e.errorCode().equals("DIRECTORY_NOT_EMPTY")) {
                throw e;
            }
        }
    }

    /** The content of a file or notebook source ({@code export}, at most 10 MB). */
    public byte[] export(String path) {
        String content = call(
                "Reading " + path,
                path,
                () -> workspace
                        .export(new ExportRequest().setPath(path).setFormat(ExportFormat.SOURCE))
                        .getContent());
        return content == null ? new byte[0] : Base64.getDecoder().decode(content);
    }

    /**
     * A notebook or file as {@code export} answered.
     *
     * @param content the decoded bytes
     * @param fileType the type the server names ({@code py}, {@code sql}, {@code scala}, {@code r},
     *     {@code ipynb}), or "" when it names none
     */
    public record Exported(byte[] content, String fileType) {}

    /**
     * Exports one object as base64 JSON ({@code GET /workspace/export?format=}), at most 10 MB: a notebook
     * in {@code SOURCE} or {@code JUPYTER} format, a file with {@code AUTO}.
     *
     * @throws WorkspaceException {@linkplain WorkspaceException#exceedsExportLimit() over the limit} for a
     *     larger object
     */
    public Exported export(String path, ExportFormat format) {
        return call("Exporting " + path, path, () -> {
            var response = workspace.export(new ExportRequest().setPath(path).setFormat(format));
            String content = response.getContent();
            return new Exported(
                    content == null ? new byte[0] : Base64.getDecoder().decode(content),
                    response.getFileType() == null ? "" : response.getFileType());
        });
    }

    /**
     * Downloads a workspace file of any size into {@code target} with the Files API ({@code GET
     * /api/2.0/fs/files/Workspace/...}, raw bytes streamed to disk, up to 5 GiB), which has no 10 MB
     * limit. A download that breaks off is retried from the start, with the usual backoff.
     *
     * @return the lower-case hex SHA-256 of what was written
     */
    public String download(String path, java.nio.file.Path target) {
        String filesPath = path.startsWith("/Workspace/") ? path : "/Workspace" + path;
        return call("Downloading " + path, path, () -> {
            DownloadResponse response = files.download(new DownloadRequest().setFilePath(filesPath));
            MessageDigest digest = SnapshotEntry.newSha256();
            try (InputStream in = new DigestInputStream(response.getContents(), digest);
                    java.io.OutputStream out = java.nio.file.Files.newOutputStream(target)) {
                in.transferTo(out);
            } catch (IOException e) {
                String problem = connectionProblem(e);
                throw new WorkspaceException(
                                "Downloading " + path + " failed on " + host + ": the download broke off (" + problem
                                        + ")",
                                e,
                                523,
                                "",
                                true,
                                null)
                        .withCause("the download broke off (" + problem + ")");
            }
            return HexFormat.of().formatHex(digest.digest());
        });
    }

    /** The content of a file, or empty when there is none at the path. */
    public Optional<byte[]> exportIfExists(String path) {
        try {
            return Optional.of(export(path));
        } catch (WorkspaceException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Uploads an entry's content to an absolute path with {@code import-file?overwrite=true}, streaming
     * it, retrying transient failures with a new stream each time. A stream that ends early or runs long
     * aborts the request, so the server never stores a truncated file.
     *
     * @return the lower-case hex SHA-256 of what was sent
     */
    public String upload(String path, SnapshotEntry entry) {
        String url = IMPORT_FILE + escape(path.startsWith("/") ? path.substring(1) : path) + "?overwrite=true";
        return call("Uploading " + entry.path() + " to " + path, path, () -> {
            MessageDigest digest = SnapshotEntry.newSha256();
            try (InputStream in = new ExactLength(new DigestInputStream(entry.open(), digest), entry.size())) {
                Request request = new Request(Request.POST, url, in)
                        .withHeader("Content-Type", "application/octet-stream")
                        .withHeader("Accept", "application/json");
                api.execute(request, Void.class);
            } catch (IOException e) {
                // Opening or closing the local stream failed; the request did not complete.
                throw new SourceException("Cannot read " + entry.path() + ": " + e.getMessage(), e);
            }
            return HexFormat.of().formatHex(digest.digest());
        });
    }

    /** Percent-encodes everything but unreserved characters, {@code /} included (as the CLI sends it). */
    static String escape(String path) {
        StringBuilder out = new StringBuilder(path.length() + 16);
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '.'
                    || c == '~') {
                out.append((char) c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private <T> T call(String what, String path, Supplier<T> action) {
        Deadline until = Deadline.after(deadline);
        RetryPolicy.Listener listener = (attempt, max, wait, cause) -> LOG.warn(
                "retrying ({}/{}) in {} ms: {} on {}: {}",
                attempt,
                max,
                wait.toMillis(),
                what,
                host,
                cause instanceof WorkspaceException w ? w.cause() : String.valueOf(cause.getMessage()));
        try {
            return retry.call(
                    () -> {
                        try {
                            return action.get();
                        } catch (DatabricksError e) {
                            throw translate(what, path, e);
                        } catch (DatabricksException e) {
                            if (e.getCause() instanceof DatabricksError inner) {
                                throw translate(what, path, inner);
                            }
                            if (String.valueOf(e.getMessage()).contains("cannot configure default credentials")) {
                                // The SDK's chain found nothing (a profile without credentials, a CLI without
                                // a login): the same line as when nothing was configured at all.
                                throw new WorkspaceException(
                                                what + " failed: " + Auth.NO_CREDENTIALS + " (the SDK's default"
                                                        + " chain found none for " + host + ")",
                                                null,
                                                0,
                                                "",
                                                false,
                                                null)
                                        .givenUp(null);
                            }
                            throw new WorkspaceException(
                                    what + " failed on " + host + ": " + e.getMessage(), e, 0, "", false, null);
                        } catch (RuntimeException e) {
                            if (e instanceof dev.workspacesync.core.SyncException) {
                                throw e;
                            }
                            // A bug or an unexpected answer inside the SDK (e.g. an OAuth discovery that
                            // answered nothing usable): one line naming the host, not a bare exception.
                            throw new WorkspaceException(
                                    what + " failed on " + host + ": "
                                            + e.getClass().getSimpleName()
                                            + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                                    e,
                                    0,
                                    "",
                                    false,
                                    null);
                        }
                    },
                    until,
                    listener);
        } catch (WorkspaceException e) {
            if (e.isRetryable()) {
                // Retries ran out (attempts or the deadline): the host is failing, so the run stops here.
                throw e.givenUp(
                        until.expired()
                                ? what + " failed: " + until.exceededMessage(host, "databricks.deadline")
                                        + "; last error: " + e.cause()
                                : what + " failed on " + host + " after " + retry.maxAttempts() + " attempts: "
                                        + e.cause());
            }
            throw e;
        }
    }

    /** Why a request never got an answer, in words (the JDK often leaves the message null). */
    static String connectionProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "the host name does not resolve";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpConnectTimeoutException) {
                return "connect timed out";
            }
            if (t instanceof ConnectException) {
                return t.getMessage() == null || t.getMessage().isBlank()
                        ? "connection refused"
                        : t.getMessage().toLowerCase(java.util.Locale.ROOT);
            }
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpTimeoutException) {
                return "request timed out";
            }
            if (t instanceof IOException
                    && t.getMessage() != null
                    && !t.getMessage().isBlank()) {
                return t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** Connection refused or an unknown name: nobody is there, so retrying only makes the user wait. */
    private static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return true;
            }
            if (t instanceof HttpConnectTimeoutException) {
                return false;
            }
            if (t instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    /** What to check when the workspace refuses the credentials, for the pinned sign-in method. */
    private String credentialsHint() {
        return switch (authType) {
            case "pat" -> "check databricks.token or DATABRICKS_TOKEN";
            case "oauth-m2m" ->
                "check databricks.client-id/databricks.client-secret or"
                        + " DATABRICKS_CLIENT_ID/DATABRICKS_CLIENT_SECRET";
            default -> "check the credentials of databricks.profile or ~/.databrickscfg";
        };
    }

    private WorkspaceException translate(String what, String path, DatabricksError e) {
        Throwable cause = e.getCause();
        if (hasCause(e, SourceChanged.class)) {
            return new WorkspaceException(
                    what + " failed: the local file changed while it was sent; run the sync again",
                    e,
                    0,
                    "",
                    false,
                    null);
        }
        boolean io = cause instanceof IOException || "IO_ERROR".equals(e.getErrorCode());
        if (io && unreachable(e)) {
            String problem = connectionProblem(e);
            return new WorkspaceException(
                            what + " failed: cannot reach " + host + ": " + problem
                                    + " (check databricks.host / DATABRICKS_HOST and that the workspace is up)",
                            e,
                            523,
                            "",
                            false,
                            null)
                    .givenUp(null)
                    .withCause(problem);
        }
        int status = e.getStatusCode();
        String code = e.getErrorCode() == null ? "" : e.getErrorCode();
        if (status == 401) {
            String detail = "Databricks rejected the token for " + host + " (HTTP 401)";
            // Every other request would be refused the same way: the run stops here.
            return new WorkspaceException(
                            what + " failed: " + detail + "; " + credentialsHint(), e, status, code, false, null)
                    .givenUp(null)
                    .withCause(detail);
        }
        if (status == 403 && (code.isEmpty() || code.equals("PERMISSION_DENIED"))) {
            String detail = "the token for " + host + " lacks permission for " + path + " (HTTP 403"
                    + (e.getMessage() == null || e.getMessage().isBlank() ? "" : ": " + e.getMessage()) + ")";
            return new WorkspaceException(
                            what + " failed: " + detail + "; grant it access to the folder, or set databricks.root"
                                    + " to a folder it may write",
                            e,
                            status,
                            code,
                            false,
                            null)
                    .withCause(detail);
        }
        boolean retryable = io || status == 429 || status == 502 || status == 503 || status == 504;
        Duration retryAfter =
                retryable && !io ? LimitedHttpClient.lastRetryAfter().orElse(null) : null;
        String detail = io
                ? "connection error (" + connectionProblem(e) + ")"
                : status + (e.getErrorCode() == null || e.getErrorCode().isEmpty() ? "" : " " + e.getErrorCode()) + ": "
                        + e.getMessage();
        return new WorkspaceException(
                        what + " failed: " + detail, e, io ? 523 : status, e.getErrorCode(), retryable, retryAfter)
                .withCause(detail);
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The local file did not have the size the snapshot promised. */
    static final class SourceChanged extends IOException {
        private static final long serialVersionUID = 1L;

        SourceChanged(String message) {
            super(message);
        }
    }

    /**
     * Passes exactly {@code expected} bytes: reaching the end early, or finding more, throws, which makes
     * the HTTP client abort the chunked request instead of finishing a truncated body.
     */
    static final class ExactLength extends FilterInputStream {
        private final long expected;
        private long seen;

        ExactLength(InputStream in, long expected) {
            super(in);
            this.expected = expected;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            check(b < 0 ? -1 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            int n = super.read(buffer, off, len);
            check(n);
            return n;
        }

        private void check(int n) throws IOException {
            if (n < 0) {
                if (seen != expected) {
                    throw new SourceChanged("ended after " + seen + " of " + expected + " bytes");
                }
                return;
            }
            seen += n;
            if (seen > expected) {
                throw new SourceChanged("has more than the " + expected + " bytes expected");
            }
        }

        @Override
        public long skip(long n) throws IOException {
            throw new IOException("skip is not supported");
        }
    }
}
