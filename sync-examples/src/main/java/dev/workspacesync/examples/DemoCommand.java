package dev.workspacesync.examples;

import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.RetryPolicy;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncPipeline;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.examples.internal.ProgressPrinter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.ignore.FastIgnoreRule;
import org.eclipse.jgit.ignore.IgnoreNode;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code demo}: the library end to end with nothing to set up. Creates a sample project, backs it up to
 * a local bare git repository over {@code file://}, changes one file, backs up again, and says where to
 * look.
 */
@Command(
        name = "demo",
        description = "Sync a sample project to a local git repository twice (no external service needed).")
final class DemoCommand implements Callable<Integer> {
    private static final String MARKER = ".workspace-sync-demo";

    @ParentCommand
    private WorkspaceSync parent;

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--dir",
            defaultValue = "workspace-sync-demo",
            description = "Where to create the demo (default: ./${DEFAULT-VALUE}); recreated on each run.")
    private Path dir;

    @Override
    public Integer call() throws IOException, GitAPIException {
        PrintWriter out = spec.commandLine().getOut();
        Path root = dir.toAbsolutePath().normalize();
        prepare(root);
        Path project = root.resolve("project");
        Path remote = root.resolve("backup.git");
        writeSampleProject(project);
        try (Git ignored = Git.init()
                .setBare(true)
                .setInitialBranch("main")
                .setDirectory(remote.toFile())
                .call()) {
            // an empty remote, as a fresh GitHub repository would be
        }
        SyncSettings settings = SyncSettings.of(Map.of(
                "local.path", project.toString(),
                "git.remote-url", remote.toUri().toString(),
                "git.branch", "main",
                "git.work-dir", root.resolve("cache/clone").toString(),
                "git.author-name", "workspace-sync demo",
                "git.author-email", "demo@workspace-sync.invalid",
                "git.message", "Demo backup of {source}: {added} added, {updated} updated, {deleted} deleted"));
        ProviderRegistry registry = ProviderRegistry.discover();
        if (registry.source("local").isEmpty() || registry.destination("git").isEmpty()) {
            throw new SyncConfigException("The demo needs the local source and git destination (sync-git) on the"
                    + " class path; run it from sync-examples/target/workspace-sync.jar");
        }
        // -q as for run: silent when all went well; what went wrong still goes to stderr.
        boolean quiet = parent.verbosity().quiet();
        if (quiet) {
            out = new PrintWriter(Writer.nullWriter());
        }
        SyncPipeline.Builder builder = SyncPipeline.builder()
                .source(registry.createSource("local", settings))
                .destination(registry.createDestination("git", settings))
                .retryPolicy(RetryPolicy.none());
        if (!quiet) {
            builder.listener(new ProgressPrinter(spec.commandLine().getErr(), parent.terminal()));
        }
        try (SyncPipeline pipeline = builder.build()) {
            out.println("1) First sync of " + project + " into " + remote);
            SyncReport first = pipeline.run();
            RunCommand.printSummary(
                    first.succeeded() || !quiet ? out : spec.commandLine().getErr(), first);
            if (!first.succeeded()) {
                return RunCommand.exitCode(first);
            }
            printKeptOut(out, project, remote);

            Path changed = project.resolve("src/app.py");
            Files.writeString(changed, Files.readString(changed) + "\nprint('and a change synced incrementally')\n");
            out.println();
            out.println("2) Changed src/app.py; syncing again (only that file moves)");
            SyncReport second = pipeline.run();
            RunCommand.printSummary(
                    second.succeeded() || !quiet ? out : spec.commandLine().getErr(), second);

            out.println();
            out.println("Look at the backup:  git --git-dir " + remote + " log --stat");
            out.println("Edit " + project + " and sync again with:");
            out.println("  java -jar sync-examples/target/workspace-sync.jar run --source local --destination git \\");
            out.println("    --set local.path=" + project + " --set git.remote-url=" + remote.toUri() + " \\");
            out.println("    --set git.work-dir=" + root.resolve("cache/clone"));
            return RunCommand.exitCode(second);
        }
    }

    /**
     * Names the project's files that did not reach the backup and the ignore rule that kept each out, so
     * the first run's counts are not a puzzle.
     */
    private static void printKeptOut(PrintWriter out, Path project, Path remote) throws IOException {
        Set<String> backedUp = new TreeSet<>();
        try (Repository repo = new FileRepositoryBuilder()
                        .setGitDir(remote.toFile())
                        .setMustExist(true)
                        .build();
                RevWalk walk = new RevWalk(repo);
                TreeWalk tree = new TreeWalk(repo)) {
            tree.addTree(walk.parseCommit(repo.resolve("refs/heads/main")).getTree());
            tree.setRecursive(true);
            while (tree.next()) {
                backedUp.add(tree.getPathString());
            }
        }
        IgnoreNode rules = new IgnoreNode();
        try (var in = Files.newInputStream(project.resolve(".gitignore"))) {
            rules.parse(in);
        }
        List<String> keptOut = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(project)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                String path = project.relativize(file).toString().replace('\\', '/');
                if (!backedUp.contains(path)) {
                    keptOut.add(path);
                }
            }
        }
        if (!keptOut.isEmpty()) {
            int width = keptOut.stream().mapToInt(String::length).max().orElse(0);
            out.println("  Kept out, as git would ignore them (" + keptOut.size() + "):");
            keptOut.forEach(path -> out.println(
                    "    " + path + " ".repeat(width - path.length()) + "  (.gitignore: " + rule(rules, path) + ")"));
        }
    }

    /** The last rule of {@code rules} that matches {@code path} or one of its folders, as written. */
    private static String rule(IgnoreNode rules, String path) {
        String matched = "not backed up";
        String[] segments = path.split("/");
        for (FastIgnoreRule rule : rules.getRules()) {
            String prefix = "";
            for (int i = 0; i < segments.length; i++) {
                prefix = prefix.isEmpty() ? segments[i] : prefix + "/" + segments[i];
                if (rule.isMatch(prefix, i < segments.length - 1) && rule.getResult()) {
                    matched = rule.toString();
                }
            }
        }
        return matched;
    }

    /** Starts from scratch, but never deletes a directory the demo did not create. */
    private static void prepare(Path root) throws IOException {
        if (Files.exists(root)) {
            if (!Files.exists(root.resolve(MARKER))) {
                throw new SyncConfigException(
                        root + " exists and was not made by the demo; choose another place with --dir");
            }
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(root);
        Files.writeString(root.resolve(MARKER), "created by workspace-sync demo\n");
    }

    private static void writeSampleProject(Path project) throws IOException {
        write(project, "README.md", "# Sample project\n\nBacked up by workspace-sync.\n");
        write(project, ".gitignore", "build/\n*.log\n");
        write(project, "src/app.py", "def main():\n    print('hello from the sample project')\n");
        write(project, "notebooks/analysis.py", "# Databricks notebook source\nprint(spark.version)\n");
        write(project, "data/config.yaml", "name: sample\nretries: 3\n");
        write(project, "build/output.bin", "ignored by .gitignore, never synced\n");
        write(project, "debug.log", "ignored too\n");
    }

    private static void write(Path root, String path, String content) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
