package dev.workspacesync.databricks;

import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.service.workspace.ObjectInfo;
import com.databricks.sdk.service.workspace.ObjectType;
import dev.workspacesync.core.ApplyResult;
import dev.workspacesync.core.Change;
import dev.workspacesync.core.Deadline;
import dev.workspacesync.core.DestinationException;
import dev.workspacesync.core.FileState;
import dev.workspacesync.core.Planner;
import dev.workspacesync.core.RetryPolicy;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncException;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.SyncPlan;
import dev.workspacesync.core.SyncState;
import dev.workspacesync.core.SyncStateStore;
import dev.workspacesync.core.spi.Destination;
import dev.workspacesync.databricks.internal.Auth;
import dev.workspacesync.databricks.internal.Connection;
import dev.workspacesync.databricks.internal.DriftRecord;
import dev.workspacesync.databricks.internal.Lease;
import dev.workspacesync.databricks.internal.Manifest;
import dev.workspacesync.databricks.internal.Notebooks;
import dev.workspacesync.databricks.internal.Workspace;
import dev.workspacesync.databricks.internal.WorkspaceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncs snapshots into a Databricks Workspace folder, incrementally and without loss.
 *
 * <pre>{@code
 * Destination workspace = DatabricksWorkspaceDestination.builder()
 *         .host("https://adb-123.4.azuredatabricks.net")
 *         .token(Secret.of(System.getenv("MY_TOKEN")))
 *         .root("/Workspace/Users/me@example.com/projects/etl")   // default: .../projects/<project>
 *         .build();
 * }</pre>
 *
 * <p><b>Layout.</b> Files land under the target folder with their relative paths. Notebooks are detected
 * exactly as {@code databricks sync} detects them (first-line header for {@code .py}, {@code .r},
 * {@code .scala}, {@code .sql}; Jupyter JSON for {@code .ipynb}) and land without their extension; two
 * local files that would land on one workspace name (a notebook {@code foo.py} and a file {@code foo}) are
 * reported before anything is written. Regular files keep their names and bytes; every upload streams.
 *
 * <p><b>Incremental.</b> Planning compares with the recorded state (size and time, then the digest
 * decide) after one {@code get-status} of the folder, so a re-sync without changes makes that one read
 * and no write, and a {@code touch} uploads nothing. Applying runs deletes, then removals of emptied
 * folders (leaf first), then folder creations, then uploads, with at most {@code concurrency} requests at
 * once under a client-side rate limit. Transient failures (429, 502, 503, 504, dropped connections) are
 * retried with backoff, honouring {@code Retry-After}, for at most {@link Builder#deadline(Duration)}
 * per request; uploads are retried by this class with a fresh stream each time, never by the SDK. A
 * permanent error fails that file with the server's message; the others go on. A host that cannot be
 * reached, or a request that gave up, ends the run at once.
 *
 * <p><b>Loss-free.</b> Each file is recorded in the state as soon as the server confirmed it, so a
 * failed or killed run leaves a state from which the next run sends only what is still missing. The state
 * lives in {@code .git/workspace-sync/} of the source's directory when the source is a git work tree (it
 * must say so with the snapshot attribute {@code root}), else in the user's cache directory.
 *
 * <p><b>Sign-in.</b> Explicit settings win: a token (PAT), OAuth M2M client credentials, or a profile of
 * {@code ~/.databrickscfg}; else {@code DATABRICKS_TOKEN} or {@code DATABRICKS_CLIENT_ID}/{@code
 * DATABRICKS_CLIENT_SECRET} (and {@code DATABRICKS_HOST}, {@code DATABRICKS_CONFIG_FILE}) from
 * {@link Builder#environment(Map)}; else the SDK's own chain. A token or client credentials pin the SDK's
 * credentials provider, so stray {@code DATABRICKS_*} variables cannot cause "more than one authorization
 * method"; a token together with client credentials is refused with a message naming both keys. Requests go
 * through the JDK HTTP client, which never logs headers (the SDK's Apache client logs the bearer token at
 * DEBUG).
 *
 * <p><b>Drift and reconcile.</b> The folder's {@code object_id} is recorded; a folder that is gone or
 * has another id is reconciled at once and the result says {@code Repaired drift (…)}. A reconcile lists
 * the remote folder and repairs drift: files deleted or changed there (size, then the id and time recorded
 * at the last check, then content for files up to 10 MB) are sent again, and objects the source does not
 * have are deleted. It runs every {@link Builder#reconcileEveryRuns(int)} runs or {@link
 * Builder#reconcileEvery(Duration)}, and on every run with {@link Builder#reconcile(boolean)}. Notebooks
 * cannot be compared by content; without a record they are sent again.
 *
 * <p><b>Manifest.</b> The folder keeps {@code .workspace-sync/manifest.json}: what was sent (digest,
 * size, notebook name, object id when known), written after a run when it changed, and marked
 * incomplete before a run's first change. A run without local state (a fresh clone, a new container)
 * trusts a complete manifest of this folder and uploads only what differs; an incomplete, unreadable or
 * foreign one makes it reconcile; with no manifest at all the folder is adopted (identical files
 * recorded, nothing deleted).
 */
public final class DatabricksWorkspaceDestination implements Destination {
    private static final Logger LOG = LoggerFactory.getLogger(DatabricksWorkspaceDestination.class);
    private static final long EXPORT_LIMIT = 10L * 1024 * 1024;

    /** Runs between two full reconciles, by default. */
    public static final int DEFAULT_RECONCILE_EVERY_RUNS = 50;

    /** The longest time between two full reconciles, by default. */
    public static final Duration DEFAULT_RECONCILE_EVERY = Duration.ofHours(24);

    private final Connection connection;
    private final String root;
    private final String project;
    private final int concurrency;
    private final Path stateDirectory;
    private final boolean reconcile;
    private final int reconcileEveryRuns;
    private final Duration reconcileEvery;
    private final Duration leaseTtl;
    private volatile Prepared last;
    private volatile String resolvedTarget;

    private DatabricksWorkspaceDestination(Builder b) {
        this.root = b.root == null ? null : Connection.normalizeRoot(b.root);
        this.project = b.project;
        this.concurrency = b.concurrency;
        this.stateDirectory = b.stateDirectory;
        this.reconcile = b.reconcile;
        this.reconcileEveryRuns = b.reconcileEveryRuns;
        this.reconcileEvery = b.reconcileEvery;
        this.leaseTtl = b.leaseTtl;
        this.connection = new Connection(
                new Auth(b.host, b.token, b.profile, b.clientId, b.clientSecret),
                b.config,
                b.environment,
                b.rateLimit,
                b.retry,
                b.deadline);
    }

    /** A builder; every setting is optional (the SDK's auth chain fills what is not given). */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String type() {
        return "databricks";
    }

    @Override
    public String target() {
        String known = resolvedTarget;
        if (known != null) {
            return known; // the real folder, once a plan has resolved the user and project
        }
        String folder = root != null
                ? root
                : "/Workspace/Users/<current user>/projects/" + (project != null ? project : "<project>");
        return "databricks:" + host() + folder;
    }

    private String host() {
        return connection.host();
    }

    @Override
    public Collection<Secret> secrets() {
        return connection.secrets();
    }

    /**
     * The current user ({@code scim/v2/Me}), the target folder or its nearest existing parent
     * ({@code get-status}, {@code list}) and write permission as far as a read shows it; only GET requests.
     */
    @Override
    public List<dev.workspacesync.core.Check> check() {
        return new dev.workspacesync.databricks.internal.FolderChecks(
                        this::workspace, root, project, host(), dev.workspacesync.core.Redactor.of(secrets()))
                .run();
    }

    // ---- plan ------------------------------------------------------------------------------------

    @Override
    public SyncPlan plan(Snapshot snapshot) {
        Prepared prepared = prepare(snapshot, reconcile);
        resolvedTarget = prepared.context.target;
        last = prepared;
        return prepared.plan;
    }

    /** Where one snapshot goes: folder, state store and key. */
    private record Context(String root, String target, SyncStateStore store, String key, String user) {}

    /** A remote object to delete, and the state record that goes with it (or null). */
    private record RemoteDelete(String remotePath, boolean recursive, SyncPath stateKey) {}

    /** A plan plus what {@link #apply} needs that {@link SyncPlan} has no place for. */
    private record Prepared(
            SyncPlan plan,
            Context context,
            Map<SyncPath, Notebooks.Kind> kinds,
            List<RemoteDelete> deletes,
            boolean createRoot,
            Check check) {}

    /**
     * What the root check (and a reconcile) found, and what {@link #apply} records after the run.
     *
     * @param rootObjectId the folder's id now, or null when it does not exist yet
     * @param record the local record as loaded
     * @param reconciled whether this plan listed the folder
     * @param repair what drift the plan repairs, for the report, or null
     * @param remote remote ids and times known per source path
     * @param manifestSha256 the digest of the manifest believed to be in the folder, or null
     */
    private record Check(
            Long rootObjectId,
            DriftRecord record,
            boolean reconciled,
            String repair,
            Map<SyncPath, Manifest.Remote> remote,
            String manifestSha256) {}

    private Context context(Snapshot snapshot, String userName) {
        String folder = root != null ? root : "/Workspace/Users/" + userName + "/projects/" + projectName(snapshot);
        Path dir = stateDirectory != null ? stateDirectory : defaultStateDirectory(snapshot);
        String target = "databricks:" + host() + folder;
        return new Context(
                folder, target, new SyncStateStore(dir), SyncStateStore.key(snapshot.source(), target), userName);
    }

    private String projectName(Snapshot snapshot) {
        if (project != null) {
            return project;
        }
        String localRoot = snapshot.attributes().get("root");
        if (localRoot != null && Path.of(localRoot).getFileName() != null) {
            return Path.of(localRoot).getFileName().toString();
        }
        String name = snapshot.attributes().get("name");
        if (name == null) {
            String source = snapshot.source().replaceAll("[/\\\\]+$", "");
            name = source.substring(Math.max(source.lastIndexOf('/'), source.lastIndexOf(':')) + 1);
        }
        name = name.replaceAll("[^\\p{L}\\p{N}._ -]", "_").strip();
        return name.isEmpty() || name.equals(".") || name.equals("..") ? "project" : name;
    }

    /** The file that remembers the user of the default folder, per workspace host. */
    private Path userFile(Path dir) {
        return dir.resolve("databricks-user-" + SyncStateStore.key(host(), "user") + ".txt");
    }

    private String rememberedUser(Path dir) {
        try {
            String user = Files.readString(userFile(dir)).strip();
            return user.isEmpty() || user.contains("/") || user.chars().anyMatch(Character::isISOControl) ? null : user;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private void rememberUser(Path dir, String user) {
        if (user == null || user.equals(rememberedUser(dir))) {
            return;
        }
        try {
            Files.createDirectories(dir);
            Path tmp = userFile(dir).resolveSibling(userFile(dir).getFileName() + ".tmp");
            Files.writeString(tmp, user + "\n");
            Files.move(tmp, userFile(dir), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            LOG.debug("Cannot remember the user in {}: {}", dir, e.getMessage()); // costs one SCIM call next run
        }
    }

    /** {@code <root>/.git/workspace-sync} for a git work tree, else the user cache directory. */
    static Path defaultStateDirectory(Snapshot snapshot) {
        String localRoot = snapshot.attributes().get("root");
        if (localRoot != null) {
            Path git = Path.of(localRoot).resolve(".git");
            if (Files.isDirectory(git)) {
                return git.resolve("workspace-sync");
            }
        }
        return SyncStateStore.defaultDirectory();
    }

    private Prepared prepare(Snapshot snapshot, boolean forceReconcile) {
        // The default folder needs the user: the one remembered from the last run of this project, checked
        // by the folder check below, saves the SCIM call on every run.
        Path dir = stateDirectory != null ? stateDirectory : defaultStateDirectory(snapshot);
        String knownUser = root == null ? rememberedUser(dir) : null;
        Context ctx = context(snapshot, root != null ? null : knownUser != null ? knownUser : user());
        Workspace ws = workspace();

        // The drift check: one get-status per run. A folder that is gone or was replaced (another id) was
        // changed behind our back, and the recorded state no longer says what it holds.
        Optional<ObjectInfo> rootInfo;
        try {
            rootInfo = ws.status(ctx.root);
        } catch (WorkspaceException e) {
            if (knownUser == null || e.status() != 403) {
                throw e;
            }
            rootInfo = Optional.empty(); // another user's folder now: asked below who signs in
        }
        if (knownUser != null && rootInfo.isEmpty() && !knownUser.equals(user())) {
            LOG.info("Signed in as {} now, not {}: syncing to their folder", user(), knownUser);
            ctx = context(snapshot, user());
            rootInfo = ws.status(ctx.root);
        }
        SyncState state = ctx.store.load(ctx.key);
        DriftRecord remembered = DriftRecord.load(DriftRecord.file(ctx.store.directory(), ctx.key));
        if (rootInfo.isPresent()
                && rootInfo.get().getObjectType() != ObjectType.DIRECTORY
                && rootInfo.get().getObjectType() != ObjectType.REPO) {
            throw new DestinationException(
                    "The target " + ctx.root + " is a " + rootInfo.get().getObjectType() + ", not a folder");
        }
        Long rootId = rootInfo.map(ObjectInfo::getObjectId).orElse(null);
        String drift = null;
        boolean withReconcile = forceReconcile;
        boolean deleteOrphans = true;
        Map<SyncPath, Manifest.Remote> remoteMeta = remembered.remote();
        String manifestSha = remembered.manifestSha256();
        if (rootId == null) {
            if (!state.isEmpty()) {
                drift = "the folder " + ctx.root + " is gone from the workspace";
            }
            manifestSha = null;
        } else if (remembered.rootObjectId() != null
                && !remembered.rootObjectId().equals(rootId)) {
            drift = "the folder " + ctx.root + " was replaced (object id " + rootId + ", recorded "
                    + remembered.rootObjectId() + ")";
            manifestSha = null;
        } else if (state.isEmpty() && (remembered.manifestSha256() == null || remembered.rootObjectId() == null)) {
            // No local state (a fresh clone, a new container): what the folder's manifest says was sent.
            ManifestRead read = readManifest(ws, ctx, rootId);
            if (read.manifest != null) {
                state = read.manifest.state();
                remoteMeta = read.manifest.remote();
                manifestSha = read.manifest.contentSha256();
                LOG.info("No local sync state for {}: using its manifest ({} files)", ctx.root, state.size());
            } else if (read.problem != null) {
                drift = "there is no local state and the manifest " + read.problem;
                manifestSha = null;
            } else {
                // Neither state nor manifest: adopt the folder (identical files are only recorded), but never
                // delete what is there, which may be another tool's.
                withReconcile = true;
                deleteOrphans = false;
                manifestSha = null;
            }
        }
        if (drift != null) {
            LOG.warn("Drift: {}; reconciling (listing the folder, sending what is missing)", drift);
            withReconcile = true;
        } else if (!withReconcile && reconcileDue(remembered)) {
            LOG.info("Periodic reconcile of {}", ctx.root);
            withReconcile = true;
        }
        SyncPlan base = Planner.plan(ctx.target, snapshot, state);

        if (!withReconcile && base.changes().isEmpty()) {
            // Nothing to send or delete: the recorded layout stands (it was checked when it was sent).
            Map<SyncPath, Notebooks.Kind> kinds = new HashMap<>();
            for (SnapshotEntry entry : base.refreshed()) {
                String remote =
                        state.get(entry.path()).map(FileState::remoteName).orElse(null);
                kinds.put(
                        entry.path(),
                        remote == null
                                ? Notebooks.Kind.file(entry.path().value())
                                : new Notebooks.Kind(true, null, remote));
            }
            SyncPlan plan =
                    new SyncPlan(ctx.target, List.of(), state.size(), List.of(), List.of(), base.refreshed(), snapshot);
            Check check = new Check(rootId, remembered, false, null, remoteMeta, manifestSha);
            return new Prepared(plan, ctx, kinds, List.of(), false, check);
        }
        Set<SyncPath> sending = new HashSet<>();
        for (Change change : base.changes()) {
            if (change.kind() != Change.Kind.DELETE) {
                sending.add(change.path());
            }
        }
        Map<SyncPath, Notebooks.Kind> kinds = new HashMap<>(snapshot.size() * 2);
        // Entries and records are both sorted by path: walk them together instead of looking each one up.
        Iterator<Map.Entry<SyncPath, FileState>> records =
                state.files().entrySet().iterator();
        Map.Entry<SyncPath, FileState> record = records.hasNext() ? records.next() : null;
        for (SnapshotEntry entry : snapshot.entries()) {
            while (record != null && record.getKey().compareTo(entry.path()) < 0) {
                record = records.hasNext() ? records.next() : null;
            }
            FileState recorded = record != null && record.getKey().equals(entry.path()) ? record.getValue() : null;
            if (recorded != null && !sending.contains(entry.path())) {
                String remote = recorded.remoteName();
                kinds.put(
                        entry.path(),
                        remote == null
                                ? Notebooks.Kind.file(entry.path().value())
                                : new Notebooks.Kind(true, null, remote));
            } else {
                kinds.put(entry.path(), Notebooks.detect(entry));
            }
        }
        Set<String> newDirs = checkClashes(ctx, kinds);

        List<Change> changes = new ArrayList<>();
        List<SnapshotEntry> refreshed = new ArrayList<>(base.refreshed());
        List<RemoteDelete> deletes = new ArrayList<>();
        for (Change change : base.changes()) {
            if (change.kind() == Change.Kind.DELETE) {
                deletes.add(new RemoteDelete(remoteOf(change.path(), state.get(change.path())), false, change.path()));
                changes.add(change);
            } else {
                // A notebook that became a file (or back) changes its workspace name: remove the old one first.
                Optional<FileState> recorded = state.get(change.path());
                String oldRemote =
                        recorded.map(r -> remoteOf(change.path(), recorded)).orElse(null);
                if (oldRemote != null
                        && !oldRemote.equals(kinds.get(change.path()).remotePath())) {
                    deletes.add(new RemoteDelete(oldRemote, false, null));
                }
                changes.add(change);
            }
        }

        List<String> recordedRemotes = new ArrayList<>();
        state.files().forEach((path, file) -> recordedRemotes.add(remoteOf(path, Optional.of(file))));
        Set<String> oldDirs = directories(recordedRemotes);
        int existing = state.size();
        boolean createRoot = rootId == null;
        boolean reconciled = false;
        String repair = drift;

        if (withReconcile) {
            Reconciled r = reconcile(
                    ctx,
                    snapshot,
                    state,
                    kinds,
                    changes,
                    refreshed,
                    deletes,
                    rootId != null,
                    deleteOrphans,
                    remoteMeta);
            changes = r.changes;
            refreshed = r.refreshed;
            existing = Math.max(existing, r.remoteFiles);
            oldDirs = r.remoteDirs;
            remoteMeta = r.meta;
            reconciled = true;
            if (!r.hasManifest) {
                manifestSha = null;
            }
            if (repair == null && deleteOrphans && (r.resent > 0 || r.removed > 0)) {
                repair = "the full check of " + ctx.root + " found " + r.resent + " file(s) changed or missing there"
                        + " and " + r.removed + " object(s) not in the source";
                LOG.warn("Drift: {}; repairing", repair);
            }
        }

        Set<String> create = new TreeSet<>(newDirs);
        create.removeAll(oldDirs);
        List<SyncPath> createDirs = leaves(create).stream().map(SyncPath::of).toList();
        List<SyncPath> removeDirs = oldDirs.stream()
                .filter(d -> !newDirs.contains(d))
                .sorted(Comparator.comparingInt((String d) -> d.split("/").length)
                        .reversed()
                        .thenComparing(Comparator.reverseOrder()))
                .map(SyncPath::of)
                .toList();
        boolean uploads = changes.stream().anyMatch(c -> c.kind() != Change.Kind.DELETE);
        SyncPlan plan = new SyncPlan(ctx.target, changes, existing, createDirs, removeDirs, refreshed, snapshot);
        Check check = new Check(rootId, remembered, reconciled, repair, remoteMeta, manifestSha);
        return new Prepared(plan, ctx, kinds, deletes, createRoot && uploads, check);
    }

    /** Whether a periodic full reconcile is due (every N runs or T, whichever comes first). */
    private boolean reconcileDue(DriftRecord record) {
        if (reconcileEveryRuns > 0 && record.runsSinceReconcile() + 1 >= reconcileEveryRuns) {
            return true;
        }
        return reconcileEvery != null
                && record.reconciledAt() > 0
                && System.currentTimeMillis() - record.reconciledAt() >= reconcileEvery.toMillis();
    }

    /** A manifest read from the folder: the manifest, or why it cannot be used, or neither (none there). */
    private record ManifestRead(Manifest manifest, String problem) {}

    private static ManifestRead readManifest(Workspace ws, Context ctx, long rootId) {
        String path = ctx.root + "/" + Manifest.PATH;
        Optional<byte[]> bytes = ws.exportIfExists(path);
        if (bytes.isEmpty()) {
            return new ManifestRead(null, null);
        }
        Manifest manifest;
        try {
            manifest = Manifest.parse(bytes.get());
        } catch (IllegalArgumentException e) {
            return new ManifestRead(null, path + " cannot be used: " + e.getMessage());
        }
        if (!manifest.complete()) {
            return new ManifestRead(null, path + " is from a run that did not finish");
        }
        if (manifest.rootObjectId() != rootId) {
            return new ManifestRead(
                    null,
                    path + " was written for another folder (object id " + manifest.rootObjectId() + ", the folder is "
                            + rootId + ")");
        }
        return new ManifestRead(manifest, null);
    }

    private static String remoteOf(SyncPath path, Optional<FileState> recorded) {
        return recorded.map(FileState::remoteName).orElse(path.value());
    }

    /**
     * Refuses a layout where two local files land on one workspace name, an object lands where a folder must
     * be, or a file {@code x.py} sits beside a notebook {@code x}. Returns the folders the layout needs.
     */
    private static Set<String> checkClashes(Context ctx, Map<SyncPath, Notebooks.Kind> kinds) {
        Map<String, SyncPath> byRemote = new HashMap<>(kinds.size() * 2);
        Map<String, Set<String>> shared = new TreeMap<>();
        Map<String, SyncPath> notebooks = new HashMap<>();
        kinds.forEach((path, kind) -> {
            SyncPath other = byRemote.putIfAbsent(kind.remotePath(), path);
            if (other != null) {
                shared.computeIfAbsent(kind.remotePath(), k -> new TreeSet<>(Set.of(other.value())))
                        .add(path.value());
            }
            if (kind.notebook()) {
                notebooks.put(kind.remotePath(), path);
            }
        });
        List<String> problems = new ArrayList<>();
        kinds.forEach((path, kind) -> {
            if (kind.remotePath().equals(Manifest.FOLDER) || kind.remotePath().startsWith(Manifest.FOLDER + "/")) {
                problems.add(path + " would land in " + ctx.root + "/" + Manifest.FOLDER
                        + ", which workspace-sync keeps for its manifest");
            }
        });
        shared.forEach((remote, locals) ->
                problems.add(String.join(" and ", locals) + " would both land on " + ctx.root + "/" + remote));
        Set<String> dirs = directories(byRemote.keySet());
        byRemote.forEach((remote, path) -> {
            if (dirs.contains(remote)) {
                problems.add(path + " would land on " + ctx.root + "/" + remote
                        + ", which must be a folder for other files");
            }
        });
        // The workspace also refuses a notebook x beside a file x.py (or x.sql, x.ipynb, ...).
        if (!notebooks.isEmpty()) {
            kinds.forEach((path, kind) -> {
                if (!kind.notebook() && Notebooks.mayBeNotebook(kind.remotePath())) {
                    SyncPath notebook = notebooks.get(Notebooks.withoutExtension(kind.remotePath()));
                    if (notebook != null) {
                        problems.add("the file " + path + " cannot sit beside the notebook " + notebook
                                + " (stored as " + ctx.root + "/" + Notebooks.withoutExtension(kind.remotePath())
                                + ")");
                    }
                }
            });
        }
        if (!problems.isEmpty()) {
            problems.sort(null);
            throw new DestinationException("Cannot sync to " + ctx.root + ": some files would clash in the workspace"
                    + " (notebooks lose their extension); rename one of each. " + String.join("; ", problems));
        }
        return dirs;
    }

    /** Every ancestor folder of these relative paths. */
    private static Set<String> directories(Collection<String> paths) {
        Set<String> dirs = new HashSet<>();
        for (String p : paths) {
            for (int slash = p.lastIndexOf('/'); slash > 0; slash = p.lastIndexOf('/', slash - 1)) {
                if (!dirs.add(p.substring(0, slash))) {
                    break;
                }
            }
        }
        return dirs;
    }

    /** The folders of a set that have no descendant in it (mkdirs creates the parents). */
    private static List<String> leaves(Set<String> dirs) {
        TreeSet<String> sorted = new TreeSet<>(dirs);
        List<String> out = new ArrayList<>();
        for (String d : sorted) {
            String next = sorted.ceiling(d + "/");
            if (next == null || !next.startsWith(d + "/")) {
                out.add(d);
            }
        }
        return out;
    }

    // ---- reconcile -------------------------------------------------------------------------------

    /**
     * What a reconcile found.
     *
     * @param resent files sent again because the folder lacked them or held something else
     * @param removed objects to delete because the source does not have them
     * @param meta remote ids and times of the files found identical (what the next reconcile trusts)
     * @param hasManifest whether the folder holds a manifest
     */
    private record Reconciled(
            List<Change> changes,
            List<SnapshotEntry> refreshed,
            int remoteFiles,
            Set<String> remoteDirs,
            int resent,
            int removed,
            Map<SyncPath, Manifest.Remote> meta,
            boolean hasManifest) {}

    private Reconciled reconcile(
            Context ctx,
            Snapshot snapshot,
            SyncState state,
            Map<SyncPath, Notebooks.Kind> kinds,
            List<Change> planned,
            List<SnapshotEntry> refreshedByPlanner,
            List<RemoteDelete> deletes,
            boolean rootExists,
            boolean deleteOrphans,
            Map<SyncPath, Manifest.Remote> knownMeta) {
        Workspace ws = workspace();
        Map<String, ObjectInfo> remote = new TreeMap<>();
        Set<String> remoteDirs = new HashSet<>();
        boolean hasManifest = false;
        if (rootExists) {
            List<String> queue = new ArrayList<>(List.of(ctx.root));
            while (!queue.isEmpty()) {
                String dir = queue.remove(queue.size() - 1);
                for (ObjectInfo child : ws.list(dir)) {
                    String rel = relative(ctx.root, child.getPath());
                    if (rel == null) {
                        continue;
                    }
                    if (rel.equals(Manifest.FOLDER) || rel.startsWith(Manifest.FOLDER + "/")) {
                        // The tool's own bookkeeping: never a project file, never an orphan.
                        hasManifest |= rel.equals(Manifest.FOLDER);
                        continue;
                    }
                    if (child.getObjectType() == ObjectType.DIRECTORY) {
                        remoteDirs.add(rel);
                        queue.add(ctx.root + "/" + rel);
                    } else {
                        remote.put(rel, child);
                    }
                }
            }
            hasManifest =
                    hasManifest && ws.status(ctx.root + "/" + Manifest.PATH).isPresent();
        }
        Map<SyncPath, Change> byPath = new TreeMap<>();
        planned.forEach(c -> byPath.put(c.path(), c));
        List<SnapshotEntry> refreshed = new ArrayList<>(refreshedByPlanner);
        Set<String> expected = new HashSet<>();
        Map<SyncPath, Manifest.Remote> meta = new HashMap<>();
        int resent = 0;
        for (SnapshotEntry entry : snapshot.entries()) {
            Notebooks.Kind kind = kinds.get(entry.path());
            expected.add(kind.remotePath());
            Optional<FileState> recorded = state.get(entry.path());
            if (byPath.containsKey(entry.path()) && recorded.isPresent()) {
                continue; // changed locally: sent anyway
            }
            ObjectInfo found = remote.get(kind.remotePath());
            boolean same =
                    found != null && sameRemote(ws, ctx, entry, kind, recorded, found, knownMeta.get(entry.path()));
            if (same) {
                meta.put(
                        entry.path(),
                        new Manifest.Remote(
                                found.getObjectId() == null ? 0 : found.getObjectId(),
                                found.getModifiedAt() == null ? 0 : found.getModifiedAt()));
            }
            if (same && recorded.isEmpty()) {
                byPath.remove(entry.path()); // already there: record it, send nothing
                refreshed.add(entry);
            } else if (!same && !byPath.containsKey(entry.path())) {
                LOG.info("Reconcile: {} differs from {} in the workspace; sending it again", entry.path(), ctx.root);
                byPath.put(entry.path(), recorded.isPresent() ? Change.update(entry) : Change.add(entry));
                refreshed.removeIf(e -> e.path().equals(entry.path()));
                resent++;
            }
        }
        Set<String> alreadyDeleted = new HashSet<>();
        deletes.forEach(d -> alreadyDeleted.add(d.remotePath()));
        int removed = 0;
        for (Map.Entry<String, ObjectInfo> object : remote.entrySet()) {
            String rel = object.getKey();
            if (expected.contains(rel)) {
                continue;
            }
            if (alreadyDeleted.contains(rel)) {
                continue;
            }
            SyncPath path = syncPathOrNull(rel);
            if (path != null && snapshot.withheld(path)) {
                continue; // offered but not carried this run (reported as skipped): never an orphan
            }
            if (!deleteOrphans) {
                LOG.info(
                        "{}/{} is not in the source; left alone (the folder has no record of this tool)",
                        ctx.root,
                        rel);
                continue;
            }
            LOG.info("Reconcile: {}/{} is not in the source; deleting it", ctx.root, rel);
            removed++;
            if (path == null || byPath.containsKey(path) || snapshot.entry(path).isPresent()) {
                deletes.add(new RemoteDelete(rel, false, null)); // e.g. x.py left as a file beside notebook x
            } else {
                deletes.add(new RemoteDelete(rel, false, state.get(path).isPresent() ? path : null));
                byPath.put(path, Change.delete(path));
            }
        }
        // A folder where a file must go is cleared first (a file where a folder must go is an orphan above).
        for (String rel : expected) {
            if (remoteDirs.contains(rel)) {
                deletes.add(new RemoteDelete(rel, true, null));
            }
        }
        if (!deleteOrphans) {
            remoteDirs.clear(); // keep every folder that is there (creating an existing one is a no-op)
        }
        return new Reconciled(
                new ArrayList<>(byPath.values()),
                refreshed,
                remote.size(),
                remoteDirs,
                resent,
                removed,
                meta,
                hasManifest);
    }

    private static SyncPath syncPathOrNull(String rel) {
        try {
            return SyncPath.of(rel);
        } catch (SyncPath.InvalidPathException e) {
            return null; // a workspace name no source could produce (e.g. with a backslash): delete it all the same
        }
    }

    private boolean sameRemote(
            Workspace ws,
            Context ctx,
            SnapshotEntry entry,
            Notebooks.Kind kind,
            Optional<FileState> recorded,
            ObjectInfo found,
            Manifest.Remote known) {
        ObjectType wanted = kind.notebook() ? ObjectType.NOTEBOOK : ObjectType.FILE;
        if (found.getObjectType() != wanted) {
            return false;
        }
        if (kind.notebook()) {
            return recorded.isPresent(); // notebooks cannot be compared by content; trust the record
        }
        if (found.getSize() != null && found.getSize() != entry.size()) {
            return false;
        }
        if (recorded.isPresent()
                && known != null
                && known.modifiedAt() != 0
                && Objects.equals(found.getObjectId(), known.objectId())
                && Objects.equals(found.getModifiedAt(), known.modifiedAt())) {
            return true; // untouched since it was last found identical: no need to read it back
        }
        if (entry.size() > EXPORT_LIMIT) {
            return true; // too large to read back; the size matched
        }
        String want = recorded.map(FileState::sha256).orElseGet(entry::sha256);
        byte[] content = ws.export(ctx.root + "/" + kind.remotePath());
        var digest = SnapshotEntry.newSha256();
        return java.util.HexFormat.of().formatHex(digest.digest(content)).equals(want);
    }

    /** The path of a listed object relative to the root, whichever {@code /Workspace} form either uses. */
    static String relative(String root, String objectPath) {
        return Connection.relative(root, objectPath);
    }

    // ---- apply -----------------------------------------------------------------------------------

    @Override
    public ApplyResult apply(SyncPlan plan, Progress progress) {
        Prepared cached = last;
        Prepared prepared = cached != null && cached.plan == plan ? cached : prepare(plan.snapshot(), false);
        Context ctx = prepared.context;
        Check check = prepared.check;
        boolean mutates = !plan.isEmpty() || !prepared.deletes.isEmpty();
        Workspace ws = workspace();
        Queue failures = new Queue();
        AtomicInteger added = new AtomicInteger();
        AtomicInteger updated = new AtomicInteger();
        AtomicInteger deleted = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        Set<SyncPath> touched = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Long rootId = check.rootObjectId;
        String manifestSha = check.manifestSha256;
        // Nothing is written before the lease is ours; a run with nothing to write takes none.
        Lease lease = mutates ? Lease.acquire(ws, ctx.root, leaseTtl) : null;
        ExecutorService pool = mutates ? Executors.newFixedThreadPool(concurrency, daemonThreads()) : null;
        try (SyncStateStore.Session session = ctx.store.open(ctx.key)) {
            for (SnapshotEntry entry : plan.refreshed()) {
                Notebooks.Kind kind = prepared.kinds.get(entry.path());
                session.put(
                        entry.path(), FileState.of(entry, kind != null && kind.notebook() ? kind.remotePath() : null));
            }
            if (mutates) {
                if (manifestSha != null && rootId != null) {
                    // Before the first change: a manifest that says "being changed", so that a run killed from
                    // here on, whose local state is then lost too, is reconciled instead of trusted.
                    Manifest marker = Manifest.marker(ctx.root, rootId);
                    runOne(failures, () -> uploadManifest(ws, ctx, marker.toJson()));
                    manifestSha = marker.contentSha256();
                }
            }
            if (mutates && failures.isEmpty()) {
                Lease held = lease;
                Set<SyncPath> deletedChanges = new HashSet<>();
                plan.deletes().forEach(c -> deletedChanges.add(c.path()));
                // 1. Deletes.
                runAll(pool, prepared.deletes, failures, d -> {
                    boolean existed = ws.delete(ctx.root + "/" + d.remotePath, d.recursive);
                    if (d.stateKey != null) {
                        session.remove(d.stateKey);
                        touched.add(d.stateKey);
                    }
                    if (d.stateKey != null || existed) {
                        SyncPath reported = d.stateKey != null ? d.stateKey : syncPathOrNull(d.remotePath);
                        if (reported != null && deletedChanges.contains(reported)) {
                            deleted.incrementAndGet();
                            progress.transferred(reported, 0);
                        }
                    }
                });
                // 2. Folders left empty, leaf first; one that still holds something (not ours) stays.
                for (SyncPath dir : plan.removeDirectories()) {
                    if (failures.stopped()) {
                        break;
                    }
                    try {
                        ws.removeFolderIfEmpty(ctx.root + "/" + dir.value());
                    } catch (SyncException e) {
                        LOG.warn("Could not remove the emptied folder {}/{}: {}", ctx.root, dir, e.getMessage());
                        if (e instanceof WorkspaceException w && w.stopsRun()) {
                            failures.add(e);
                        }
                    }
                }
                // 3. Folders to create (leaves; mkdirs creates parents).
                if (prepared.createRoot && !failures.stopped()) {
                    runOne(failures, () -> ws.mkdirs(ctx.root));
                }
                runAll(pool, plan.createDirectories(), failures, dir -> ws.mkdirs(ctx.root + "/" + dir.value()));
                // 4. Uploads.
                List<Change> uploads = plan.changes().stream()
                        .filter(c -> c.kind() != Change.Kind.DELETE)
                        .toList();
                runAll(pool, uploads, failures, change -> {
                    SnapshotEntry entry = change.entry();
                    Notebooks.Kind kind = prepared.kinds.get(change.path());
                    if (kind == null) {
                        kind = Notebooks.detect(entry);
                    }
                    // The local name is sent, as the CLI does: the server strips a notebook's extension itself.
                    touched.add(change.path());
                    String sha = upload(ws, ctx.root + "/" + change.path().value(), entry);
                    held.renewIfDue();
                    long time = entry.modified().map(Instant::toEpochMilli).orElse(FileState.NO_TIME);
                    session.put(
                            change.path(),
                            new FileState(
                                    entry.size(),
                                    time,
                                    sha,
                                    entry.executable(),
                                    kind.notebook() ? kind.remotePath() : null));
                    (change.kind() == Change.Kind.ADD ? added : updated).incrementAndGet();
                    bytes.addAndGet(entry.size());
                    progress.transferred(change.path(), entry.size());
                });
            }
            // The manifest and the drift record follow what reached the folder (only when it all did).
            SyncState now = session.state();
            Map<SyncPath, Manifest.Remote> meta = new TreeMap<>(check.remote);
            meta.keySet().removeIf(p -> touched.contains(p) || now.get(p).isEmpty());
            if (failures.isEmpty()) {
                if (rootId == null) {
                    rootId = ws.status(ctx.root).map(ObjectInfo::getObjectId).orElse(null);
                }
                if (rootId != null) {
                    Manifest manifest = Manifest.of(true, ctx.root, rootId, now, meta);
                    String sha = manifest.contentSha256();
                    if (!sha.equals(manifestSha)) {
                        if (lease == null) {
                            lease = Lease.acquire(ws, ctx.root, leaseTtl);
                        }
                        runOne(failures, () -> uploadManifest(ws, ctx, manifest.toJson()));
                        manifestSha = failures.isEmpty() ? sha : null;
                    }
                }
            }
            DriftRecord before = check.record;
            long nowMillis = System.currentTimeMillis();
            new DriftRecord(
                            rootId,
                            check.reconciled ? 0 : before.runsSinceReconcile() + 1,
                            check.reconciled || before.reconciledAt() == 0 ? nowMillis : before.reconciledAt(),
                            manifestSha,
                            meta)
                    .save(DriftRecord.file(ctx.store.directory(), ctx.key));
            if (root == null && failures.isEmpty()) {
                rememberUser(ctx.store.directory(), ctx.user);
            }
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
            if (lease != null) {
                lease.release();
            }
        }
        if (!failures.isEmpty()) {
            throw failures.toException(ctx.root, added.get() + updated.get(), deleted.get());
        }
        String summary =
                "%d added, %d updated, %d deleted in %s".formatted(added.get(), updated.get(), deleted.get(), ctx.root);
        if (check.repair != null) {
            return new ApplyResult(
                    added.get(),
                    updated.get(),
                    deleted.get(),
                    bytes.get(),
                    "Repaired drift (" + check.repair + "): " + summary);
        }
        if (!mutates) {
            return ApplyResult.nothing("");
        }
        return new ApplyResult(added.get(), updated.get(), deleted.get(), bytes.get(), summary);
    }

    private static void uploadManifest(Workspace ws, Context ctx, byte[] json) {
        SnapshotEntry entry = new SnapshotEntry(
                SyncPath.of(Manifest.PATH), json.length, false, null, () -> new java.io.ByteArrayInputStream(json));
        upload(ws, ctx.root + "/" + Manifest.PATH, entry);
    }

    /** Uploads; a missing parent folder (deleted behind our back) is created and the upload tried once more. */
    private static String upload(Workspace ws, String remote, SnapshotEntry entry) {
        try {
            return ws.upload(remote, entry);
        } catch (WorkspaceException e) {
            if (e.status() == 400 && String.valueOf(e.getMessage()).contains("already exists")) {
                throw new DestinationException(
                        e.getMessage() + " (an object of another kind is in the way, e.g. left by another tool or a"
                                + " lost state; databricks.reconcile=true repairs this)",
                        e);
            }
            if (!e.isNotFound()) {
                throw e;
            }
            ws.mkdirs(remote.substring(0, remote.lastIndexOf('/')));
            return ws.upload(remote, entry);
        }
    }

    /** Failures collected from parallel work; stops further work after an authentication failure. */
    private static final class Queue {
        private final ConcurrentLinkedQueue<String> messages = new ConcurrentLinkedQueue<>();
        private final AtomicInteger count = new AtomicInteger();
        private final AtomicBoolean fatal = new AtomicBoolean();
        private volatile Throwable first;

        void add(Throwable e) {
            if (count.incrementAndGet() <= 10) {
                messages.add(e.getMessage());
            }
            if (first == null) {
                first = e;
            }
            if (e instanceof WorkspaceException w
                    && (w.stopsRun()
                            || w.status() == 401
                            || (w.status() == 403 && !w.errorCode().equals("MAX_CHILD_NODE_SIZE_EXCEEDED")))) {
                fatal.set(true);
            }
        }

        boolean stopped() {
            return fatal.get();
        }

        boolean isEmpty() {
            return count.get() == 0;
        }

        DestinationException toException(String root, int sent, int deleted) {
            String more = count.get() > 10 ? " (and " + (count.get() - 10) + " more)" : "";
            return new DestinationException(
                    count.get() + " operation(s) on " + root + " failed"
                            + (fatal.get() ? ", the rest was not tried" : "")
                            + "; " + sent + " file(s) sent and " + deleted + " deleted were recorded, so the next"
                            + " run does only the rest: " + String.join("; ", messages) + more,
                    first);
        }
    }

    private static void runOne(Queue failures, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    private static <T> void runAll(ExecutorService pool, Collection<T> items, Queue failures, Consumer<T> work) {
        if (items.isEmpty()) {
            return;
        }
        List<Future<?>> futures = new ArrayList<>(items.size());
        for (T item : items) {
            futures.add(pool.submit(() -> {
                if (failures.stopped()) {
                    return;
                }
                try {
                    work.accept(item);
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }));
        }
        try {
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new DestinationException("Interrupted while syncing", e);
        } catch (ExecutionException e) {
            failures.add(e.getCause());
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "databricks-sync-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // ---- client ----------------------------------------------------------------------------------

    private Workspace workspace() {
        return connection.workspace();
    }

    private String user() {
        String user = connection.user();
        if (user == null) {
            throw new DestinationException("The workspace did not say who the current user is; set databricks.root");
        }
        return user;
    }

    /** Builds a {@link DatabricksWorkspaceDestination}. */
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
        private Path stateDirectory;
        private boolean reconcile;
        private int reconcileEveryRuns = DEFAULT_RECONCILE_EVERY_RUNS;
        private Duration reconcileEvery = DEFAULT_RECONCILE_EVERY;
        private Duration deadline = Deadline.DEFAULT;
        private Duration leaseTtl = Lease.DEFAULT_TTL;
        private RetryPolicy retry = new RetryPolicy(8, Duration.ofSeconds(1), Duration.ofSeconds(60));

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

        /** The target folder; default {@code /Workspace/Users/<current user>/projects/<project>}. */
        public Builder root(String root) {
            this.root = root;
            return this;
        }

        /** The project name in the default root; default: the source directory's name. */
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

        /** Where the sync state is kept; default: {@code .git/workspace-sync/} or the user cache. */
        public Builder stateDirectory(Path stateDirectory) {
            this.stateDirectory = stateDirectory;
            return this;
        }

        /**
         * Whether every run lists the remote folder and repairs drift; default false (a deleted or replaced
         * folder is still noticed on every run, and a full reconcile runs periodically).
         */
        public Builder reconcile(boolean reconcile) {
            this.reconcile = reconcile;
            return this;
        }

        /** A full reconcile every this many runs; default 50; 0 for never by count. */
        public Builder reconcileEveryRuns(int runs) {
            if (runs < 0) {
                throw new SyncConfigException("'databricks.reconcile-every-runs' must be 0 or more, not " + runs);
            }
            this.reconcileEveryRuns = runs;
            return this;
        }

        /** A full reconcile when the last one is this old; default 24 h; null for never by time. */
        public Builder reconcileEvery(Duration every) {
            if (every != null && (every.isNegative() || every.isZero())) {
                throw new SyncConfigException("'databricks.reconcile-every' must be positive, not " + every);
            }
            this.reconcileEvery = every;
            return this;
        }

        /**
         * How long one request may keep retrying transient failures before the run gives up; default 60 s.
         * A host that refuses connections or does not resolve fails at once.
         */
        public Builder deadline(Duration deadline) {
            if (deadline == null || deadline.isNegative() || deadline.isZero()) {
                throw new SyncConfigException("'databricks.deadline' must be positive, not " + deadline);
            }
            this.deadline = deadline;
            return this;
        }

        /**
         * How long the lease on the folder lasts ({@code .workspace-sync/lease.json}) before another replica
         * may take it over; renewed while a long run writes; default 10 min.
         */
        public Builder leaseTtl(Duration ttl) {
            if (ttl == null || ttl.isNegative() || ttl.isZero()) {
                throw new SyncConfigException("'databricks.lease-ttl' must be positive, not " + ttl);
            }
            this.leaseTtl = ttl;
            return this;
        }

        /** How transient request failures are retried; default 8 attempts from 1 s up to 60 s. */
        public Builder retryPolicy(RetryPolicy retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /**
         * @throws SyncConfigException for an ambiguous sign-in or a malformed root
         */
        public DatabricksWorkspaceDestination build() {
            return new DatabricksWorkspaceDestination(this);
        }
    }
}
