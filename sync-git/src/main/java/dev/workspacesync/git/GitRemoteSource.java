package dev.workspacesync.git;

import dev.workspacesync.core.Check;
import dev.workspacesync.core.Deadline;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SourceException;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.spi.Source;
import dev.workspacesync.git.internal.CachedClone;
import dev.workspacesync.git.internal.CloneCache;
import dev.workspacesync.git.internal.CommitTree;
import dev.workspacesync.git.internal.GitRemote;
import dev.workspacesync.git.internal.RemoteChecks;
import dev.workspacesync.git.internal.RemoteRef;
import dev.workspacesync.git.internal.Side;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A branch, tag or commit of a git remote as a {@link Source} (provider type {@code git}): the snapshot
 * is that commit's tree, read from a cached bare clone; the revision is the commit id. Needs no {@code git}
 * binary (JGit).
 *
 * <h2>Behaviour</h2>
 *
 * <ul>
 *   <li><b>Ref.</b> {@code git.ref}: a branch or tag name (a branch first, as {@code git clone --branch}
 *       looks), a full ref ({@code refs/heads/…}, {@code refs/tags/…}) or a full 40-digit commit id;
 *       default the branch {@code git.branch} ({@code main}). A ref the remote lacks is an error naming the
 *       ref and the remote and listing some of its branches and tags; an empty repository is an error, never
 *       an empty snapshot.
 *   <li><b>Incremental.</b> One bare clone per remote (default under the user cache directory, {@code
 *       git.work-dir} otherwise), with the destination's creation, locking, crash recovery and idle sweep
 *       ({@link CachedClone}). A snapshot asks the remote for its refs once; when the ref already points at
 *       what the cache holds nothing more is sent, otherwise one fetch brings only the new objects. A commit
 *       id the cache already holds is read without contacting the remote (a commit never changes).
 *   <li><b>Tree.</b> Regular and executable files are offered, their content streamed from the object
 *       database when a destination reads it. Symbolic links, submodules and names a {@link SyncPath}
 *       cannot carry (not UTF-8, {@code .git}, backslashes, …) are listed as {@linkplain Snapshot#skipped()
 *       skipped} with the reason, so the run is reported incomplete instead of silently smaller.
 *   <li><b>Credentials, URL rules, deadline</b> exactly as the git destination's: an HTTPS token as the
 *       basic-auth password or an SSH key with known_hosts, never in the URL, the cache's config, logs or
 *       messages; transient failures retried within {@code git.deadline}.
 * </ul>
 *
 * <pre>{@code
 * Source git = GitRemoteSource.builder("https://github.com/acme/project.git")
 *         .token(Secret.of(System.getenv("GIT_TOKEN")))
 *         .ref("v1.2.0")
 *         .build();
 * }</pre>
 */
