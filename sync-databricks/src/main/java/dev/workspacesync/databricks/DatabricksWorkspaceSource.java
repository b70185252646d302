package dev.workspacesync.databricks;

import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.service.workspace.ExportFormat;
import com.databricks.sdk.service.workspace.Language;
import com.databricks.sdk.service.workspace.ObjectInfo;
import com.databricks.sdk.service.workspace.ObjectType;
import dev.workspacesync.core.Check;
import dev.workspacesync.core.Deadline;
import dev.workspacesync.core.FileState;
import dev.workspacesync.core.Redactor;
import dev.workspacesync.core.RetryPolicy;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Skipped;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SourceException;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncException;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.spi.Source;
import dev.workspacesync.databricks.internal.Auth;
import dev.workspacesync.databricks.internal.Connection;
import dev.workspacesync.databricks.internal.FolderChecks;
import dev.workspacesync.databricks.internal.Manifest;
import dev.workspacesync.databricks.internal.Workspace;
import dev.workspacesync.databricks.internal.WorkspaceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports a Databricks Workspace folder as files: the way back of {@link DatabricksWorkspaceDestination},
 * so that a project synced there comes back exactly ({@code run --source databricks --destination
 * directory} into a fresh container).
 *
 * <pre>{@code
 * Source workspace = DatabricksWorkspaceSource.builder()
 *         .host("https://adb-123.4.azuredatabricks.net")
 *         .token(Secret.of(System.getenv("MY_TOKEN")))
 *         .root("/Workspace/Users/me@example.com/projects/etl")
 *         .build();
 * }</pre>
 *
 * <p><b>Layout.</b> The folder is listed recursively ({@code list}); its {@code .workspace-sync/} folder
 * (the destination's manifest) is not part of the snapshot. Files come back byte for byte under their
 * names. Notebooks come back under the name they were sent with: when the folder holds the manifest of
 * {@code DatabricksWorkspaceDestination}, each notebook takes the source name recorded there ({@code
 * etl.py}, {@code report.ipynb}), exported in the matching format ({@code SOURCE}, or {@code JUPYTER} for a
 * notebook imported from {@code .ipynb}) and checked against the recorded digest (a difference, from an edit
 * in the workspace or the service's own normalisation, is logged); the recorded executable bit is restored.
 * Without a record, a notebook is exported as {@code SOURCE} with its language's extension ({@code .py},
 * {@code .sql}, {@code .scala}, {@code .r}). Objects that are neither notebooks nor files (a dashboard, a
 * library, a Git folder inside the folder) and names no snapshot can carry are listed as {@linkplain
 * Snapshot#skipped() skipped}, so the run is reported incomplete, never silently short.
 *
 * <p><b>Size limits.</b> {@code export} answers at most 10 MB. Files up to that size are exported as
 * base64 JSON ({@code format=AUTO}); larger ones (by the listed size, or when export refuses one) are
 * streamed to disk with the Files API ({@code GET /api/2.0/fs/files/Workspace/...}, up to 5 GiB). A notebook
 * larger than 10 MB cannot be exported by any API call and is reported skipped.
 *
 * <p><b>Complete or nothing.</b> Downloads run with at most {@code concurrency} requests in flight, under
 * the same client-side rate limit and retry rules as the destination (429 and 5xx retried with backoff,
 * honouring {@code Retry-After}, within {@link Builder#deadline(Duration)} per request). Everything is staged
 * in a temporary directory before the snapshot is handed out; any failure throws a {@link SourceException}
 * and no snapshot is produced. A missing folder is an error naming it; so is an empty one (a snapshot of
 * nothing would ask the destination to delete everything), unless {@link Builder#allowEmpty(boolean)}.
 *
 * <p><b>Revision.</b> The first 16 hex digits of a SHA-256 over every path and content digest: equal
 * folder contents give the same revision, whatever the workspace's object ids and times.
 */
public final class DatabricksWorkspaceSource implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(DatabricksWorkspaceSource.class);
    private static final long EXPORT_LIMIT = 10L * 1024 * 1024;
    private static final Map<Language, String> EXTENSIONS = Map.of(
            Language.PYTHON, ".py",
            Language.SQL, ".sql",
            Language.SCALA, ".scala",
            Language.R, ".r");

    private final Connection connection;
    private final String root;
    private final String project;
    private final int concurrency;
    private final boolean allowEmpty;
    private final Path stagingParent;
    private Path staging;

    private DatabricksWorkspaceSource(Builder b) {
        if (b.root == null && (b.project == null || b.project.isBlank())) {
            throw new SyncConfigException("The databricks source needs the folder to read: set 'databricks.root'"
                    + " (e.g. /Workspace/Users/me@example.com/projects/etl) or 'databricks.project' (a folder in"
                    + " /Workspace/Users/<you>/projects)");
        }
        if (b.project != null && (b.project.contains("/") || b.project.isBlank())) {
            throw new SyncConfigException("'databricks.project' must be a folder name, not '" + b.project + "'");
        }
        this.root = b.root == null ? null : Connection.normalizeRoot(b.root);
        this.project = b.project;
        this.concurrency = b.concurrency;
        this.allowEmpty = b.allowEmpty;
        this.stagingParent = b.stagingParent;
        this.connection = new Connection(
                new Auth(b.host, b.token, b.profile, b.clientId, b.clientSecret),
                b.config,
                b.environment,
                b.rateLimit,
                b.retry,
                b.deadline);
    }

    /** A builder; {@code root} or {@code project} is required, the rest optional. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String type() {
        return "databricks";
    }

    @Override
    public String describe() {
        String folder = root != null ? root : "/Workspace/Users/<current user>/projects/" + project;
        return "databricks:" + connection.host() + folder;
    }

    @Override
    public Collection<Secret> secrets() {
        return connection.secrets();
    }

    /** The current user ({@code scim/v2/Me}) and the folder ({@code get-status}, {@code list}); only GETs. */
    @Override
    public List<Check> check() {
        return new FolderChecks(
                        connection::workspace,
                        root,
                        project,
                        connection.host(),
                        Redactor.of(connection.secrets()),
                        true)
                .run();
    }

    @Override
    public synchronized Snapshot snapshot() {
        deleteStaging();
        try {
            return take();
        } catch (WorkspaceException e) {
            deleteStaging(); // no snapshot, so nothing may read what was staged
            throw new SourceException(e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteStaging();
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        deleteStaging();
    }

    // ---- snapshot --------------------------------------------------------------------------------

    /** One object to bring into the snapshot. */
    private record Planned(ObjectInfo object, String rel, SyncPath path, ExportFormat format, Manifest.Entry sent) {}

    private Snapshot take() {
        Workspace ws = connection.workspace();
        String folder = folder();
        Optional<ObjectInfo> info = ws.status(folder);
        if (info.isEmpty()) {
            throw new SourceException("The Databricks folder " + folder + " does not exist on " + ws.host()
                    + " (check databricks.root" + (root == null ? " and databricks.project" : "") + ")");
        }
        ObjectType type = info.get().getObjectType();
        if (type != ObjectType.DIRECTORY && type != ObjectType.REPO) {
            throw new SourceException("The Databricks path " + folder + " on " + ws.host() + " is a " + type
                    + ", not a folder (check databricks.root)");
        }
        List<ObjectInfo> objects = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        boolean hasManifest = listTree(ws, folder, objects, skipped);
        if (objects.isEmpty() && skipped.isEmpty() && !allowEmpty) {
            throw new SourceException("The Databricks folder " + folder + " on " + ws.host() + " holds no files;"
                    + " a snapshot of nothing would make the destination delete everything (check databricks.root,"
                    + " or set databricks.allow-empty=true if an empty folder is meant)");
        }
        Map<String, Map.Entry<SyncPath, Manifest.Entry>> notebooks = new HashMap<>();
        Map<SyncPath, Manifest.Entry> sent = Map.of();
        if (hasManifest) {
            Manifest manifest = readManifest(ws, folder);
            if (manifest != null) {
                sent = manifest.files();
                manifest.files().forEach((path, entry) -> {
                    if (entry.state().remoteName() != null) {
                        notebooks.put(entry.state().remoteName(), Map.entry(path, entry));
                    }
                });
            }
        }
        List<Planned> planned = new ArrayList<>(objects.size());
        for (ObjectInfo object : objects) {
            String rel = Connection.relative(folder, object.getPath());
            Planned p;
            if (object.getObjectType() == ObjectType.NOTEBOOK) {
                Map.Entry<SyncPath, Manifest.Entry> recorded = notebooks.get(rel);
                if (recorded != null) {
                    boolean jupyter =
                            recorded.getKey().value().toLowerCase(Locale.ROOT).endsWith(".ipynb");
                    p = new Planned(
                            object,
                            rel,
                            recorded.getKey(),
                            jupyter ? ExportFormat.JUPYTER : ExportFormat.SOURCE,
                            recorded.getValue());
                } else {
                    String ext = object.getLanguage() == null ? null : EXTENSIONS.get(object.getLanguage());
                    SyncPath path = ext == null ? null : pathOrNull(rel + ext);
                    if (ext != null && path == null) {
                        skipped.add(new Skipped(rel + ext, "a name no snapshot can carry"));
                        continue;
                    }
                    p = new Planned(object, rel, path, ExportFormat.SOURCE, path == null ? null : sent.get(path));
                }
            } else {
                SyncPath path = pathOrNull(rel);
                if (path == null) {
                    skipped.add(new Skipped(rel, "a name no snapshot can carry"));
                    continue;
                }
                p = new Planned(object, rel, path, ExportFormat.AUTO, sent.get(path));
            }
            planned.add(p);
        }
        Path dir = createStaging();
        List<SnapshotEntry> entries = download(ws, folder, dir, planned, skipped);
        return new Snapshot(
                describe(folder),
                revision(entries),
                Instant.now(),
                Map.of(Snapshot.PROJECT, folder.substring(folder.lastIndexOf('/') + 1)),
                entries,
                skipped);
    }

    private String folder() {
        if (root != null) {
            return root;
        }
        String user = connection.user();
        if (user == null) {
            throw new SourceException("The workspace did not say who the current user is; set databricks.root");
        }
        return "/Workspace/Users/" + user + "/projects/" + project;
    }

    private String describe(String folder) {
        return "databricks:" + connection.host() + folder;
    }

    /**
     * Lists the folder recursively into {@code objects} (notebooks and files), reporting what cannot be
     * exported as a file; returns whether the folder holds workspace-sync's manifest folder.
     */
    private static boolean listTree(Workspace ws, String folder, List<ObjectInfo> objects, List<Skipped> skipped) {
        boolean hasManifest = false;
        List<String> queue = new ArrayList<>(List.of(folder));
        while (!queue.isEmpty()) {
            String dir = queue.remove(queue.size() - 1);
            for (ObjectInfo child : ws.list(dir)) {
                String rel = Connection.relative(folder, child.getPath());
                if (rel == null || rel.isEmpty()) {
                    continue;
                }
                if (rel.equals(Manifest.FOLDER) || rel.startsWith(Manifest.FOLDER + "/")) {
                    hasManifest = true; // the destination's bookkeeping, never a project file
                    continue;
                }
                ObjectType type = child.getObjectType();
                if (type == ObjectType.DIRECTORY) {
                    queue.add(folder + "/" + rel);
                } else if (type == ObjectType.FILE || type == ObjectType.NOTEBOOK) {
                    objects.add(child);
                } else {
                    skipped.add(new Skipped(
                            rel,
                            "a " + (type == null ? "workspace object of a type this SDK does not know" : type)
                                    + " cannot be exported as a file"));
                }
            }
        }
        return hasManifest;
    }

    private static Manifest readManifest(Workspace ws, String folder) {
        String path = folder + "/" + Manifest.PATH;
        Optional<byte[]> bytes = ws.exportIfExists(path);
        if (bytes.isEmpty()) {
            return null;
        }
        try {
            return Manifest.parse(bytes.get());
        } catch (IllegalArgumentException e) {
            LOG.warn("{} cannot be used ({}); notebooks are named after their language", path, e.getMessage());
            return null;
        }
    }

    private List<SnapshotEntry> download(
            Workspace ws, String folder, Path dir, List<Planned> planned, List<Skipped> skipped) {
        List<SnapshotEntry> entries = java.util.Collections.synchronizedList(new ArrayList<>(planned.size()));
        List<Skipped> tooLarge = java.util.Collections.synchronizedList(new ArrayList<>());
        if (planned.isEmpty()) {
            return entries;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, planned.size()), daemonThreads());
        AtomicBoolean failed = new AtomicBoolean();
        AtomicInteger n = new AtomicInteger();
        try {
            List<Future<?>> futures = new ArrayList<>(planned.size());
            for (Planned p : planned) {
                futures.add(pool.submit(() -> {
                    if (failed.get()) {
                        return;
                    }
                    try {
                        Path file = dir.resolve(String.valueOf(n.incrementAndGet()));
                        SnapshotEntry entry = fetch(ws, folder + "/" + p.rel, p, file, tooLarge);
                        if (entry != null) {
                            entries.add(entry);
                        }
                    } catch (RuntimeException e) {
                        failed.set(true);
                        throw e;
                    }
                }));
            }
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    futures.forEach(f -> f.cancel(true));
                    Throwable cause = e.getCause();
                    if (cause instanceof WorkspaceException w) {
                        throw new SourceException(w.getMessage(), w);
                    }
                    if (cause instanceof SyncException s) {
                        throw s;
                    }
                    throw new SourceException("Exporting " + folder + " failed: " + cause, cause);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceException("Interrupted while exporting " + folder, e);
        } finally {
            pool.shutdownNow();
        }
        skipped.addAll(tooLarge);
        return new ArrayList<>(entries);
    }

    /** Brings one object into {@code file}; null when it cannot be exported (recorded in {@code tooLarge}). */
    private static SnapshotEntry fetch(Workspace ws, String remote, Planned p, Path file, List<Skipped> tooLarge) {
        SyncPath path = p.path;
        String sha;
        if (p.object.getObjectType() == ObjectType.NOTEBOOK) {
            Workspace.Exported exported;
            try {
                exported = ws.export(remote, p.format);
            } catch (WorkspaceException e) {
                if (e.exceedsExportLimit()) {
                    tooLarge.add(new Skipped(
                            path != null ? path.value() : p.rel,
                            "the notebook is larger than the 10 MB that export allows (clear its outputs)"));
                    return null;
                }
                throw e;
            }
            if (path == null) {
                // A notebook of a language this SDK does not know: the server names the extension.
                String type = exported.fileType().isEmpty() ? "py" : exported.fileType();
                path = pathOrNull(p.rel + "." + type.toLowerCase(Locale.ROOT));
                if (path == null) {
                    tooLarge.add(new Skipped(p.rel, "a name no snapshot can carry"));
                    return null;
                }
            }
            sha = write(file, exported.content());
        } else {
            Long size = p.object.getSize();
            if (size != null && size > EXPORT_LIMIT) {
                sha = ws.download(remote, file);
            } else {
                try {
                    sha = write(file, ws.export(remote, ExportFormat.AUTO).content());
                } catch (WorkspaceException e) {
                    if (!e.exceedsExportLimit()) {
                        throw e;
                    }
                    sha = ws.download(remote, file); // grew past the limit since the listing
                }
            }
        }
        FileState recorded = p.sent == null ? null : p.sent.state();
        if (recorded != null && !recorded.sha256().equals(sha)) {
            LOG.warn(
                    "{} differs from what workspace-sync sent there (edited in the workspace, or normalised by it);"
                            + " the snapshot holds what the workspace has",
                    remote);
        }
        long length;
        try {
            length = Files.size(file);
        } catch (IOException e) {
            throw new SourceException("Cannot read the staged copy of " + remote + ": " + e.getMessage(), e);
        }
        Long modified = p.object.getObjectType() == ObjectType.FILE ? p.object.getModifiedAt() : null;
        return new SnapshotEntry(
                        path,
                        length,
                        recorded != null && recorded.executable(),
                        modified == null || modified <= 0 ? null : Instant.ofEpochMilli(modified),
                        () -> Files.newInputStream(file))
                .withSha256(sha);
    }

    private static String write(Path file, byte[] content) {
        try {
            Files.write(file, content);
        } catch (IOException e) {
            throw new SourceException("Cannot stage " + file + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(SnapshotEntry.newSha256().digest(content));
    }

    private static SyncPath pathOrNull(String rel) {
        try {
            return SyncPath.of(rel);
        } catch (SyncPath.InvalidPathException e) {
            return null;
        }
    }

    /** Stable for equal contents: a digest of every path and content digest, in path order. */
    static String revision(List<SnapshotEntry> entries) {
        MessageDigest digest = SnapshotEntry.newSha256();
        Map<SyncPath, String> sorted = new TreeMap<>();
        entries.forEach(e -> sorted.put(e.path(), e.sha256()));
        sorted.forEach((path, sha) -> {
            digest.update(path.value().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(sha.getBytes(StandardCharsets.US_ASCII));
            digest.update((byte) '\n');
        });
        return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    }

    // ---- staging ---------------------------------------------------------------------------------

    private Path createStaging() {
        try {
            staging = stagingParent == null
                    ? Files.createTempDirectory("workspace-sync-databricks-")
                    : Files.createTempDirectory(Files.createDirectories(stagingParent), "workspace-sync-databricks-");
            return staging;
        } catch (IOException e) {
            throw new SourceException("Cannot create a staging directory: " + e.getMessage(), e);
        }
    }

    private void deleteStaging() {
        Path dir = staging;
        staging = null;
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.debug("Cannot delete the staging directory {}: {}", dir, e.getMessage());
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "databricks-export-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Builds a {@link DatabricksWorkspaceSource}. */
    public static final class Builder {
        private String host;
        private Secret token;
        private String profile;
        private String clientId;
        private Secret clientSecret;
        private DatabricksConfig config;
        private Map<String, String> environment = System.getenv();
        private String root;
        private String project;
        private int concurrency = 8;
        private double rateLimit = 20;
        private Duration deadline = Deadline.DEFAULT;
        private RetryPolicy retry = new RetryPolicy(8, Duration.ofSeconds(1), Duration.ofSeconds(60));
        private boolean allowEmpty;
        private Path stagingParent;

        private Builder() {}

        /** The workspace URL; default: {@code DATABRICKS_HOST} or the profile's host. */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** A personal access token (pins the auth type to PAT). */
        public Builder token(Secret token) {
            this.token = token;
            return this;
        }

        /** A {@code ~/.databrickscfg} profile. */
        public Builder profile(String profile) {
            this.profile = profile;
            return this;
        }

        /** OAuth M2M (service principal) credentials. */
        public Builder oauth(String clientId, Secret clientSecret) {
            this.clientId = clientId;
            this.clientSecret = clientSecret;
            return this;
        }

        /** A ready SDK configuration instead of host and credentials (its HTTP client and retries are replaced). */
        public Builder config(DatabricksConfig config) {
            this.config = config;
            return this;
        }

        /** The environment to read {@code DATABRICKS_*} from; default {@link System#getenv()}. */
        public Builder environment(Map<String, String> environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /** The folder to read, e.g. {@code /Workspace/Users/me@example.com/projects/etl}. */
        public Builder root(String root) {
            this.root = root;
            return this;
        }

        /** Without a root: the folder {@code /Workspace/Users/<current user>/projects/<project>}. */
        public Builder project(String project) {
            this.project = project;
            return this;
        }

        /** Requests in flight at once; default 8. */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1) {
                throw new SyncConfigException("'databricks.concurrency' must be at least 1, not " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /** Requests started per second, at most; default 20; 0 for no limit. */
        public Builder rateLimit(double requestsPerSecond) {
            if (requestsPerSecond < 0 || Double.isNaN(requestsPerSecond)) {
                throw new SyncConfigException("'databricks.rate-limit' must be 0 or more, not " + requestsPerSecond);
            }
            this.rateLimit = requestsPerSecond;
            return this;
        }

        /** How long one request may keep retrying transient failures; default 60 s. */
        public Builder deadline(Duration deadline) {
            if (deadline == null || deadline.isNegative() || deadline.isZero()) {
                throw new SyncConfigException("'databricks.deadline' must be positive, not " + deadline);
            }
            this.deadline = deadline;
            return this;
        }

        /** How transient request failures are retried; default 8 attempts from 1 s up to 60 s. */
        public Builder retryPolicy(RetryPolicy retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /** Whether a folder without files gives an empty snapshot instead of an error; default false. */
        public Builder allowEmpty(boolean allowEmpty) {
            this.allowEmpty = allowEmpty;
            return this;
        }

        /** Where the staging directory is made; default the system's temporary directory. */
        public Builder stagingDirectory(Path parent) {
            this.stagingParent = parent;
            return this;
        }

        /**
         * @throws SyncConfigException for an ambiguous sign-in, a malformed root, or neither root nor project
         */
        public DatabricksWorkspaceSource build() {
            return new DatabricksWorkspaceSource(this);
        }
    }
}
