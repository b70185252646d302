package dev.workspacesync.git.internal;

import dev.workspacesync.core.DestinationException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The local clone a git destination works in: created on first use (init, not clone, so an empty remote
 * works), checked on every later use, and locked against other syncs in this and other processes. It
 * never deletes anything it did not create: a foreign, damaged or locked directory is a clear error.
 */
public final class CachedClone {
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path dir;
    private final String remoteUrl;
    private final String branch;

    /**
     * @param dir the work tree of the clone
     * @param remoteUrl the remote, without credentials (it is written to the clone's config)
     * @param branch the branch synced
     */
    public CachedClone(Path dir, String remoteUrl, String branch) {
        this.dir = dir.toAbsolutePath().normalize();
        this.remoteUrl = remoteUrl;
        this.branch = branch;
    }

    public Path dir() {
        return dir;
    }

    public Path gitDir() {
        return dir.resolve(Constants.DOT_GIT);
    }

    /** Our own files inside {@code .git}. */
    public Path stateDir() {
        return gitDir().resolve("workspace-sync");
    }

    /** The clone's refs for the branch: local and remote-tracking. */
    public String localRef() {
        return Constants.R_HEADS + branch;
    }

    public String trackingRef() {
        return Constants.R_REMOTES + "origin/" + branch;
    }

    /**
     * Opens the clone, creating it when the directory is missing or empty. Holds the clone's lock until
     * {@link Session#close()}.
     */
    public Session open() {
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(dir, d -> new ReentrantLock());
        jvmLock.lock();
        Repository repo = null;
        FileChannel channel = null;
        try {
            boolean fresh = !Files.exists(gitDir()) && isMissingOrEmpty(dir);
            if (fresh) {
                Files.createDirectories(dir);
                try (Git git = Git.init()
                        .setDirectory(dir.toFile())
                        .setInitialBranch(branch)
                        .call()) {
                    configure(git.getRepository(), true);
                }
            } else if (!Files.isDirectory(gitDir())) {
                throw new DestinationException("The git work directory " + dir
                        + " is not empty and is not a clone made by workspace-sync; its files are left alone."
                        + " Set git.work-dir to an empty or new directory.");
            }
            Files.createDirectories(stateDir());
            channel = FileChannel.open(stateDir().resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock fileLock = channel.lock();
            Path indexLock = gitDir().resolve("index.lock");
            if (Files.exists(indexLock)) {
                throw new DestinationException("The cached clone at " + dir + " is locked: " + indexLock
                        + " exists, left by a git command that is still running or that crashed. If no git command"
                        + " or sync is using that clone, delete " + indexLock + " and sync again.");
            }
            repo = openRepository();
            if (!fresh) {
                configure(repo, false);
            }
            return new Session(repo, channel, fileLock, jvmLock);
        } catch (IOException | GitAPIException | RuntimeException e) {
            if (repo != null) {
                repo.close();
            }
            closeQuietly(channel);
            jvmLock.unlock();
            if (e instanceof DestinationException d) {
                throw d;
            }
            throw new DestinationException(
                    "Cannot prepare the cached clone at " + dir + ": " + e.getMessage()
                            + ". If it is damaged, move it away (or delete it) and the next sync clones again.",
                    e);
        }
    }

    private Repository openRepository() {
        Repository repo;
        try {
            repo = new FileRepositoryBuilder()
                    .setGitDir(gitDir().toFile())
                    .setWorkTree(dir.toFile())
                    .setMustExist(true)
                    .build();
        } catch (IOException | IllegalArgumentException e) {
            throw damaged(e);
        }
        try {
            if (!repo.getObjectDatabase().exists()) {
                throw new IOException("it has no object database");
            }
            repo.exactRef(Constants.HEAD);
            String configured = repo.getConfig().getString("remote", "origin", "url");
            if (!remoteUrl.equals(configured)) {
                throw new DestinationException("The cached clone at " + dir + " belongs to "
                        + (configured == null ? "no remote" : GitAuth.display(configured)) + ", not " + remoteUrl
                        + "; it is left alone. Set git.work-dir to another directory (or move that clone away).");
            }
            return repo;
        } catch (IOException | RuntimeException e) {
            repo.close();
            if (e instanceof DestinationException d) {
                throw d;
            }
            throw damaged(e);
        }
    }

    private DestinationException damaged(Exception e) {
        return new DestinationException(
                "The cached clone at " + dir + " is damaged (" + e.getMessage()
                        + "). Move it away (or delete it) and the next sync clones again.",
                e);
    }

    private void configure(Repository repo, boolean fresh) throws IOException {
        StoredConfig config = repo.getConfig();
        String fetch = "+" + localRef() + ":" + trackingRef();
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
        if (dirty) {
            config.save();
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
            Files.writeString(stateDir().resolve("dirty"), "branch changed\n");
        }
    }

    private static boolean isMissingOrEmpty(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return true;
        }
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.findAny().isEmpty();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // releasing the lock is best effort
            }
        }
    }

    /** An open, locked clone. */
    public static final class Session implements AutoCloseable {
        private final Repository repository;
        private final FileChannel channel;
        private final FileLock lock;
        private final ReentrantLock jvmLock;

        private Session(Repository repository, FileChannel channel, FileLock lock, ReentrantLock jvmLock) {
            this.repository = repository;
            this.channel = channel;
            this.lock = lock;
            this.jvmLock = jvmLock;
        }

        public Repository repository() {
            return repository;
        }

        @Override
        public void close() {
            repository.close();
            try {
                lock.release();
            } catch (IOException ignored) {
                // the channel close below releases it too
            }
            closeQuietly(channel);
            jvmLock.unlock();
        }
    }
}