public final class GitRemoteSource implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(GitRemoteSource.class);

    private final GitRemote remote;
    private final String ref;
    private final Duration deadline;
    private final Duration cacheMaxIdle;
    private final Path cacheRoot;
    private final CachedClone clone;
    /** The clone opened for reading the last snapshot's contents (they are read after the lock is let go). */
    private Repository reading;

    private GitRemoteSource(Builder b) {
        this.remote = new GitRemote(
                Side.SOURCE, b.remoteUrl, b.token, b.username, b.sshKey, b.knownHosts, b.sshKeyPassphrase);
        this.ref = b.ref != null ? b.ref : b.branch;
        if (!RemoteRef.isCommitId(ref)
                && !Repository.isValidRefName(ref.startsWith(Constants.R_REFS) ? ref : Constants.R_HEADS + ref)) {
            throw new SyncConfigException(
                    "Setting 'git.ref' is not a branch, tag or commit id: '" + SyncPath.escape(ref) + "'");
        }
        this.deadline = b.deadline;
        this.cacheMaxIdle = b.cacheMaxIdle;
        Path root = b.cacheRoot != null ? b.cacheRoot : CloneCache.root();
        this.cacheRoot = b.workDir == null ? root : null;
        Path dir = b.workDir != null ? b.workDir : root.resolve(CloneCache.bareFolderName(remote.uri()));
        this.clone = CachedClone.bare(dir, remote.url(), b.workDir == null);
    }

    /** A builder for a remote URL ({@code https://}, {@code ssh://}, {@code user@host:path} or {@code file://}). */
    public static Builder builder(String remoteUrl) {
        return new Builder(remoteUrl);
    }

    @Override
    public String describe() {
        return "git " + remote.url() + " at " + ref;
    }

    /** The bare clone's directory. */
    public Path cacheDir() {
        return clone.dir();
    }

    @Override
    public Collection<Secret> secrets() {
        return remote.secrets();
    }

    /** {@code ls-remote} with the credentials, the ref, and the cache's place; clones, fetches and writes nothing. */
    @Override
    public List<Check> check() {
        return new RemoteChecks(
                        remote.auth(),
                        remote.url(),
                        ref,
                        remote.ssh(),
                        remote.hasToken(),
                        deadline,
                        clone.dir(),
                        remote.redactor())
                .runForSource();
    }

    @Override
    public synchronized Snapshot snapshot() {
        Deadline runDeadline = Deadline.after(deadline);
        if (cacheRoot != null) {
            CloneCache.sweep(cacheRoot, cacheMaxIdle, clone.dir());
        }
        Instant takenAt = Instant.now();
        ObjectId[] fetched = new ObjectId[1];
        try (CachedClone.Session session =
                clone.open(runDeadline.remaining(), repo -> fetched[0] = fetch(repo, runDeadline))) {
            if (!session.created()) {
                fetched[0] = fetch(session.repository(), runDeadline);
            }
        } catch (IOException e) {
            throw remote.failure(
                    "Cannot fetch " + ref + " from " + remote.url() + " into the cached clone " + clone.dir() + ": "
                            + e.getMessage(),
                    e);
        }
        closeReading();
        try {
            reading = new FileRepositoryBuilder()
                    .setGitDir(clone.gitDir().toFile())
                    .setBare()
                    .setMustExist(true)
                    .build();
            return read(reading, fetched[0], takenAt);
        } catch (IOException e) {
            throw remote.failure(
                    "Cannot read " + describe() + " from the cached clone " + clone.dir() + ": " + e.getMessage(), e);
        }
    }

    // ---- fetching

    /** Brings the ref's commit into the cache (only what is new) and returns the commit id. */
    private ObjectId fetch(Repository repo, Deadline runDeadline) throws IOException {
        if (RemoteRef.isCommitId(ref)) {
            ObjectId id = ObjectId.fromString(ref);
            if (isCommit(repo, id)) {
                return id; // a commit never changes: nothing to ask the remote
            }
        }
        Map<String, Ref> advertised = remote.call("read the refs of", runDeadline, () -> lsRemote(runDeadline));
        if (advertised.keySet().stream().noneMatch(n -> n.startsWith(Constants.R_REFS))) {
            throw new SourceException("The repository " + remote.url() + " is empty (no branch or tag): there is"
                    + " nothing to read. (An empty snapshot would delete everything at the destination.)");
        }
        RemoteRef wanted = RemoteRef.find(ref, advertised)
                .orElseThrow(() -> new SourceException("No branch or tag '" + ref + "' in " + remote.url() + " ("
                        + RemoteRef.existing(advertised) + "); check git.ref (or git.branch)"));
        if (wanted.isCommit()) {
            return fetchCommit(repo, wanted.id(), advertised, runDeadline);
        }
        ObjectId local = repo.resolve(wanted.name());
        if (!wanted.id().equals(local) || !repo.getObjectDatabase().has(wanted.id())) {
            RefSpec spec = new RefSpec("+" + wanted.name() + ":" + wanted.name());
            remote.call("fetch from", runDeadline, () -> fetchOnce(repo, List.of(spec), runDeadline));
            local = repo.resolve(wanted.name());
            if (local == null) {
                throw new SourceException(
                        describe() + ": " + wanted.name() + " disappeared from the remote while it was fetched");
            }
        }
        return local;
    }

    private ObjectId fetchCommit(Repository repo, ObjectId id, Map<String, Ref> advertised, Deadline runDeadline)
            throws IOException {
        List<RefSpec> specs = new ArrayList<>();
        for (Ref r : advertised.values()) {
            if (r.getName().startsWith(Constants.R_REFS)
                    && (id.equals(r.getObjectId()) || id.equals(r.getPeeledObjectId()))) {
                specs.add(new RefSpec("+" + r.getName() + ":" + r.getName()));
                break;
            }
        }
        if (specs.isEmpty()) {
            // Servers that allow it send a reachable commit by id; others only what their refs name.
            try {
                remote.call(
                        "fetch from",
                        runDeadline,
                        () -> fetchOnce(repo, List.of(new RefSpec(id.name() + ":" + keepRef(id))), runDeadline));
            } catch (SourceException e) {
                LOG.debug(
                        "Fetching {} by id from {} failed ({}); fetching every branch and tag",
                        id.name(),
                        remote.url(),
                        e.getMessage());
            }
            if (!isCommit(repo, id)) {
                specs.add(new RefSpec("+refs/heads/*:refs/heads/*"));
                specs.add(new RefSpec("+refs/tags/*:refs/tags/*"));
            }
        }
        if (!specs.isEmpty()) {
            remote.call("fetch from", runDeadline, () -> fetchOnce(repo, specs, runDeadline));
        }
        if (!isCommit(repo, id)) {
            throw new SourceException("Commit " + id.name() + " is not in " + remote.url()
                    + " (no branch or tag reaches it; " + RemoteRef.existing(advertised) + "); check git.ref");
        }
        RefUpdate keep = repo.updateRef(keepRef(id));
        keep.setNewObjectId(id);
        keep.setForceUpdate(true);
        keep.update(); // a name for it, so later fetches count it as had (best effort)
        return id;
    }

    private static String keepRef(ObjectId id) {
        return Constants.R_REFS + "workspace-sync/commits/" + id.name();
    }

    private static boolean isCommit(Repository repo, ObjectId id) throws IOException {
        if (!repo.getObjectDatabase().has(id)) {
            return false;
        }
        try (RevWalk walk = new RevWalk(repo)) {
            walk.parseCommit(id);
            return true;
        } catch (IncorrectObjectTypeException | MissingObjectException e) {
            return false;
        }
    }

    private Map<String, Ref> lsRemote(Deadline runDeadline) {
        try {
            return remote.auth()
                    .configure(Git.lsRemoteRepository()
                            .setRemote(remote.auth().remote(remote.url()))
                            .setTimeout(GitRemote.timeoutSeconds(runDeadline)))
                    .callAsMap();
        } catch (TransportException e) {
            throw remote.transportFailure("read the refs of", remote.url(), e);
        } catch (GitAPIException | IOException e) {
            throw remote.failure("Cannot reach " + remote.url() + ": " + e.getMessage(), e);
        }
    }

    private Void fetchOnce(Repository repo, List<RefSpec> specs, Deadline runDeadline) {
        try (Git git = new Git(repo)) {
            remote.auth()
                    .configure(git.fetch()
                            .setRemote(remote.auth().remote("origin"))
                            .setTimeout(GitRemote.timeoutSeconds(runDeadline))
                            .setTagOpt(TagOpt.NO_TAGS)
                            .setRefSpecs(specs))
                    .call();
            return null;
        } catch (TransportException e) {
            throw remote.transportFailure("fetch " + ref + " from", remote.url(), e);
        } catch (GitAPIException | IOException e) {
            throw remote.failure("Cannot fetch " + ref + " from " + remote.url() + ": " + e.getMessage(), e);
        }
    }

    // ---- reading the tree

    private Snapshot read(Repository repo, ObjectId id, Instant takenAt) throws IOException {
        RevCommit commit;
        try (RevWalk walk = new RevWalk(repo)) {
            try {
                commit = walk.parseCommit(id);
            } catch (IncorrectObjectTypeException e) {
                throw new SourceException(ref + " in " + remote.url() + " does not name a commit (it names a "
                        + Constants.typeString(walk.parseAny(id).getType()) + ")");
            }
        }
        CommitTree tree = CommitTree.read(repo, commit, "", path -> true, true);
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("commit", commit.name());
        attributes.put("ref", ref);
        attributes.put("remote", remote.url());
        LOG.debug(
                "Read {} at {}: {} files, {} skipped",
                remote.url(),
                commit.name(),
                tree.entries().size(),
                tree.skipped().size());
        return new Snapshot(describe(), commit.name(), takenAt, attributes, tree.entries(), tree.skipped());
    }

    private void closeReading() {
        if (reading != null) {
            reading.close();
            reading = null;
        }
    }

    @Override
    public synchronized void close() {
        closeReading();
        remote.close();
    }

    @Override
    public String toString() {
        return "git source " + remote.url() + "#" + ref;
    }

    /** Assembles a {@link GitRemoteSource}; only the remote URL is required. */
    public static final class Builder {
        private final String remoteUrl;
        private String branch = "main";
        private String ref;
        private Secret token;
        private String username;
        private Path sshKey;
        private Path knownHosts;
        private Secret sshKeyPassphrase;
        private Path workDir;
        private Duration deadline = Deadline.DEFAULT;
        private Duration cacheMaxIdle = GitRemoteDestination.DEFAULT_CACHE_MAX_IDLE;
        private Path cacheRoot;

        private Builder(String remoteUrl) {
            this.remoteUrl = Objects.requireNonNull(remoteUrl, "remoteUrl");
        }

        /** The branch read when no {@link #ref} is given; default {@code main}. */
        public Builder branch(String branch) {
            this.branch = Objects.requireNonNull(branch, "branch");
            return this;
        }

        /** A branch, tag, full ref or 40-digit commit id; default the {@link #branch}. */
        public Builder ref(String ref) {
            this.ref = ref;
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

        /** Where the bare clone lives; default under the user cache directory, one per remote. */
        public Builder workDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        /** How long one snapshot may keep trying to reach the remote, retries included; default 60 s. */
        public Builder deadline(Duration deadline) {
            if (deadline.isNegative() || deadline.isZero()) {
                throw new IllegalArgumentException("the deadline must be positive");
            }
            this.deadline = deadline;
            return this;
        }

        /** Clones in the default cache root unused this long are removed; default 7 days. */
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

        /** @throws SyncConfigException for an unusable URL or ref */
        public GitRemoteSource build() {
            return new GitRemoteSource(this);
        }
    }
}
