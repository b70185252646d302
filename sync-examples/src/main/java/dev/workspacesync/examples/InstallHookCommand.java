package dev.workspacesync.examples;

import dev.workspacesync.git.GitHooks;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code install-hook}: makes every commit in {@code ~/projects/<name>} sync the project to Databricks.
 * Installs a post-commit hook running {@code hook-run} in the background into each repository there,
 * and with {@code --template} also into a git template directory set as {@code init.templateDir}, so
 * repositories made later by {@code git init} or {@code git clone} get it too.
 */
@Command(
        name = "install-hook",
        description = "Install the post-commit hook that syncs each project in --projects-dir to Databricks.")
final class InstallHookCommand implements Callable<Integer> {
    @ParentCommand
    private WorkspaceSync parent;

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--projects-dir",
            description = "Directory of projects, each a git repository (default: ~/projects; created if missing).")
    private Path projectsDir;

    @Option(
            names = "--template",
            description = "Also install a git template and set init.templateDir, for repositories created later.")
    private boolean template;

    @Option(
            names = "--template-dir",
            description = "Where the template goes (default: ~/.config/workspace-sync/git-template).")
    private Path templateDir;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path home = home(parent);
        Path projects = (projectsDir != null ? projectsDir : home.resolve("projects")).toAbsolutePath();
        Files.createDirectories(projects);
        String command = hookRunCommand();
        int installed = 0;
        List<Path> repositories;
        try (Stream<Path> children = Files.list(projects)) {
            repositories = children.filter(p -> Files.isDirectory(p.resolve(".git")))
                    .sorted()
                    .toList();
        }
        for (Path repository : repositories) {
            GitHooks.Installation result = GitHooks.installPostCommitHook(repository, command);
            installed++;
            out.println((result.changed() ? "Installed " : "Already installed ")
                    + result.hook()
                    + (result.chained() != null ? " (runs your existing hook " + result.chained() + " first)" : ""));
        }
        if (template) {
            Path dir = templateDir != null ? templateDir : home.resolve(".config/workspace-sync/git-template");
            GitHooks.Installation result =
                    GitHooks.installTemplate(dir, command, GitHooks.globalConfigFile(parent.environment(), home));
            out.println("Template " + result.hook() + " set as init.templateDir: new repositories from 'git init' or"
                    + " 'git clone' get the hook (JGit-created ones do not: run install-hook again for those).");
        }
        out.println(installed + " repositories in " + projects + " sync to"
                + " /Workspace/Users/<you>/projects/<name> on every commit. Failures go to ~/.sync-errors.log.");
        out.println("Databricks credentials come from DATABRICKS_HOST/DATABRICKS_TOKEN or ~/.databrickscfg.");
        return WorkspaceSync.OK;
    }

    /** The user's home as a shell sees it ({@code $HOME}), else Java's. */
    static Path home(WorkspaceSync parent) {
        String home = parent.environment().get("HOME");
        return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"));
    }

    /** This same Java and jar (or class path, when not run from the jar), running {@code hook-run}. */
    static String hookRunCommand() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path location;
        try {
            location = Path.of(InstallHookCommand.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the workspace-sync jar", e);
        }
        String launch = Files.isRegularFile(location)
                ? "-jar " + quote(location.toString())
                : "-cp " + quote(System.getProperty("java.class.path")) + " " + WorkspaceSync.class.getName();
        return quote(java) + " " + launch + " hook-run";
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
