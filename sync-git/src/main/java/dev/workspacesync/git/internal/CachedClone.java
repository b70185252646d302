package dev.workspacesync.git.internal;

import dev.workspacesync.core.SyncException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.util.FileUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local clone a git destination works in: the tool's own cache of the remote.
 *
 * <ul>
 *   <li><b>Created only once the remote answered.</b> The first fetch runs inside {@link #open}; if it
 *       fails (unreachable, refused credentials, no such repository) everything made for the attempt is
 *       removed again. A creation cut short by a crash is marked ({@code creating}) and redone.
 *   <li><b>One sync at a time.</b> A sync holds an OS file lock on {@code .git/workspace-sync/lock}
 *       (released by the OS when a process dies, even by {@code kill -9}) and writes its pid and start
 *       time into it. Another sync waits for it up to a bound, then fails naming that pid.
 *   <li><b>Recovers from crashes by itself.</b> Holding the lock means no other sync works in the clone,
 *       so JGit lock files left in it ({@code index.lock}, {@code HEAD.lock}, ref locks, …) are leftovers
 *       of a sync that died: they are removed, the clone's refs and index are checked, and a damaged
 *       clone is made again from the remote (it is a cache: the remote holds everything pushed, and the
 *       next sync mirrors the source again). A lock file made by something else after the last sync
 *       ended (a git command run by hand) is left alone while it is fresh.
 *   <li><b>Never touches what is not its own</b>: a directory with other files, a git repository not
 *       made by workspace-sync, or a clone of another remote is a clear error; nothing is deleted.
 * </ul>
 */
public final class CachedClone {
    private static final Logger LOG = LoggerFactory.getLogger(CachedClone.class);
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
    /** A lock file made after our last sync by something else is left alone this long. */
    static final Duration FOREIGN_LOCK_GRACE = Duration.ofMinutes(10);

    static final String LOCK = "lock";
    static final String CREATING = "creating";
    static final String DIRTY = "dirty";

    private final Path dir;
    private final String remoteUrl;
    private final String branch;
    private final boolean cacheOwned;
    private final boolean bare;
    private final Side side;

    /** Fetches the branch into a clone being created; throwing ends the creation (and removes it). */
    @FunctionalInterface
    public interface Initializer {
        void fetch(Repository repository) throws IOException;
    }

    /**
     * @param dir the work tree of the clone
     * @param remoteUrl the remote, without credentials (it is written to the clone's config)
     * @param branch the branch synced
     * @param cacheOwned whether {@code dir} lies in the default cache root (then the directory itself is
     *     removed with a failed creation, not only its contents)
     */
    public CachedClone(Path dir, String remoteUrl, String branch, boolean cacheOwned) {
        this(dir, remoteUrl, branch, cacheOwned, false, Side.DESTINATION);
    }

    private CachedClone(Path dir, String remoteUrl, String branch, boolean cacheOwned, boolean bare, Side side) {
        this.dir = dir.toAbsolutePath().normalize();
        this.remoteUrl = remoteUrl;
        this.branch = branch;
        this.cacheOwned = cacheOwned;
        this.bare = bare;
        this.side = side;
    }

    /**
     * A bare clone (the git source's cache: no work tree, {@code dir} is the git directory) with the same
     * creation, locking and crash recovery; its failures are {@link dev.workspacesync.core.SourceException}s.
     * The refs fetched into it are the caller's: only their objects are checked after a crash.
     */
    public static CachedClone bare(Path dir, String remoteUrl, boolean cacheOwned) {
        return new CachedClone(dir, remoteUrl, "main", cacheOwned, true, Side.SOURCE);
    }

    public Path dir() {
        return dir;
    }

    public Path gitDir() {
        return bare ? dir : dir.resolve(Constants.DOT_GIT);
    }

    /** Our own files inside {@code .git}. */
    public Path stateDir() {
        return gitDir().resolve("workspace-sync");
    }

    /** The file whose OS lock marks the clone as in use (and which names the process using it). */
    public Path lockFile() {
        return stateDir().resolve(LOCK);
    }

    /** The clone's refs for the branch: local and remote-tracking. */
    public String localRef() {
        return Constants.R_HEADS + branch;
    }

    public String trackingRef() {
        return Constants.R_REMOTES + "origin/" + branch;
    }

    /**
     * Opens the clone, creating it (and fetching into it with {@code initializer}) when the directory is
     * missing or empty, repairing what a crashed sync left. Holds the clone's lock until {@link
     * Session#close()}.
     *
     * @param lockWait how long to wait for another sync that is using the clone
     */
    public Session open(Duration lockWait, Initializer initializer) {
        long until = System.nanoTime() + lockWait.toNanos();
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(dir, d -> new ReentrantLock());
        try {
            if (!jvmLock.tryLock(lockWait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw side.failure("The cached clone at " + dir + " is in use by another sync in this"
                        + " process; waited " + lockWait.toSeconds() + " s (git.deadline). Try again when it is done.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw side.failure("Interrupted while waiting for the cached clone at " + dir, e);
        }
        try {
            // A round ends without a session when the lock file was removed under us (the clone was
            // deleted by a failed creation or the cache sweep) or the clone was damaged and is redone.
            for (int round = 1; ; round++) {
                Session session = tryOpen(until, initializer, jvmLock);
                if (session != null) {
                    return session;
                }
                if (round >= 4) {
                    throw side.failure("The cached clone at " + dir
                            + " keeps changing under this sync (is another program deleting it?)");
                }
            }
        } catch (RuntimeException e) {
            jvmLock.unlock();
            throw e;
        }
    }

    private Session tryOpen(long until, Initializer initializer, ReentrantLock jvmLock) {
        FileChannel channel = null;
        Repository repo = null;
        boolean existed = Files.exists(dir);
        try {
            refuseForeign();
            Files.createDirectories(stateDir());
            channel = FileChannel.open(
                    lockFile(), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock fileLock = acquire(channel, until);
            LockOwner previous = LockOwner.read(channel);
            if (previous.state() == LockOwner.State.REMOVED) {
                closeQuietly(channel);
                return null;
            }
            if (previous.state() == LockOwner.State.WORKING && previous.isAlive()) {
                // The OS lock was granted although its holder lives: a file system without working locks.
                throw busy(previous);
            }
            LockOwner.working().write(channel);

            if (Files.exists(stateDir().resolve(CREATING)) || !Files.exists(gitDir().resolve(Constants.CONFIG))) {
                if (previous.state() != LockOwner.State.NONE) {
                    LOG.warn("The cached clone at {} was being created when its sync stopped; creating it again", dir);
                }
                repo = create(channel, initializer, existed);
                return new Session(repo, channel, fileLock, jvmLock, true);
            }
            boolean crashed = previous.state() != LockOwner.State.RELEASED;
            boolean repaired = removeStaleLocks(previous, crashed);
            try {
                repo = openRepository();
                if (crashed || repaired) {
                    verify(repo);
                    // Whatever the crashed sync had half done in the index and work tree is reset.
                    Files.writeString(stateDir().resolve(DIRTY), "recovered after an interrupted sync\n");
                }
                configure(repo, false);
            } catch (Damaged e) {
                if (repo != null) {
                    repo.close();
                    repo = null;
                }
                LOG.warn(
                        "The cached clone at {} is damaged ({}); making it again from the remote", dir, e.getMessage());
                clearKeepingLock();
                repo = create(channel, initializer, existed);
                return new Session(repo, channel, fileLock, jvmLock, true);
            }
            return new Session(repo, channel, fileLock, jvmLock, false);
        } catch (IOException | GitAPIException | RuntimeException e) {
            if (repo != null) {
                repo.close();
            }
            closeQuietly(channel);
            if (e instanceof SyncException && !(e instanceof Damaged)) {
                throw (RuntimeException) e; // already says what is wrong (e.g. no token for the remote)
            }
            throw side.failure("Cannot prepare the cached clone at " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A clear error for a directory that is not ours; nothing in it is touched. */
    private void refuseForeign() throws IOException {
        if (!Files.exists(dir) || Files.isDirectory(stateDir())) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw side.failure("The git work directory " + dir
                    + " is not a directory. Set git.work-dir to an empty or new directory.");
        }
        if (isEmpty(dir)) {
            return;
        }
        throw side.failure("The git work directory " + dir + " is not empty and is not a clone made by"
                + " workspace-sync" + (Files.exists(gitDir()) ? " (it is another git repository)" : "")
                + "; its files are left alone. Set git.work-dir to an empty or new directory.");
    }

    private FileLock acquire(FileChannel channel, long until) throws IOException {
        long pause = 20;
        boolean told = false;
        while (true) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // the cache sweep of this process is looking at it
            }
            if (lock != null) {
                return lock;
            }
            long left = until - System.nanoTime();
            LockOwner owner = LockOwner.readFile(lockFile());
            if (left <= 0) {
                throw busy(owner);
            }
            if (!told) {
                LOG.info("Waiting for another sync ({}) to finish with the cached clone at {}", owner.describe(), dir);
                told = true;
            }
            try {
                Thread.sleep(Math.min(pause, Math.max(1, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw side.failure("Interrupted while waiting for the cached clone at " + dir, e);
            }
            pause = Math.min(pause * 2, 500);
        }
    }

    private SyncException busy(LockOwner owner) {
        return side.failure("The cached clone at " + dir + " is in use by another sync ("
                + owner.describe() + "); it was not touched. Try again when that sync has finished"
                + " (a sync waits for it at most git.deadline).");
    }

    /** Initialises the clone in place and fetches into it; on failure removes everything made for it. */
    private Repository create(FileChannel channel, Initializer initializer, boolean existed)
            throws IOException, GitAPIException {
        Files.writeString(stateDir().resolve(CREATING), "creating\n");
        Repository repo = null;
        try {
            try (Git git = Git.init()
                    .setDirectory(dir.toFile())
                    .setBare(bare)
                    .setInitialBranch(branch)
                    .call()) {
                configure(git.getRepository(), true);
            }
            repo = openRepository();
            initializer.fetch(repo);
            Files.delete(stateDir().resolve(CREATING));
            return repo;
        } catch (IOException | GitAPIException | RuntimeException e) {
            if (repo != null) {
                repo.close();
            }
            removeFailedClone(channel, existed);
            throw e;
        }
    }

    /** Leaves nothing of a failed creation: the directory too, unless the user made it. */
    private void removeFailedClone(FileChannel channel, boolean existed) {
        try {
            // Others waiting for the lock hold this (soon deleted) file: tell them to start over.
            LockOwner.removed().write(channel);
            if (existed && !cacheOwned) {
                try (Stream<Path> children = Files.list(dir)) {
                    for (Path child : children.toList()) {
                        FileUtils.delete(child.toFile(), FileUtils.RECURSIVE | FileUtils.SKIP_MISSING);
                    }
                }
            } else {
                FileUtils.delete(dir.toFile(), FileUtils.RECURSIVE | FileUtils.SKIP_MISSING);
            }
        } catch (IOException e) {
            LOG.warn("Could not remove the failed clone at {}: {}", dir, e.toString());
        }
    }

    /** Empties the clone for a new creation, keeping only the (held) lock file. */
    private void clearKeepingLock() throws IOException {
        List<Path> levels = bare ? List.of(dir, stateDir()) : List.of(dir, gitDir(), stateDir());
        for (Path level : levels) {
            Path keep = level.equals(stateDir()) ? lockFile() : level.equals(dir) && !bare ? gitDir() : stateDir();
            try (Stream<Path> children = Files.list(level)) {
                for (Path child : children.toList()) {
                    if (!child.equals(keep)) {
                        FileUtils.delete(child.toFile(), FileUtils.RECURSIVE | FileUtils.SKIP_MISSING);
                    }
                }
            }
        }
    }

    /**
     * Removes JGit lock files a crashed sync left. Returns whether any was removed.
     *
     * @param crashed whether the previous sync did not end (or the clone predates lock records)
     */
    private boolean removeStaleLocks(LockOwner previous, boolean crashed) throws IOException {
        List<Path> locks = lockFiles(gitDir());
        if (locks.isEmpty()) {
            return false;
        }
        Instant now = Instant.now();
        for (Path lock : locks) {
            Instant made;
            try {
                made = Files.getLastModifiedTime(lock).toInstant();
            } catch (NoSuchFileException e) {
                continue;
            }
            // File times come from a coarse clock: a lock made just after the release may look older.
            boolean afterOurs = !crashed
                    && previous.at() != null
                    && made.isAfter(previous.at().minusSeconds(2));
            if (afterOurs && made.plus(FOREIGN_LOCK_GRACE).isAfter(now)) {
                throw side.failure("The cached clone at " + dir + " is locked by " + lock
                        + ", made after the last sync ended, so not by workspace-sync (a git command run in the"
                        + " clone?). It is left alone; if no git command is using that clone, delete " + lock
                        + " (after " + FOREIGN_LOCK_GRACE.toMinutes() + " minutes it is treated as abandoned).");
            }
        }
        for (Path lock : locks) {
            Files.deleteIfExists(lock);
        }
        LOG.warn(
                "Removed {} stale lock file(s) ({}) from the cached clone at {}, left by {}; checking the clone",
                locks.size(),
                String.join(
                        ", ",
                        locks.stream()
                                .map(l -> gitDir().relativize(l).toString())
                                .toList()),
                dir,
                crashed ? "a sync that did not finish (" + previous.describe() + ")" : "an abandoned git command");
        return true;
    }

    /** JGit's lock files: {@code index.lock}, {@code HEAD.lock}, {@code config.lock}, ref locks, … */
    static List<Path> lockFiles(Path gitDir) throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> top = Files.list(gitDir)) {
            top.filter(p -> p.getFileName().toString().endsWith(".lock") && Files.isRegularFile(p))
                    .forEach(found::add);
        }
        Path refs = gitDir.resolve("refs");
        if (Files.isDirectory(refs)) {
            try (Stream<Path> all = Files.walk(refs)) {
                all.filter(p -> p.getFileName().toString().endsWith(".lock") && Files.isRegularFile(p))
                        .forEach(found::add);
            }
        }
        return found;
    }

    /** Checks what a crash may have broken: the branch's commits and trees, and the index. */
    private void verify(Repository repo) {
        try (ObjectReader reader = repo.newObjectReader();
                RevWalk walk = new RevWalk(reader);
                TreeWalk tree = new TreeWalk(reader)) {
            List<String> refs = bare
                    ? repo.getRefDatabase().getRefs().stream()
                            .map(Ref::getName)
                            .filter(name -> name.startsWith(Constants.R_REFS))
                            .toList()
                    : List.of(localRef(), trackingRef());
            for (String ref : refs) {
                ObjectId id = repo.resolve(ref);
                if (id == null) {
                    continue;
                }
                RevCommit commit = walk.parseCommit(id);
                tree.reset(commit.getTree());
                tree.setRecursive(true);
                while (tree.next()) {
                    if (!reader.has(tree.getObjectId(0))) {
                        throw new Damaged(ref + " names a missing object " + tree.getPathString());
                    }
                }
            }
            if (!bare) {
                DirCache.read(repo);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof Damaged d) {
                throw d;
            }
            throw new Damaged(e.toString());
        }
    }

    private Repository openRepository() {
        Repository repo;
        try {
            FileRepositoryBuilder builder =
                    new FileRepositoryBuilder().setGitDir(gitDir().toFile()).setMustExist(true);
            repo = (bare ? builder.setBare() : builder.setWorkTree(dir.toFile())).build();
        } catch (IOException | IllegalArgumentException e) {
            throw new Damaged(e.getMessage());
        }
        try {
            if (!repo.getObjectDatabase().exists()) {
                throw new IOException("it has no object database");
            }
            repo.exactRef(Constants.HEAD);
            String configured = repo.getConfig().getString("remote", "origin", "url");
            if (!remoteUrl.equals(configured)) {
                throw side.failure("The cached clone at " + dir + " belongs to "
                        + (configured == null ? "no remote" : GitAuth.display(configured)) + ", not " + remoteUrl
                        + "; it is left alone. Set git.work-dir to another directory (or move that clone away).");
            }
            return repo;
        } catch (IOException | RuntimeException e) {
            repo.close();
            if (e instanceof SyncException d && !(e instanceof Damaged)) {
                throw d;
            }
            throw new Damaged(e.getMessage());
        }
    }

    /** A clone of ours that cannot be used as it is; it is made again. */
    private static final class Damaged extends SyncException {
        private static final long serialVersionUID = 1L;

        Damaged(String message) {
            super(message);
        }
    }

    private void configure(Repository repo, boolean fresh) throws IOException {
        StoredConfig config = repo.getConfig();
        // A bare cache holds the remote's refs under their own names (the source fetches what it reads).
        String fetch = bare ? "+refs/*:refs/*" : "+" + localRef() + ":" + trackingRef();
        String hooks = gitDir().resolve("hooks").toString();
        boolean dirty = false;
        if (fresh) {
            config.setString("remote", "origin", "url", remoteUrl);
            dirty = true;
        }
        if (!fetch.equals(config.getString("remote", "origin", "fetch"))) {
            config.setString("remote", "origin", "fetch", fetch);
            dirty = true;
        }
        // The clone is ours: a user's global core.hooksPath must not run their hooks here.
        if (!hooks.equals(config.getString("core", null, "hooksPath"))) {
            config.setString("core", null, "hooksPath", hooks);
            dirty = true;
        }
        // JGit runs "gc --auto" after each commit; detached, it takes .git/gc.log.lock and lets it go on a
        // background thread, which a process ending right after its sync (the CLI, the hook) can leave
        // behind: the next sync would then find the clone locked by "someone else". In the foreground it
        // runs (only when needed) inside our own lock.
        if (config.getBoolean("gc", null, "autoDetach", true)) {
            config.setBoolean("gc", null, "autoDetach", false);
            dirty = true;
        }
        if (dirty) {
            config.save();
        }
        if (bare) {
            return; // no branch of its own, no index, no work tree
        }
        Ref head = repo.exactRef(Constants.HEAD);
        if (head == null
                || !head.isSymbolic()
                || !localRef().equals(head.getTarget().getName())) {
            // The branch setting changed for this directory: point HEAD at the new branch; the index is
            // reset from the remote before anything is written.
            RefUpdate link = repo.updateRef(Constants.HEAD);
            link.link(localRef());
            Files.createDirectories(stateDir());
            Files.writeString(stateDir().resolve(DIRTY), "branch changed\n");
        }
    }

    static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            return children.findAny().isEmpty();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // releasing the lock is best effort; the OS releases it when the process ends
            }
        }
    }

    /** An open, locked clone. */
    public static final class Session implements AutoCloseable {
        private final Repository repository;
        private final FileChannel channel;
        private final FileLock lock;
        private final ReentrantLock jvmLock;
        private final boolean created;

        private Session(
                Repository repository, FileChannel channel, FileLock lock, ReentrantLock jvmLock, boolean created) {
            this.repository = repository;
            this.channel = channel;
            this.lock = lock;
            this.jvmLock = jvmLock;
            this.created = created;
        }

        public Repository repository() {
            return repository;
        }

        /** Whether the clone was made (and fetched into) by this open. */
        public boolean created() {
            return created;
        }

        @Override
        public void close() {
            repository.close();
            try {
                LockOwner.released().write(channel);
            } catch (IOException e) {
                LOG.debug("Cannot record the end of the sync in the clone's lock file: {}", e.toString());
            }
            try {
                lock.release();
            } catch (IOException ignored) {
                // the channel close below releases it too
            }
            closeQuietly(channel);
            jvmLock.unlock();
        }
    }

    /**
     * What the lock file says about the sync that holds (or last held) the clone: written when a sync
     * starts working ({@code working}), when it ends ({@code released}) and when the clone is deleted
     * ({@code removed}, for processes waiting on the deleted file).
     */
    record LockOwner(State state, long pid, Instant started, String host, Instant at) {
        enum State {
            NONE,
            WORKING,
            RELEASED,
            REMOVED
        }

        static LockOwner working() {
            return now(State.WORKING);
        }

        static LockOwner released() {
            return now(State.RELEASED);
        }

        static LockOwner removed() {
            return now(State.REMOVED);
        }

        private static LockOwner now(State state) {
            ProcessHandle self = ProcessHandle.current();
            return new LockOwner(
                    state,
                    self.pid(),
                    self.info().startInstant().orElse(null),
                    System.getenv().getOrDefault("HOSTNAME", ""),
                    Instant.now());
        }

        /** Whether the process named is running on this machine (same pid and start time). */
        boolean isAlive() {
            if (pid <= 0 || started == null || pid == ProcessHandle.current().pid()) {
                return false;
            }
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .flatMap(p -> p.info().startInstant())
                    .map(s -> s.equals(started))
                    .orElse(false);
        }

        String describe() {
            if (state == State.NONE) {
                return "unknown process";
            }
            return "pid " + pid + (host.isEmpty() ? "" : " on " + host)
                    + (started == null ? "" : ", started " + started);
        }

        void write(FileChannel channel) throws IOException {
            String text = "# workspace-sync: the sync using this clone (an OS lock on this file marks it busy)\n"
                    + "state=" + state.name().toLowerCase(java.util.Locale.ROOT) + "\n"
                    + "pid=" + pid + "\n"
                    + "started=" + (started == null ? "" : started) + "\n"
                    + "host=" + host + "\n"
                    + "at=" + at + "\n";
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            channel.truncate(0);
            channel.position(0);
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(false);
        }

        static LockOwner read(FileChannel channel) throws IOException {
            long size = Math.min(channel.size(), 4096);
            ByteBuffer buffer = ByteBuffer.allocate((int) size);
            channel.position(0);
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // read what is there
            }
            return parse(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8));
        }

        static LockOwner readFile(Path file) {
            try {
                return parse(Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                return parse("");
            }
        }

        static LockOwner parse(String text) {
            State state = State.NONE;
            long pid = -1;
            Instant started = null;
            Instant at = null;
            String host = "";
            for (String line : text.split("\n")) {
                int eq = line.indexOf('=');
                if (line.startsWith("#") || eq < 0) {
                    continue;
                }
                String value = line.substring(eq + 1).strip();
                try {
                    switch (line.substring(0, eq)) {
                        case "state" -> state = State.valueOf(value.toUpperCase(java.util.Locale.ROOT));
                        case "pid" -> pid = Long.parseLong(value);
                        case "started" -> started = value.isEmpty() ? null : Instant.parse(value);
                        case "host" -> host = value;
                        case "at" -> at = value.isEmpty() ? null : Instant.parse(value);
                        default -> {}
                    }
                } catch (RuntimeException e) {
                    // a garbled record is as good as none
                }
            }
            return new LockOwner(state, pid, started, host, at);
        }
    }
}
