package dev.workspacesync.git.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.junit.MockSystemReader;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.util.SystemReader;

/** Helpers for tests that use git: isolation from the user's config, reading trees, running the git CLI. */
public final class GitTesting {
    private GitTesting() {}

    /** Makes JGit ignore the user's and the system's git config (call in {@code @BeforeAll}). */
    public static void isolateJGit() {
        SystemReader.setInstance(new MockSystemReader());
    }

    /** Restores JGit's default system reader (call in {@code @AfterAll}). */
    public static void restoreJGit() {
        SystemReader.setInstance(null);
    }

    /** A file in a tree: its content and whether it is executable. */
    public record TreeFile(String content, boolean executable) {}

    /** The files of a branch's head in a repository (bare or not), or empty when the branch is missing. */
    public static Map<String, TreeFile> tree(Path gitDir, String branch) throws IOException {
        Map<String, TreeFile> files = new TreeMap<>();
        try (Repository repo = open(gitDir)) {
            ObjectId head = repo.resolve(Constants.R_HEADS + branch);
            if (head == null) {
                return files;
            }
            try (RevWalk walk = new RevWalk(repo);
                    TreeWalk tree = new TreeWalk(repo)) {
                tree.addTree(walk.parseCommit(head).getTree());
                tree.setRecursive(true);
                while (tree.next()) {
                    byte[] bytes = repo.open(tree.getObjectId(0)).getBytes();
                    files.put(
                            tree.getPathString(),
                            new TreeFile(
                                    new String(bytes, StandardCharsets.UTF_8),
                                    tree.getFileMode(0) == org.eclipse.jgit.lib.FileMode.EXECUTABLE_FILE));
                }
            }
        }
        return files;
    }

    /** The commits of a branch, newest first. */
    public static List<RevCommit> log(Path gitDir, String branch) throws IOException {
        List<RevCommit> commits = new ArrayList<>();
        try (Repository repo = open(gitDir);
                RevWalk walk = new RevWalk(repo)) {
            ObjectId head = repo.resolve(Constants.R_HEADS + branch);
            if (head == null) {
                return commits;
            }
            walk.markStart(walk.parseCommit(head));
            walk.forEach(commits::add);
        }
        return commits;
    }

    private static Repository open(Path gitDir) throws IOException {
        Path dir = Files.isDirectory(gitDir.resolve(".git")) ? gitDir.resolve(".git") : gitDir;
        return new FileRepositoryBuilder()
                .setGitDir(dir.toFile())
                .setMustExist(true)
                .build();
    }

    /**
     * Creates an empty bare repository with HEAD on {@code main}, without JGit's background gc after a
     * push (it would race with the deletion of temporary directories).
     */
    public static Path bareRepository(Path dir) throws IOException {
        try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.init()
                .setBare(true)
                .setInitialBranch("main")
                .setDirectory(dir.toFile())
                .call()) {
            git.getRepository().getConfig().setBoolean("receive", null, "autogc", false);
            git.getRepository().getConfig().save();
            return dir;
        } catch (org.eclipse.jgit.api.errors.GitAPIException e) {
            throw new IOException(e);
        }
    }

    /** Whether a {@code git} binary is on the PATH. */
    public static boolean gitCliAvailable() {
        try {
            Process p = new ProcessBuilder("git", "--version")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The result of a git command. */
    public record Result(int exitCode, String output) {}

    /**
     * Runs the real {@code git} in {@code dir}, isolated from the user's configuration: HOME is
     * {@code home}, the global config is {@code home/.gitconfig}, the system config is ignored.
     */
    public static Result git(Path dir, Path home, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("GIT_"));
        Files.createDirectories(home);
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        env.put("GIT_CONFIG_GLOBAL", home.resolve(".gitconfig").toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_AUTHOR_NAME", "Test");
        env.put("GIT_AUTHOR_EMAIL", "test@example.invalid");
        env.put("GIT_COMMITTER_NAME", "Test");
        env.put("GIT_COMMITTER_EMAIL", "test@example.invalid");
        env.put("GIT_TERMINAL_PROMPT", "0");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("git " + String.join(" ", args) + " did not finish");
        }
        return new Result(process.exitValue(), output);
    }

    /** Writes a UTF-8 file, creating parent directories. */
    public static Path write(Path root, String path, String content) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }
}
