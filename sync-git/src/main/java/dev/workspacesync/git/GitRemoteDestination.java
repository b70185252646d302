package dev.workspacesync.git;

import dev.workspacesync.core.ApplyResult;
import dev.workspacesync.core.Change;
import dev.workspacesync.core.ChangeGroup;
import dev.workspacesync.core.Deadline;
import dev.workspacesync.core.DestinationException;
import dev.workspacesync.core.Redactor;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SourceException;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncException;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.SyncPlan;
import dev.workspacesync.core.spi.Destination;
import dev.workspacesync.git.internal.BlobIdCache;
import dev.workspacesync.git.internal.CachedClone;
import dev.workspacesync.git.internal.CloneCache;
import dev.workspacesync.git.internal.CommitChain;
import dev.workspacesync.git.internal.CrashPoint;
import dev.workspacesync.git.internal.GitAuth;
import dev.workspacesync.git.internal.GitRemote;
import dev.workspacesync.git.internal.Glob;
import dev.workspacesync.git.internal.MessageTemplate;
import dev.workspacesync.git.internal.Side;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheCheckout;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A branch of a git remote as a {@link Destination} (provider type {@code git}): the snapshot is
 * mirrored into a cached clone, committed once when anything changed, and pushed without force. Needs
 * no {@code git} binary (JGit).
 *
 * <h2>Behaviour</h2>
 *
 * <ul>
 *   <li><b>Cached clone.</b> The clone lives in {@code git.work-dir} (default: the user cache directory,
 *       {@code ~/.cache/workspace-sync/git/<host>-<digest of remote and branch>} on Linux). It is created
 *       with {@code init} + {@code fetch}, so an empty remote or a missing branch works (the first push
 *       creates the branch); a failed first fetch leaves nothing behind. A sync holds an OS lock on it; a
 *       crashed sync's JGit lock files are removed by the next one, and a damaged clone is made again
 *       from the remote (see {@link CachedClone}). A directory that holds other files, another git
 *       repository or a clone of another remote is reported with its path and left alone. Clones in the
 *       default cache root unused for {@code cacheMaxIdle} are removed.
 *   <li><b>Deadline.</b> Fetches and pushes retry timeouts, resets and HTTP 5xx/429 within {@code
 *       deadline} (default 60 s), with a {@code retrying (n/N)} WARN line; a refused connection or an
 *       unknown host fails at once, naming the host.
 *   <li><b>Plan</b> fetches the branch into the clone (a local cache; the remote, the clone's branch
 *       and work tree are untouched) and compares the snapshot with the remote's tree by git blob id.
 *       Unchanged source files are not read again: their blob ids are remembered by path, size and
 *       modification time. {@link SyncPlan#existingFiles()} counts the remote's files that are not
 *       preserved, for the deletion guard.
 *   <li><b>Apply</b> writes only changed files into the work tree, deletes files that left the source
 *       (unless preserved), stages exactly those paths (no work-tree walk), and commits once, with the
 *       configured author and a message from the template; nothing changed means no commit. The
 *       commit's tree is exactly the snapshot plus the preserved files already in the branch. Executable
 *       bits are carried over (mode {@code 100755}).
 *   <li><b>Authors.</b> When the snapshot carries an {@link dev.workspacesync.core.Attribution} (who changed
 *       which item), the same changes are written as one commit per author, oldest change first, authored by
 *       that user and committed by the configured identity, then one commit by that identity for what no one
 *       is known to have changed (see {@link ChangeGroup#of}); the last commit's tree is the tree of one
 *       commit, and all are pushed at once. Metadata that cannot be read never fails the sync: one commit,
 *       and the result's message says why no one was credited.
 *   <li><b>Push</b> never forces. A rejected push (someone else pushed) fetches, resets the clone to
 *       the new remote head, mirrors again and retries, up to {@code maxPushAttempts} times; so both
 *       histories land. If the new remote head brought files the plan did not know of and the mirror would
 *       delete them, apply stops instead, so the next run plans (and guards) those deletions.
 *   <li><b>Credentials</b> are attached to each fetch and push: an HTTPS token as the password of basic
 *       auth (user {@code git.username}, default {@code x-access-token}), or an SSH key with a
 *       known_hosts file (an unknown host key fails; {@code ~/.ssh/config} and agents are ignored). They
 *       never appear in the remote URL, {@code .git/config}, logs, exceptions or reports; a password in
 *       the given URL is taken out of it and used as the token.
 *   <li><b>Hooks</b> of the user (a global {@code core.hooksPath}) are not run in the cached clone.
 * </ul>
 *
 * <h2>Message template</h2>
 *
 * {@code {source}}, {@code {workspace}} (the snapshot attribute {@code workspace}), {@code {added}},
 * {@code {updated}}, {@code {deleted}}, {@code {branch}}, {@code {revision}}, {@code {target}} and every
 * other snapshot attribute by name; {@code {items}}: one line per item of the commit, when the snapshot says.
 * Default: {@value #DEFAULT_MESSAGE}. A commit crediting an author uses {@link Builder#authorMessage}, which
 * adds {@code {summary}}, {@code {author}} and {@code {author-email}}.
 *
 * <pre>{@code
 * Destination git = GitRemoteDestination.builder("https://github.com/acme/backup.git")
 *         .token(Secret.of(System.getenv("GIT_TOKEN")))
 *         .branch("main")
 *         .build();
 * }</pre>
 */
public final class GitRemoteDestination implements Destination {
    /** The default commit message template. */
    public static final String DEFAULT_MESSAGE = "Automated backup of {source}";

    /**
     * The default message of a commit crediting one author: Windmill Enterprise git sync's summary line, then
     * one line per item ({@code [WM]: Deployed 2 scripts, 1 flow}, {@code Script 'f/a' deployed}, …).
     */
    public static final String DEFAULT_AUTHOR_MESSAGE = "{summary}\n\n{items}";

    /** Clones in the default cache root unused this long are removed. */
    public static final Duration DEFAULT_CACHE_MAX_IDLE = Duration.ofDays(7);

    /** Destination files never deleted by default. */
    public static final List<String> DEFAULT_PRESERVE =
            List.of(".github/**", "README.md", ".gitignore", "wmill.yaml", "wmill-lock.yaml");

    private static final Logger LOG = LoggerFactory.getLogger(GitRemoteDestination.class);
    /** Source files modified this recently are hashed again next time (their time may not have settled). */
    private static final Duration RACY = Duration.ofSeconds(2);

    private final String remoteUrl;
    private final String branch;
    private final String message;
    private final String authorMessage;
    private final PersonIdent author;
    private final Glob preserve;
    private final int maxPushAttempts;
    private final GitAuth auth;
    private final CachedClone clone;
    private final List<Secret> secrets;
    private final Redactor redactor;
    private final BlobIdCache blobIds;
    private final GitRemote remote;
    private final boolean ssh;
    private final boolean hasToken;
    private final Duration deadline;
    private final Duration cacheMaxIdle;
    private final Path cacheRoot;
    private volatile Planned planned;
    private volatile Base knownBase;
    private Boolean posix;

    private GitRemoteDestination(Builder b) {
        this.remote = new GitRemote(
                Side.DESTINATION, b.remoteUrl, b.token, b.username, b.sshKey, b.knownHosts, b.sshKeyPassphrase);
        URIish uri = remote.uri();
        this.secrets = remote.secrets();
        this.redactor = remote.redactor();
        this.remoteUrl = remote.url();
        this.branch = b.branch;
        if (!Repository.isValidRefName(Constants.R_HEADS + branch)) {
            throw new SyncConfigException("Setting 'git.branch' is not a valid branch name: '" + branch + "'");
        }
        this.message = b.message;
        this.authorMessage = b.authorMessage;
        this.author = new PersonIdent(b.authorName, b.authorEmail);
        this.preserve = Glob.of(b.preserve);
        this.maxPushAttempts = b.maxPushAttempts;
        this.ssh = remote.ssh();
        this.hasToken = remote.hasToken();
        this.auth = remote.auth();
        this.deadline = b.deadline;
        this.cacheMaxIdle = b.cacheMaxIdle;
        // Only clones in the default cache root are ever swept; a configured work dir is the user's.
        Path root = b.cacheRoot != null ? b.cacheRoot : CloneCache.root();
        this.cacheRoot = b.workDir == null ? root : null;
        Path workDir = b.workDir != null ? b.workDir : root.resolve(CloneCache.folderName(uri, branch));
        this.clone = new CachedClone(workDir, remoteUrl, branch, b.workDir == null);
        this.blobIds = new BlobIdCache(clone.stateDir().resolve("blob-ids"));
    }

    /** A builder for a remote URL ({@code https://}, {@code ssh://}, {@code user@host:path} or {@code file://}). */
    public static Builder builder(String remoteUrl) {
        return new Builder(remoteUrl);
    }

    /**
     * Where cached clones live when {@code git.work-dir} is not set: the user cache directory, then
     * {@code workspace-sync/git} (what a service's readiness check must be able to write).
     */
    public static Path defaultCacheRoot() {
        return CloneCache.root();
    }

    @Override
    public String type() {
        return "git";
    }

    @Override
    public String target() {
        return remoteUrl + "#" + branch;
    }

    /** The cached clone's work tree. */
    public Path workDir() {
        return clone.dir();
    }

    @Override
    public Collection<Secret> secrets() {
        return secrets;
    }

    /**
     * {@code ls-remote} with the configured credentials, the branch, the cached clone's place, and a word
     * on push permission (which no read can show). Clones, fetches and writes nothing.
     */
    @Override
    public List<dev.workspacesync.core.Check> check() {
        return new dev.workspacesync.git.internal.RemoteChecks(
                        auth, remoteUrl, branch, ssh, hasToken, deadline, clone.dir(), redactor)
                .run();
    }

    // ---- names this destination can hold (completeness)

    /**
     * A git tree holds any name but NUL and {@code /}, byte for byte, so control characters, backslashes
     * and both Unicode forms of one name are carried. The limit is the cached clone's work tree: a
     * segment longer than 255 bytes (Linux's NAME_MAX) cannot be written there.
     */
    @Override
    public Optional<String> cannotHold(SyncPath path) {
        if (java.io.File.separatorChar != '/' && path.portabilityProblem().isPresent()) {
            return path.portabilityProblem(); // a Windows work tree: backslash is a separator there
        }
        for (String segment : path.segments()) {
            int bytes = segment.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > NAME_MAX) {
                return Optional.of("a name in it is " + bytes + " bytes long; the cached clone's work tree holds at"
                        + " most " + NAME_MAX + " bytes per name");
            }
        }
        return Optional.empty();
    }

    /** Distinct on Linux; macOS file systems (the clone's work tree) fold both forms into one. */
    @Override
    public boolean keepsUnicodeForms() {
        return !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("mac");
    }

    private static final int NAME_MAX = 255;

    /** A path in the remote's tree that the source has but this run does not carry: kept, not deleted. */
    private static boolean withheld(Snapshot snapshot, String path) {
        try {
            return snapshot.withheld(SyncPath.exact(path));
        } catch (SyncPath.InvalidPathException e) {
            return false;
        }
    }

    @Override
    public SyncPlan plan(Snapshot snapshot) {
        Deadline runDeadline = Deadline.after(deadline);
        if (cacheRoot != null) {
            CloneCache.sweep(cacheRoot, cacheMaxIdle, clone.dir());
        }
        long start = System.nanoTime();
        try (CachedClone.Session session = clone.open(runDeadline.remaining(), repo -> fetch(repo, runDeadline))) {
            Repository repo = session.repository();
            if (!session.created()) {
                fetch(repo, runDeadline);
            }
            long fetched = System.nanoTime();
            Base base = base(repo);
            Diff diff = diff(snapshot, base, repo);
            planned = new Planned(snapshot, base, diff);
            LOG.debug(
                    "Planned {} against {}: fetch {} ms, compare {} ms",
                    target(),
                    base.commit == null ? "an empty branch" : base.commit.name(),
                    millis(start, fetched),
                    millis(fetched, System.nanoTime()));
            return new SyncPlan(
                    target(), diff.changes, base.unpreservedCount(), List.of(), List.of(), List.of(), snapshot);
        } catch (IOException e) {
            throw failure("Cannot plan the sync to " + target() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public ApplyResult apply(SyncPlan plan, Progress progress) {
        Snapshot snapshot = plan.snapshot();
        if (snapshot == null) {
            throw new IllegalArgumentException("A git destination applies only plans it made from a snapshot");
        }
        Set<SyncPath> plannedDeletes = new HashSet<>();
        plan.deletes().forEach(c -> plannedDeletes.add(c.path()));
        Deadline runDeadline = Deadline.after(deadline);
        try (CachedClone.Session session = clone.open(runDeadline.remaining(), repo -> fetch(repo, runDeadline))) {
            Repository repo = session.repository();
            for (int attempt = 1; attempt <= maxPushAttempts; attempt++) {
                long start = System.nanoTime();
                Planned last = planned;
                Base base;
                Diff diff;
                if (attempt == 1
                        && last != null
                        && last.snapshot == snapshot
                        && Objects.equals(last.base.commit, repo.resolve(clone.trackingRef()))) {
                    // The remote has not moved since planning: the plan's comparison still holds.
                    base = last.base;
                    diff = last.diff;
                } else {
                    base = base(repo);
                    diff = diff(snapshot, base, repo);
                }
                reset(repo, base);
                long compared = System.nanoTime();
                List<SyncPath> unplanned = diff.deletes().stream()
                        .filter(p -> !plannedDeletes.contains(p))
                        .toList();
                if (!unplanned.isEmpty()) {
                    throw new DestinationException(target() + " changed since planning: the mirror would now delete "
                            + unplanned.size() + " file(s) pushed by someone else (e.g. " + unplanned.get(0)
                            + "). Nothing was pushed; sync again to plan (and guard) those deletions.");
                }
                if (diff.changes.isEmpty()) {
                    blobIds.save();
                    return ApplyResult.nothing("No changes; " + target() + " is at "
                            + (base.commit == null ? "no commit" : base.commit.name()));
                }
                Attributed attributed = attribute(snapshot, diff);
                Written written = commit(repo, snapshot, base, diff, attributed);
                long committed = System.nanoTime();
                CrashPoint.reached(CrashPoint.COMMIT);
                java.util.concurrent.atomic.AtomicReference<String> refused =
                        new java.util.concurrent.atomic.AtomicReference<>();
                boolean landed = push(repo, written.commit, runDeadline, refused);
                LOG.debug(
                        "Attempt {} for {}: compare and reset {} ms, commit {} ms, push {} ms",
                        attempt,
                        target(),
                        millis(start, compared),
                        millis(compared, committed),
                        millis(committed, System.nanoTime()));
                if (landed) {
                    CrashPoint.reached(CrashPoint.PUSHED);
                    int unpreserved = base.unpreservedCount - diff.deletes().size();
                    for (Change change : diff.changes) {
                        if (change.kind() == Change.Kind.ADD
                                && !preserve.matches(change.path().value())) {
                            unpreserved++;
                        }
                    }
                    knownBase = new Base(written.commit, written.tree, written.files, unpreserved);
                    blobIds.save();
                    for (Change change : diff.changes) {
                        progress.transferred(change.path(), change.bytes());
                    }
                    String retried = attempt == 1 ? "" : " after " + (attempt - 1) + " rejected push(es)";
                    LOG.info("Pushed commit {} to {}{}", written.commit.name(), target(), retried);
                    return new ApplyResult(
                            diff.adds(),
                            diff.updates(),
                            diff.deletes().size(),
                            written.bytes,
                            // Counts first, like the other destinations' summaries.
                            "%d added, %d updated, %d deleted; pushed %s %s to %s%s%s"
                                    .formatted(
                                            diff.adds(),
                                            diff.updates(),
                                            diff.deletes().size(),
                                            attributed.several()
                                                    ? (attributed.groups.size() == 1
                                                                    ? "1 commit"
                                                                    : attributed.groups.size() + " commits")
                                                            + " by " + credited(attributed) + "; the last"
                                                    : "commit",
                                            written.commit.name(),
                                            target(),
                                            retried,
                                            attributed.note == null
                                                    ? ""
                                                    : "; authors not credited: " + attributed.note
                                                            + ", so one commit by " + author.getName()));
                }
                fetch(repo, runDeadline);
                if (refused.get() != null && Objects.equals(repo.resolve(clone.trackingRef()), base.commit)) {
                    // Refused, and the branch has not moved: not a lost race but a real refusal (a hook).
                    throw failure("Push to " + target() + " failed: " + refused.get(), null);
                }
                LOG.info("Push to {} was rejected (the remote moved); fetching and mirroring again", target());
            }
            throw DestinationException.transientFailure(
                    "Push to " + target() + " was rejected " + maxPushAttempts
                            + " times because others keep pushing to the branch; nothing was forced. Try again later.",
                    null,
                    null);
        } catch (IOException e) {
            throw failure("Cannot sync to " + target() + ": " + e.getMessage(), e);
        }
    }

    private static long millis(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1_000_000;
    }

    /** The last plan's comparison, reused by apply when the remote has not moved since. */
    private record Planned(Snapshot snapshot, Base base, Diff diff) {}

    // ---- reading the remote's state

    /** The remote branch's head as last fetched, and its files (never modified once built). */
    private record Base(ObjectId commit, ObjectId tree, Map<String, TreeFile> files, int unpreservedCount) {
        static Base of(ObjectId commit, ObjectId tree, Map<String, TreeFile> files, Glob preserve) {
            int n = 0;
            for (String path : files.keySet()) {
                if (!preserve.matches(path)) {
                    n++;
                }
            }
            return new Base(commit, tree, files, n);
        }
    }

    private record TreeFile(ObjectId id, FileMode mode) {}

    private Base base(Repository repo) throws IOException {
        ObjectId head = repo.resolve(clone.trackingRef());
        if (head == null) {
            return Base.of(null, null, Map.of(), preserve);
        }
        Base known = knownBase;
        if (known != null && head.equals(known.commit)) {
            return known; // our own last push: its files are known without reading the tree
        }
        Map<String, TreeFile> files = new HashMap<>();
        try (RevWalk walk = new RevWalk(repo);
                TreeWalk tree = new TreeWalk(repo)) {
            RevCommit commit = walk.parseCommit(head);
            tree.addTree(commit.getTree());
            tree.setRecursive(true);
            while (tree.next()) {
                files.put(tree.getPathString(), new TreeFile(tree.getObjectId(0), tree.getFileMode(0)));
            }
            Base base = Base.of(commit.copy(), commit.getTree().copy(), files, preserve);
            knownBase = base;
            return base;
        }
    }

    private static final class Diff {
        final List<Change> changes = new ArrayList<>();
        final Map<SyncPath, ObjectId> ids = new HashMap<>();

        List<SyncPath> deletes() {
            return changes.stream()
                    .filter(c -> c.kind() == Change.Kind.DELETE)
                    .map(Change::path)
                    .toList();
        }

        int adds() {
            return (int)
                    changes.stream().filter(c -> c.kind() == Change.Kind.ADD).count();
        }

        int updates() {
            return (int)
                    changes.stream().filter(c -> c.kind() == Change.Kind.UPDATE).count();
        }
    }

    private Diff diff(Snapshot snapshot, Base base, Repository repo) {
        Diff diff = new Diff();
        Set<String> offered = new HashSet<>(snapshot.size() * 2);
        ObjectInserter.Formatter formatter = new ObjectInserter.Formatter();
        Instant settled = snapshot.takenAt().minus(RACY);
        for (SnapshotEntry entry : snapshot.entries()) {
            String path = entry.path().value();
            offered.add(path);
            ObjectId id = blobId(entry, formatter, settled);
            diff.ids.put(entry.path(), id);
            FileMode mode = entry.executable() ? FileMode.EXECUTABLE_FILE : FileMode.REGULAR_FILE;
            TreeFile old = base.files.get(path);
            if (old == null) {
                diff.changes.add(Change.add(entry));
            } else if (!old.id.equals(id) || !old.mode.equals(mode)) {
                diff.changes.add(Change.update(entry));
            }
        }
        for (String path : base.files.keySet()) {
            if (!offered.contains(path) && !preserve.matches(path) && !withheld(snapshot, path)) {
                diff.changes.add(Change.delete(SyncPath.exact(path)));
            }
        }
        if (blobIds.size() > offered.size()) {
            blobIds.retain(offered); // forget files that left (a cache; stale entries only cost space)
        }
        return diff;
    }

    private ObjectId blobId(SnapshotEntry entry, ObjectInserter.Formatter formatter, Instant settled) {
        String path = entry.path().value();
        long time = entry.modified().map(Instant::toEpochMilli).orElse(Long.MIN_VALUE);
        if (entry.modified().isPresent()) {
            ObjectId known = blobIds.get(path, entry.size(), time);
            if (known != null) {
                return known;
            }
        }
        try (InputStream in = entry.open()) {
            ObjectId id = formatter.idFor(Constants.OBJ_BLOB, entry.size(), in);
            if (in.read() != -1) {
                throw new EOFException("longer than its size");
            }
            if (entry.modified().isPresent() && entry.modified().get().isBefore(settled)) {
                blobIds.put(path, entry.size(), time, id);
            }
            return id;
        } catch (IOException e) {
            throw SourceException.transientFailure(
                    "Cannot read " + path + " (did it change during the sync?): " + e.getMessage(), e, null);
        }
    }

    // ---- changing the clone

    /** Makes the clone's branch, index and work tree equal the remote's head (or empty without one). */
    private void reset(Repository repo, Base base) throws IOException {
        Path dirtyMarker = clone.stateDir().resolve("dirty");
        ObjectId local = repo.resolve(clone.localRef());
        boolean dirty = Files.exists(dirtyMarker);
        if (Objects.equals(local, base.commit) && !dirty) {
            return;
        }
        try (Git git = new Git(repo)) {
            if (base.commit != null && local != null) {
                git.reset()
                        .setMode(ResetCommand.ResetType.HARD)
                        .setRef(base.commit.name())
                        .call();
            } else if (base.commit != null) {
                clearIndexAndFiles(repo);
                DirCache dc = repo.lockDirCache();
                try {
                    DirCacheCheckout checkout = new DirCacheCheckout(repo, dc, base.tree);
                    checkout.setFailOnConflict(false);
                    checkout.checkout();
                } finally {
                    dc.unlock();
                }
                RefUpdate update = repo.updateRef(clone.localRef());
                update.setNewObjectId(base.commit);
                update.setForceUpdate(true);
                update.setRefLogMessage("workspace-sync: start from " + clone.trackingRef(), false);
                checkRef(update.update(), clone.localRef());
            } else {
                if (local != null) {
                    git.reset().setMode(ResetCommand.ResetType.HARD).call();
                }
                clearIndexAndFiles(repo);
            }
        } catch (GitAPIException e) {
            throw new IOException("cannot reset the cached clone to the remote branch: " + e.getMessage(), e);
        }
        Files.deleteIfExists(dirtyMarker);
    }

    private void clearIndexAndFiles(Repository repo) throws IOException {
        DirCache dc = repo.lockDirCache();
        try {
            for (int i = 0; i < dc.getEntryCount(); i++) {
                deleteFile(SyncPath.exact(dc.getEntry(i).getPathString()));
            }
            dc.builder().finish();
            dc.write();
            dc.commit();
        } finally {
            dc.unlock();
        }
    }

    private record Written(ObjectId commit, ObjectId tree, Map<String, TreeFile> files, long bytes) {}

    private Written commit(Repository repo, Snapshot snapshot, Base base, Diff diff, Attributed groups)
            throws IOException {
        Files.writeString(clone.stateDir().resolve("dirty"), "writing\n");
        long bytes = 0;
        ObjectId commitId;
        ObjectId tree;
        // The new commit's files: the base's with the changes applied (kept to plan the next sync).
        Map<String, TreeFile> files = new HashMap<>(base.files);
        DirCache dc = repo.lockDirCache();
        try (ObjectInserter inserter = inserter(repo, diff.changes.size())) {
            DirCacheEditor editor = dc.editor();
            for (Change change : diff.changes) {
                if (change.kind() == Change.Kind.DELETE) {
                    deleteFile(change.path());
                    files.remove(change.path().value());
                    editor.add(new DirCacheEditor.DeletePath(change.path().value()));
                }
            }
            int toWrite = diff.adds() + diff.updates();
            int writtenFiles = 0;
            for (Change change : diff.changes) {
                if (change.kind() == Change.Kind.DELETE) {
                    continue;
                }
                if (writtenFiles++ == toWrite / 2) {
                    CrashPoint.reached(CrashPoint.WRITE);
                }
                SnapshotEntry entry = change.entry();
                Path file = entry.path().under(clone.dir());
                Files.createDirectories(file.getParent());
                long length = entry.size();
                ObjectId id;
                // One read of the source: the bytes go to the object database and the work tree together.
                try (InputStream in = entry.open();
                        OutputStream out = Files.newOutputStream(file);
                        InputStream tee = new TeeStream(in, out)) {
                    id = inserter.insert(Constants.OBJ_BLOB, length, tee);
                    if (tee.read() != -1) {
                        throw new EOFException("longer than its size");
                    }
                } catch (IOException e) {
                    throw SourceException.transientFailure(
                            "Cannot read " + entry.path() + " (did it change during the sync?): " + e.getMessage(),
                            e,
                            null);
                }
                setExecutable(file, entry.executable());
                Instant written = Files.getLastModifiedTime(file).toInstant();
                FileMode mode = entry.executable() ? FileMode.EXECUTABLE_FILE : FileMode.REGULAR_FILE;
                editor.add(new DirCacheEditor.PathEdit(entry.path().value()) {
                    @Override
                    public void apply(DirCacheEntry ent) {
                        ent.setFileMode(mode);
                        ent.setObjectId(id);
                        ent.setLength(length);
                        ent.setLastModified(written);
                    }
                });
                files.put(entry.path().value(), new TreeFile(id, mode));
                bytes += length;
            }
            editor.finish();
            tree = dc.writeTree(inserter);
            dc.write();
            CrashPoint.reached(CrashPoint.STAGE);
            dc.commit();

            PersonIdent now = new PersonIdent(author, Instant.now());
            commitId = CommitChain.insert(
                    inserter, base.commit, blobs(base.files), blobs(files), tree, steps(snapshot, groups, now), now);
            inserter.flush();
        } finally {
            dc.unlock();
        }
        RefUpdate update = repo.updateRef(clone.localRef());
        update.setNewObjectId(commitId);
        update.setForceUpdate(true);
        update.setRefLogMessage("commit: workspace-sync", false);
        checkRef(update.update(), clone.localRef());
        Files.deleteIfExists(clone.stateDir().resolve("dirty"));
        return new Written(commitId, tree, files, bytes);
    }

    private static Map<String, CommitChain.Blob> blobs(Map<String, TreeFile> files) {
        Map<String, CommitChain.Blob> out = new HashMap<>(files.size() * 2);
        files.forEach((path, file) -> out.put(path, new CommitChain.Blob(file.id, file.mode)));
        return out;
    }

    /**
     * The plan split into commits: one per author when the snapshot says who changed what, else one. {@code
     * note} says why a snapshot's attribution credited no one (for the report), or is null.
     */
    private record Attributed(List<ChangeGroup> groups, String tag, String note) {
        boolean several() {
            return groups.size() > 1 || groups.get(0).author() != null;
        }
    }

    /** Attribution never fails a sync: metadata that cannot be read means one commit by the service. */
    private Attributed attribute(Snapshot snapshot, Diff diff) {
        Optional<dev.workspacesync.core.Attribution> attribution = snapshot.attribution();
        List<ChangeGroup> one = List.of(new ChangeGroup(null, List.of(), diff.changes));
        if (attribution.isEmpty()) {
            return new Attributed(one, "", null);
        }
        Optional<String> unavailable = attribution.get().unavailableBecause();
        if (unavailable.isPresent()) {
            return new Attributed(one, "", unavailable.get());
        }
        try {
            List<dev.workspacesync.core.AttributedItem> items =
                    attribution.get().attribute(diff.changes);
            return new Attributed(
                    ChangeGroup.of(diff.changes, items), attribution.get().tag(), null);
        } catch (RuntimeException e) {
            String reason = "the source's metadata could not be read (" + e.getMessage() + ")";
            LOG.warn("Not crediting authors in {}: {}", target(), redactor.redact(reason));
            return new Attributed(one, "", reason);
        }
    }

    private List<CommitChain.Step> steps(Snapshot snapshot, Attributed attributed, PersonIdent service) {
        List<CommitChain.Step> steps = new ArrayList<>();
        for (ChangeGroup group : attributed.groups) {
            Map<String, String> values = values(snapshot, group.changes());
            values.put("summary", group.summary(attributed.tag));
            values.put("items", group.itemLines());
            dev.workspacesync.core.Author who = group.author();
            if (who == null) {
                String text = MessageTemplate.render(message, values);
                if (!group.items().isEmpty() && !message.contains("{items}")) {
                    text += "\n\n" + group.itemLines(); // name what no one is known to have changed
                }
                steps.add(new CommitChain.Step(service, text, group.changes()));
                continue;
            }
            values.put("author", who.name());
            values.put("author-email", who.email());
            Instant when = group.items().stream()
                    .map(dev.workspacesync.core.AttributedItem::changedAt)
                    .filter(Objects::nonNull)
                    .max(Instant::compareTo)
                    .orElse(service.getWhenAsInstant());
            steps.add(new CommitChain.Step(
                    new PersonIdent(who.name(), who.email(), when, java.time.ZoneOffset.UTC),
                    MessageTemplate.render(authorMessage, values),
                    group.changes()));
        }
        return steps;
    }

    /** Who the commits credit, for the report: {@code alice, bob, workspace-sync}. */
    private String credited(Attributed attributed) {
        List<String> names = new ArrayList<>();
        for (ChangeGroup group : attributed.groups) {
            names.add(group.author() == null ? author.getName() : group.author().name());
        }
        return String.join(", ", names);
    }

    /**
     * Many new objects go straight into one pack: one loose file per object is what makes a first sync
     * of a large tree slow. (PackInserter is JGit-internal API; any other object database gets the
     * public inserter.)
     */
    private static ObjectInserter inserter(Repository repo, int changes) {
        if (changes >= 200
                && repo.getObjectDatabase()
                        instanceof org.eclipse.jgit.internal.storage.file.ObjectDirectory directory) {
            return directory.newPackInserter();
        }
        return repo.newObjectInserter();
    }

    /** The template values of a commit making {@code changes}. */
    private Map<String, String> values(Snapshot snapshot, List<Change> changes) {
        Map<String, String> values = new LinkedHashMap<>(snapshot.attributes());
        values.put("source", snapshot.source());
        values.put(
                "added",
                Long.toString(changes.stream()
                        .filter(c -> c.kind() == Change.Kind.ADD)
                        .count()));
        values.put(
                "updated",
                Long.toString(changes.stream()
                        .filter(c -> c.kind() == Change.Kind.UPDATE)
                        .count()));
        values.put(
                "deleted",
                Long.toString(changes.stream()
                        .filter(c -> c.kind() == Change.Kind.DELETE)
                        .count()));
        values.put("branch", branch);
        values.put("target", target());
        snapshot.revision().ifPresent(r -> values.put("revision", r));
        return values;
    }

    private void deleteFile(SyncPath path) throws IOException {
        Path file = path.under(clone.dir());
        Files.deleteIfExists(file);
        // Remove directories the delete emptied, up to the work tree.
        Path dir = file.getParent();
        while (dir != null && !dir.equals(clone.dir()) && dir.startsWith(clone.dir())) {
            try {
                Files.delete(dir);
            } catch (DirectoryNotEmptyException | java.nio.file.NoSuchFileException e) {
                break;
            }
            dir = dir.getParent();
        }
    }

    private void setExecutable(Path file, boolean executable) throws IOException {
        if (posix == null) {
            // Looking up the file store reads the mount table: once per destination is enough.
            posix = Files.getFileStore(file).supportsFileAttributeView("posix");
        }
        if (!posix) {
            return;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        boolean changed = executable
                ? perms.addAll(Set.of(
                        PosixFilePermission.OWNER_EXECUTE,
                        PosixFilePermission.GROUP_EXECUTE,
                        PosixFilePermission.OTHERS_EXECUTE))
                : perms.removeAll(Set.of(
                        PosixFilePermission.OWNER_EXECUTE,
                        PosixFilePermission.GROUP_EXECUTE,
                        PosixFilePermission.OTHERS_EXECUTE));
        if (changed) {
            Files.setPosixFilePermissions(file, perms);
        }
    }

    private static void checkRef(RefUpdate.Result result, String ref) throws IOException {
        switch (result) {
            case NEW, FORCED, FAST_FORWARD, NO_CHANGE -> {}
            default -> throw new IOException("cannot update " + ref + " in the cached clone: " + result);
        }
    }

    /** Copies what is read to a second stream. */
    private static final class TeeStream extends java.io.FilterInputStream {
        private final OutputStream copy;

        TeeStream(InputStream in, OutputStream copy) {
            super(in);
            this.copy = copy;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                copy.write(b);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            int n = super.read(buffer, off, len);
            if (n > 0) {
                copy.write(buffer, off, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            throw new IOException("skip is not supported");
        }
    }

    // ---- talking to the remote

    private void fetch(Repository repo, Deadline runDeadline) throws IOException {
        remote("fetch from", runDeadline, () -> {
            fetchOnce(repo, runDeadline);
            return null;
        });
    }

    private void fetchOnce(Repository repo, Deadline runDeadline) {
        try (Git git = new Git(repo)) {
            auth.configure(git.fetch()
                            .setRemote(auth.remote("origin"))
                            .setTimeout(timeoutSeconds(runDeadline))
                            .setRefSpecs(new RefSpec("+" + clone.localRef() + ":" + clone.trackingRef())))
                    .call();
        } catch (TransportException e) {
            if (e.getMessage() != null && e.getMessage().contains("does not have")) {
                // An empty remote, or the branch does not exist yet: the first push creates it.
                try {
                    RefUpdate delete = repo.updateRef(clone.trackingRef());
                    delete.setForceUpdate(true);
                    if (repo.exactRef(clone.trackingRef()) != null) {
                        delete.delete();
                    }
                } catch (IOException io) {
                    throw failure("Cannot update the cached clone of " + target() + ": " + io.getMessage(), io);
                }
                return;
            }
            throw transportFailure("fetch from", e);
        } catch (GitAPIException e) {
            throw failure("Cannot fetch from " + target() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw failure("Cannot fetch from " + target() + ": " + e.getMessage(), e); // host does not resolve
        }
    }

    /** Pushes without force: true when it landed, false when the remote moved meanwhile. */
    /**
     * Pushes; false when the push lost the race for the branch. {@code refused} receives the reason of a
     * push refused for another reason, which may be a lost race too: a server that checks the old id as it
     * updates the ref (the compare-and-swap) answers "invalid old id sent" (JGit) or "cannot lock ref" (git)
     * when another push landed between its advertisement and the update; the caller fetches and tells.
     */
    private boolean push(
            Repository repo,
            ObjectId commit,
            Deadline runDeadline,
            java.util.concurrent.atomic.AtomicReference<String> refused) {
        return remote("push to", runDeadline, () -> pushOnce(repo, runDeadline, refused));
    }

    private boolean pushOnce(
            Repository repo, Deadline runDeadline, java.util.concurrent.atomic.AtomicReference<String> refused) {
        try (Git git = new Git(repo)) {
            var command = git.push()
                    .setRemote(auth.remote("origin"))
                    .setForce(false)
                    .setTimeout(timeoutSeconds(runDeadline))
                    .setRefSpecs(new RefSpec(clone.localRef() + ":" + clone.localRef()));
            if (CrashPoint.enabled()) {
                command.setProgressMonitor(new org.eclipse.jgit.lib.EmptyProgressMonitor() {
                    @Override
                    public void beginTask(String title, int totalWork) {
                        CrashPoint.reached(CrashPoint.PUSH);
                    }
                });
            }
            Iterable<PushResult> results = auth.configure(command).call();
            for (PushResult result : results) {
                for (RemoteRefUpdate update : result.getRemoteUpdates()) {
                    switch (update.getStatus()) {
                        case OK, UP_TO_DATE -> {}
                        case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED -> {
                            return false;
                        }
                        case REJECTED_OTHER_REASON -> {
                            refused.set(update.getStatus()
                                    + (update.getMessage() == null ? "" : " (" + update.getMessage() + ")"));
                            return false;
                        }
                        default ->
                            throw failure(
                                    "Push to " + target() + " failed: " + update.getStatus()
                                            + (update.getMessage() == null ? "" : " (" + update.getMessage() + ")"),
                                    null);
                    }
                }
            }
            return true;
        } catch (TransportException e) {
            throw transportFailure("push to", e);
        } catch (GitAPIException e) {
            throw failure("Cannot push to " + target() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw failure("Cannot push to " + target() + ": " + e.getMessage(), e); // host does not resolve
        }
    }

    private static int timeoutSeconds(Deadline runDeadline) {
        return GitRemote.timeoutSeconds(runDeadline);
    }

    private <T> T remote(String action, Deadline runDeadline, java.util.function.Supplier<T> call) {
        return remote.call(action, runDeadline, call);
    }

    private SyncException transportFailure(String action, TransportException e) {
        return remote.transportFailure(action, target(), e);
    }

    private SyncException failure(String text, Exception cause) {
        return remote.failure(text, cause);
    }

    @Override
    public void close() {
        remote.close();
    }

    @Override
    public String toString() {
        return "git destination " + target();
    }

    /** Assembles a {@link GitRemoteDestination}; only the remote URL is required. */
    public static final class Builder {
        private final String remoteUrl;
        private String branch = "main";
        private Secret token;
        private String username;
        private Path sshKey;
        private Path knownHosts;
        private Secret sshKeyPassphrase;
        private String authorName = "workspace-sync";
        private String authorEmail = "workspace-sync@localhost";
        private String message = DEFAULT_MESSAGE;
        private String authorMessage = DEFAULT_AUTHOR_MESSAGE;
        private Path workDir;
        private List<String> preserve = DEFAULT_PRESERVE;
        private int maxPushAttempts = 5;
        private Duration deadline = Deadline.DEFAULT;
        private Duration cacheMaxIdle = DEFAULT_CACHE_MAX_IDLE;
        private Path cacheRoot;

        private Builder(String remoteUrl) {
            this.remoteUrl = Objects.requireNonNull(remoteUrl, "remoteUrl");
        }

        /** Default {@code main}; created by the first push when the remote lacks it. */
        public Builder branch(String branch) {
            this.branch = Objects.requireNonNull(branch, "branch");
            return this;
        }

        /** An HTTPS token, sent as the basic-auth password. */
        public Builder token(Secret token) {
            this.token = token;
            return this;
        }

        /** The basic-auth user for the token; default {@code x-access-token} (GitHub's convention). */
        public Builder username(String username) {
            this.username = username;
            return this;
        }

        /** The private key for SSH remotes (OpenSSH or PKCS#8 format). */
        public Builder sshKey(Path key) {
            this.sshKey = key;
            return this;
        }

        /** The known_hosts file for SSH remotes; a host whose key is not in it is refused. */
        public Builder knownHosts(Path knownHosts) {
            this.knownHosts = knownHosts;
            return this;
        }

        /** The passphrase of an encrypted SSH key. */
        public Builder sshKeyPassphrase(Secret passphrase) {
            this.sshKeyPassphrase = passphrase;
            return this;
        }

        /** Author and committer; default {@code workspace-sync <workspace-sync@localhost>}. */
        public Builder author(String name, String email) {
            this.authorName = Objects.requireNonNull(name, "name");
            this.authorEmail = Objects.requireNonNull(email, "email");
            return this;
        }

        /** The commit message template; default {@value GitRemoteDestination#DEFAULT_MESSAGE}. */
        public Builder message(String template) {
            this.message = Objects.requireNonNull(template, "template");
            return this;
        }

        /**
         * The message template of a commit crediting one author (when the snapshot says who changed what);
         * default {@value GitRemoteDestination#DEFAULT_AUTHOR_MESSAGE}. The changes no one is known to have
         * made keep {@link #message(String)}.
         */
        public Builder authorMessage(String template) {
            this.authorMessage = Objects.requireNonNull(template, "template");
            return this;
        }

        /** Where the cached clone lives; default under the user cache directory, keyed by remote and branch. */
        public Builder workDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        /** Globs of destination files never deleted; default {@link GitRemoteDestination#DEFAULT_PRESERVE}. */
        public Builder preserve(List<String> globs) {
            this.preserve = List.copyOf(globs);
            return this;
        }

        /** How many pushes to try when others keep pushing meanwhile; default 5. */
        public Builder maxPushAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxPushAttempts must be at least 1");
            }
            this.maxPushAttempts = attempts;
            return this;
        }

        /**
         * How long one plan or apply may keep trying to reach the remote, retries included; default 60 s.
         * Also bounds JGit's connect and read timeouts, and the wait for another sync using the clone.
         */
        public Builder deadline(Duration deadline) {
            if (deadline.isNegative() || deadline.isZero()) {
                throw new IllegalArgumentException("the deadline must be positive");
            }
            this.deadline = deadline;
            return this;
        }

        /**
         * Clones in the default cache root that no sync used for this long are removed when a sync starts;
         * default 7 days. A clone in a configured {@link #workDir(Path)} is never removed.
         */
        public Builder cacheMaxIdle(Duration maxIdle) {
            if (maxIdle.isNegative() || maxIdle.isZero()) {
                throw new IllegalArgumentException("the cache idle time must be positive");
            }
            this.cacheMaxIdle = maxIdle;
            return this;
        }

        /** Tests: another default cache root than the user cache directory's. */
        Builder cacheRoot(Path root) {
            this.cacheRoot = root.toAbsolutePath().normalize();
            return this;
        }

        /** @throws SyncConfigException for an unusable URL or branch name */
        public GitRemoteDestination build() {
            return new GitRemoteDestination(this);
        }
    }
}
