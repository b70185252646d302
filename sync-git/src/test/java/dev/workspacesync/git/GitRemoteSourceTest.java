package dev.workspacesync.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.Check;
import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Skipped;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SourceException;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.git.testing.GitHttpServer;
import dev.workspacesync.git.testing.GitTesting;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.internal.storage.file.PackIndex;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TagBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The git source against a real smart-HTTP server with basic auth; commits are pushed with plain JGit. */
class GitRemoteSourceTest {
    static GitHttpServer server;

    @TempDir
    static Path serverDir;

    @TempDir
    Path tmp;

    static int counter;
    String name;
    String url;
    Repository work;

    @BeforeAll
    static void start() throws Exception {
        GitTesting.isolateJGit();
        server = new GitHttpServer(serverDir);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        GitTesting.restoreJGit();
    }

    @BeforeEach
    void setUp() throws Exception {
        name = "src" + (++counter) + ".git";
        server.createRepository(name);
        url = server.url(name);
        work = Git.init()
                .setBare(true)
                .setDirectory(tmp.resolve("work.git").toFile())
                .call()
                .getRepository();
    }

    /** A file of a tree to commit: its mode and bytes (a link's bytes are its target; a gitlink's a commit id). */
    record Item(FileMode mode, byte[] bytes) {
        static Item file(String text) {
            return new Item(FileMode.REGULAR_FILE, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Commits exactly these paths (on top of {@code parent}, or as a root) in the work repository. */
    ObjectId commit(Map<String, Item> files, ObjectId parent, String message) throws IOException {
        try (ObjectInserter inserter = work.newObjectInserter()) {
            DirCache index = DirCache.newInCore();
            DirCacheBuilder builder = index.builder();
            for (Map.Entry<String, Item> e : new TreeMap<>(files).entrySet()) {
                // "latin1:" names are written in ISO-8859-1: bytes that are not UTF-8.
                byte[] path = e.getKey().startsWith("latin1:")
                        ? e.getKey().substring(7).getBytes(StandardCharsets.ISO_8859_1)
                        : e.getKey().getBytes(StandardCharsets.UTF_8);
                DirCacheEntry entry = new DirCacheEntry(path, 0);
                entry.setFileMode(e.getValue().mode());
                entry.setObjectId(
                        e.getValue().mode() == FileMode.GITLINK
                                ? ObjectId.fromString(new String(e.getValue().bytes(), StandardCharsets.US_ASCII))
                                : inserter.insert(
                                        Constants.OBJ_BLOB, e.getValue().bytes()));
                builder.add(entry);
            }
            builder.finish();
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(index.writeTree(inserter));
            if (parent != null) {
                commit.setParentId(parent);
            }
            PersonIdent who = new PersonIdent("Test", "test@example.invalid");
            commit.setAuthor(who);
            commit.setCommitter(who);
            commit.setMessage(message);
            ObjectId id = inserter.insert(commit);
            inserter.flush();
            return id;
        }
    }

    void setRef(String ref, ObjectId id) throws IOException {
        RefUpdate update = work.updateRef(ref);
        update.setNewObjectId(id);
        update.setForceUpdate(true);
        update.update();
    }

    ObjectId annotatedTag(String tag, ObjectId commit) throws IOException {
        try (ObjectInserter inserter = work.newObjectInserter()) {
            TagBuilder builder = new TagBuilder();
            builder.setTag(tag);
            builder.setObjectId(commit, Constants.OBJ_COMMIT);
            builder.setTagger(new PersonIdent("Test", "test@example.invalid"));
            builder.setMessage("release " + tag + "\n");
            ObjectId id = inserter.insert(builder);
            inserter.flush();
            setRef(Constants.R_TAGS + tag, id);
            return id;
        }
    }

    void push(String... refs) throws Exception {
        try (Git git = new Git(work)) {
            List<RefSpec> specs = new ArrayList<>();
            for (String ref : refs) {
                specs.add(new RefSpec("+" + ref + ":" + ref));
            }
            git.push()
                    .setRemote(url)
                    .setRefSpecs(specs)
                    .setCredentialsProvider(
                            new UsernamePasswordCredentialsProvider(GitHttpServer.USER, GitHttpServer.PASSWORD))
                    .call();
        }
    }

    GitRemoteSource.Builder source() {
        return GitRemoteSource.builder(url)
                .username(GitHttpServer.USER)
                .token(Secret.of(GitHttpServer.PASSWORD))
                .cacheRoot(tmp.resolve("cache"));
    }

    static Map<String, Item> contents(Snapshot snapshot) throws IOException {
        Map<String, Item> files = new TreeMap<>();
        for (SnapshotEntry entry : snapshot.entries()) {
            try (InputStream in = entry.open()) {
                byte[] bytes = in.readAllBytes();
                assertThat(bytes).as(entry.path().value()).hasSize((int) entry.size());
                files.put(
                        entry.path().value(),
                        new Item(entry.executable() ? FileMode.EXECUTABLE_FILE : FileMode.REGULAR_FILE, bytes));
            }
        }
        return files;
    }

    static Map<String, String> texts(Map<String, Item> items) {
        Map<String, String> out = new TreeMap<>();
        items.forEach((k, v) -> out.put(
                k, (v.mode() == FileMode.EXECUTABLE_FILE ? "x:" : "") + new String(v.bytes(), StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void readsABranchATagAndACommit() throws Exception {
        Item script = new Item(FileMode.EXECUTABLE_FILE, "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8));
        ObjectId first = commit(Map.of("a.txt", Item.file("one\n"), "bin/run.sh", script), null, "first");
        annotatedTag("v1", first);
        ObjectId second = commit(Map.of("a.txt", Item.file("two\n"), "bin/run.sh", script), first, "second");
        setRef("refs/heads/main", second);
        setRef("refs/heads/dev", first);
        push("refs/heads/main", "refs/heads/dev", "refs/tags/v1");

        try (GitRemoteSource main = source().build()) {
            Snapshot snapshot = main.snapshot();
            assertThat(snapshot.revision()).contains(second.name());
            assertThat(texts(contents(snapshot)))
                    .containsExactly(Map.entry("a.txt", "two\n"), Map.entry("bin/run.sh", "x:#!/bin/sh\necho hi\n"));
            assertThat(snapshot.skipped()).isEmpty();
        }
        try (GitRemoteSource tag = source().ref("v1").build()) {
            Snapshot snapshot = tag.snapshot();
            assertThat(snapshot.revision()).contains(first.name());
            assertThat(texts(contents(snapshot))).containsEntry("a.txt", "one\n");
        }
        try (GitRemoteSource branch = source().branch("dev").build()) {
            assertThat(branch.snapshot().revision()).contains(first.name());
        }
        try (GitRemoteSource full = source().ref("refs/heads/main").build()) {
            assertThat(full.snapshot().revision()).contains(second.name());
        }
        // A commit id, into a fresh cache (fetched by id), then again from the cache without asking the remote.
        GitRemoteSource.Builder byId = source().ref(first.name()).cacheRoot(tmp.resolve("other-cache"));
        try (GitRemoteSource commit = byId.build()) {
            Snapshot snapshot = commit.snapshot();
            assertThat(snapshot.revision()).contains(first.name());
            assertThat(texts(contents(snapshot))).containsEntry("a.txt", "one\n");
            int before = server.requests();
            assertThat(commit.snapshot().revision()).contains(first.name());
            assertThat(server.requests()).isEqualTo(before);
        }
    }

    @Test
    void fetchesOnlyWhatIsNewAndNothingWhenNothingIs() throws Exception {
        Map<String, Item> files = new TreeMap<>();
        for (int i = 0; i < 200; i++) {
            files.put("dir" + (i % 10) + "/file" + i + ".txt", Item.file("content " + i + "\n".repeat(i)));
        }
        ObjectId first = commit(files, null, "first");
        setRef("refs/heads/main", first);
        push("refs/heads/main");
        try (GitRemoteSource source = source().build()) {
            source.snapshot();
            Map<Path, Long> packs = packs(source.cacheDir());
            assertThat(packs.values()).hasSize(1);
            assertThat(packs.values().iterator().next()).isGreaterThanOrEqualTo(200 + 10 + 1 + 1);

            files.put("dir3/file3.txt", Item.file("changed\n"));
            ObjectId second = commit(files, first, "second");
            setRef("refs/heads/main", second);
            push("refs/heads/main");
            Snapshot next = source.snapshot();
            assertThat(next.revision()).contains(second.name());
            assertThat(texts(contents(next))).containsEntry("dir3/file3.txt", "changed\n");
            Map<Path, Long> after = packs(source.cacheDir());
            after.keySet().removeAll(packs.keySet());
            // The new commit, the root tree, dir3's tree and the changed blob: nothing else.
            assertThat(after.values()).containsExactly(4L);

            // Nothing new: the same requests as one ls-remote (doctor's), and no pack.
            int before = server.requests();
            assertThat(source.check()).allMatch(c -> c.status() == Check.Status.PASSED);
            int lsRemote = server.requests() - before;
            before = server.requests();
            Map<Path, Long> packsBefore = packs(source.cacheDir());
            assertThat(source.snapshot().revision()).contains(second.name());
            assertThat(server.requests() - before).isEqualTo(lsRemote);
            assertThat(packs(source.cacheDir())).isEqualTo(packsBefore);
        }
    }

    /** The cache's packs and how many objects each holds. */
    static Map<Path, Long> packs(Path gitDir) throws IOException {
        Map<Path, Long> packs = new TreeMap<>();
        Path dir = gitDir.resolve("objects").resolve("pack");
        try (Stream<Path> list = Files.list(dir)) {
            for (Path idx : list.filter(p -> p.toString().endsWith(".idx")).toList()) {
                packs.put(idx, PackIndex.open(idx.toFile()).getObjectCount());
            }
        }
        try (Stream<Path> loose = Files.walk(gitDir.resolve("objects"))) {
            assertThat(loose.filter(p -> p.getParent().getFileName().toString().matches("[0-9a-f]{2}")))
                    .as("loose objects")
                    .isEmpty();
        }
        return packs;
    }

    @Test
    void aRejectedTokenFailsClearlyLeavesNoCacheAndNeverShowsTheToken() throws Exception {
        setRef("refs/heads/main", commit(Map.of("a", Item.file("a")), null, "c"));
        push("refs/heads/main");
        try (GitRemoteSource source =
                source().token(Secret.of("wrong-token-4711")).build()) {
            assertThatThrownBy(source::snapshot)
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("HTTP 401")
                    .hasMessageContaining("git.token")
                    .satisfies(e -> assertThat(allMessages(e)).doesNotContain("wrong-token-4711"));
            assertThat(source.cacheDir()).doesNotExist();
            assertThat(source.check())
                    .anyMatch(
                            c -> c.status() == Check.Status.FAILED && c.detail().contains("token rejected"));
        }
    }

    @Test
    void theTokenNeverReachesTheCachesConfigEvenWhenWrittenInTheUrl() throws Exception {
        setRef("refs/heads/main", commit(Map.of("a", Item.file("a")), null, "c"));
        push("refs/heads/main");
        String withCredentials = url.replace("://", "://" + GitHttpServer.USER + ":" + GitHttpServer.PASSWORD + "@");
        try (GitRemoteSource source = GitRemoteSource.builder(withCredentials)
                .cacheRoot(tmp.resolve("cache"))
                .build()) {
            assertThat(source.describe()).doesNotContain(GitHttpServer.PASSWORD);
            assertThat(source.secrets()).contains(Secret.of(GitHttpServer.PASSWORD));
            source.snapshot();
            String config = Files.readString(source.cacheDir().resolve("config"));
            assertThat(config).contains(url).doesNotContain(GitHttpServer.PASSWORD);
            try (Stream<Path> all = Files.walk(source.cacheDir())) {
                for (Path file : all.filter(Files::isRegularFile)
                        .filter(p -> !p.toString().contains("objects"))
                        .toList()) {
                    assertThat(Files.readString(file, StandardCharsets.ISO_8859_1))
                            .as(file.toString())
                            .doesNotContain(GitHttpServer.PASSWORD);
                }
            }
        }
    }

    @Test
    void anUnknownRefNamesTheRefTheRemoteAndSomeBranches() throws Exception {
        ObjectId c = commit(Map.of("a", Item.file("a")), null, "c");
        setRef("refs/heads/main", c);
        setRef("refs/heads/release", c);
        push("refs/heads/main", "refs/heads/release");
        try (GitRemoteSource source = source().ref("relase").build()) {
            assertThatThrownBy(source::snapshot)
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("'relase'")
                    .hasMessageContaining(url)
                    .hasMessageContaining("branches: main, release");
            assertThat(source.cacheDir()).doesNotExist();
            assertThat(source.check())
                    .anyMatch(check -> check.status() == Check.Status.FAILED
                            && check.detail().contains("no branch or tag 'relase'"));
        }
        try (GitRemoteSource source =
                source().ref("0123456789012345678901234567890123456789").build()) {
            assertThatThrownBy(source::snapshot)
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("0123456789012345678901234567890123456789 is not in " + url);
        }
    }

    @Test
    void anEmptyRepositoryIsAnErrorNeverAnEmptySnapshot() {
        try (GitRemoteSource source = source().build()) {
            assertThatThrownBy(source::snapshot)
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining(url + " is empty");
            assertThat(source.check())
                    .anyMatch(
                            c -> c.status() == Check.Status.FAILED && c.detail().contains("empty"));
        }
    }

    @Test
    void symbolicLinksAndSubmodulesAreSkippedWithAReason() throws Exception {
        Map<String, Item> files = new TreeMap<>();
        files.put("README.md", Item.file("# hi\n"));
        files.put("link", new Item(FileMode.SYMLINK, "README.md".getBytes(StandardCharsets.UTF_8)));
        files.put(
                "vendor/lib",
                new Item(
                        FileMode.GITLINK, "1111111111111111111111111111111111111111".getBytes(StandardCharsets.UTF_8)));
        files.put("latin1:caf\u00e9.txt", Item.file("not UTF-8"));
        setRef("refs/heads/main", commit(files, null, "c"));
        push("refs/heads/main");
        try (GitRemoteSource source = source().build()) {
            Snapshot snapshot = source.snapshot();
            assertThat(snapshot.entries()).extracting(e -> e.path().value()).containsExactly("README.md");
            assertThat(snapshot.skipped())
                    .extracting(Skipped::path)
                    .containsExactly("caf\\xE9.txt", "link", "vendor/lib");
            assertThat(snapshot.skipped().get(0).reason()).contains("not valid UTF-8");
            assertThat(snapshot.skipped().get(1).reason())
                    .contains("symbolic link")
                    .contains("README.md");
            assertThat(snapshot.skipped().get(2).reason())
                    .contains("submodule")
                    .contains("1111111111111111111111111111111111111111");
        }
    }

    static Stream<Long> seeds() {
        long base = Long.getLong("seed", System.nanoTime());
        return IntStream.range(0, 4).mapToObj(i -> base + i);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aRandomTreeComesBackByteForByte(long seed) throws Exception {
        System.out.println("GitRemoteSourceTest seed " + seed + " (rerun with -Dseed=" + seed + ")");
        SplittableRandom random = new SplittableRandom(seed);
        String[] alphabet = {"a", "b", "Z", "0", "-", "_", ".", " ", "é", "ß", "日本", "😀", "~", "#", "%", "(", "+"};
        Map<String, Item> files = new TreeMap<>();
        int count = 1 + random.nextInt(60);
        List<String> dirs = new ArrayList<>(List.of(""));
        for (int i = 0; i < count; i++) {
            StringBuilder segment = new StringBuilder();
            int length = 1 + random.nextInt(12);
            for (int c = 0; c < length; c++) {
                segment.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String seg = segment.toString();
            if (seg.equals(".") || seg.equals("..") || seg.startsWith(".git") || seg.equals("~")) {
                seg = "f" + seg;
            }
            String dir = dirs.get(random.nextInt(dirs.size()));
            String path = dir + seg;
            boolean clash = files.keySet().stream().anyMatch(p -> p.startsWith(path + "/"))
                    || dirs.contains(path + "/")
                    || prefixIsFile(files, path);
            if (clash) {
                continue;
            }
            if (random.nextInt(5) == 0) {
                dirs.add(path + "/");
                continue;
            }
            byte[] bytes = new byte[random.nextInt(4) == 0 ? 0 : random.nextInt(20_000)];
            for (int b = 0; b < bytes.length; b++) {
                bytes[b] = (byte) random.nextInt(256);
            }
            FileMode mode = random.nextBoolean() ? FileMode.REGULAR_FILE : FileMode.EXECUTABLE_FILE;
            files.put(path, new Item(mode, bytes));
        }
        if (files.isEmpty()) {
            files.put("only", Item.file("x"));
        }
        ObjectId id = commit(files, null, "random " + seed);
        setRef("refs/heads/main", id);
        push("refs/heads/main");
        try (GitRemoteSource source = source().build()) {
            Snapshot snapshot = source.snapshot();
            assertThat(snapshot.skipped()).isEmpty();
            assertThat(snapshot.revision()).contains(id.name());
            Map<String, Item> read = contents(snapshot);
            assertThat(read.keySet()).containsExactlyInAnyOrderElementsOf(files.keySet());
            for (Map.Entry<String, Item> e : files.entrySet()) {
                Item got = read.get(e.getKey());
                assertThat(got.mode()).as(e.getKey()).isEqualTo(e.getValue().mode());
                assertThat(Arrays.equals(got.bytes(), e.getValue().bytes()))
                        .as(e.getKey())
                        .isTrue();
            }
        }
    }

    private static boolean prefixIsFile(Map<String, Item> files, String path) {
        for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
            if (files.containsKey(path.substring(0, i))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void discoveredThroughServiceLoaderAndBuiltFromTheDestinationsKeys() throws Exception {
        ObjectId c = commit(Map.of("a.txt", Item.file("a")), null, "c");
        setRef("refs/heads/trunk", c);
        push("refs/heads/trunk");
        ProviderRegistry registry = ProviderRegistry.discover();
        assertThat(registry.source("git")).get().isInstanceOf(GitRemoteSourceProvider.class);
        SyncSettings settings = SyncSettings.of(Map.of(
                "git.remote-url",
                url,
                "git.branch",
                "trunk",
                "git.username",
                GitHttpServer.USER,
                "git.token",
                GitHttpServer.PASSWORD,
                "git.work-dir",
                tmp.resolve("mine.git").toString()));
        try (var source = registry.createSource("git", settings)) {
            assertThat(source.secrets()).contains(Secret.of(GitHttpServer.PASSWORD));
            assertThat(source.snapshot().revision()).contains(c.name());
        }
        assertThat(tmp.resolve("mine.git").resolve("objects")).isDirectory();
    }

    /** Every message in the cause chain. */
    private static String allMessages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }
}
