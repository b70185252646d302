package dev.workspacesync.examples;

import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.examples.internal.HookScript;
import dev.workspacesync.examples.internal.StableJar;
import dev.workspacesync.git.GitHooks;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code install-hook}: makes every commit in {@code ~/projects/<name>} sync the project to Databricks.
 * Copies the running jar to {@code ~/.local/share/workspace-sync/} (so a {@code ./mvnw clean} or a deleted
 * download does not end the backups), then installs a post-commit hook running {@code hook-run} from that
 * copy in the background into each repository there. With {@code --template} the hook also goes into a git
 * template directory ({@code init.templateDir}: the user's own when set, else ours), so repositories made
 * later by {@code git init} or {@code git clone} get it too; the hook does nothing outside the projects
 * directory.
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
            description = "Directory of projects, each a git repository (default: ~/projects; created if missing)."
                    + " The hook does nothing in repositories elsewhere.")
    private Path projectsDir;

    @Option(
            names = "--template",
            description = "Also install the hook into a git template for repositories created later: the"
                    + " init.templateDir you have, else a new one set as init.templateDir.")
    private boolean template;

    @Option(
            names = "--template-dir",
            description = "Where the template goes when init.templateDir is unset"
                    + " (default: ~/.config/workspace-sync/git-template).")
    private Path templateDir;

    @Option(
            names = "--java",
            paramLabel = "PATH",
            description = "The java executable the hook runs (default: the one running this command; java on"
                    + " PATH when it is gone).")
    private Path java;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path home = home(parent);
        Path projects = (projectsDir != null ? projectsDir : home.resolve("projects")).toAbsolutePath();
        Files.createDirectories(projects);
        // The hook compares physical paths, so a repository reached through a symlink or .. is judged by where it is.
        projects = projects.toRealPath();
        String command = hookScript(projects, home, out).body();
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
            out.println(installTemplate(home, command));
        }
        out.println(installed + " repositories in " + projects + " sync to"
                + " /Workspace/Users/<you>/projects/<name> on every commit. Failures go to ~/.sync-errors.log.");
        out.println("Databricks credentials come from DATABRICKS_HOST/DATABRICKS_TOKEN or ~/.databrickscfg.");
        return WorkspaceSync.OK;
    }

    /** Installs the template hook and says, in one line, what was done. */
    private String installTemplate(Path home, String command) {
        Path globalConfig = GitHooks.globalConfigFile(parent.environment(), home);
        Optional<Path> configured = GitHooks.configuredTemplateDir(globalConfig, home);
        Path ours = home.resolve(".config/workspace-sync/git-template");
        Path dir = templateDir != null ? templateDir.toAbsolutePath() : configured.orElse(ours);
        // An explicit --template-dir that disagrees with init.templateDir is refused by GitHooks: never replaced.
        GitHooks.Installation result = GitHooks.installTemplate(dir, command, globalConfig, home);
        String chained = result.chained() != null ? "; your hook there, now " + result.chained() + ", runs first" : "";
        String scope = ": new repositories from 'git init' or 'git clone' get the hook (JGit-created ones do"
                + " not: run install-hook again for those), and it does nothing outside the projects directory.";
        if (configured.isPresent() && !configured.get().equals(ours.normalize())) {
            return (result.changed() ? "Installed the hook into " : "Hook already in ") + dir
                    + ", your init.templateDir (kept as it is)" + chained + scope;
        }
        return "Template " + result.hook() + " set as init.templateDir in " + globalConfig + chained + scope;
    }

    /** What the hook runs: the stable copy of this jar (or, in a development build, this class path). */
    private HookScript hookScript(Path projects, Path home, PrintWriter out) {
        Path javaExecutable =
                java != null ? java.toAbsolutePath() : Path.of(System.getProperty("java.home"), "bin", "java");
        if (!Files.isRegularFile(javaExecutable) || !Files.isExecutable(javaExecutable)) {
            throw new SyncConfigException("--java " + javaExecutable + " is not an executable file: give the path of"
                    + " a java executable (Java 17 or later), e.g. $JAVA_HOME/bin/java.");
        }
        Optional<Path> jar = StableJar.runningJar(WorkspaceSync.class);
        if (jar.isPresent()) {
            StableJar.Copy copy = StableJar.install(
                    jar.get(),
                    WorkspaceSync.class.getPackage().getImplementationVersion(),
                    StableJar.directory(parent.environment(), home));
            out.println((copy.changed() ? "Copied " + jar.get() + " to " : "Already installed: ") + copy.jar()
                    + " (what the hook runs; rebuilding or deleting the original does not affect it)");
            copy.removed().forEach(old -> out.println("Removed the old copy " + old));
            return HookScript.forJar(javaExecutable, copy.jar(), projects);
        }
        Path classes = StableJar.codeSource(WorkspaceSync.class);
        out.println("Not running from a jar (classes in " + classes + "): the hook runs this development class path,"
                + " which a rebuild or './mvnw clean' removes. Run 'java -jar workspace-sync.jar install-hook' for a"
                + " hook that lasts.");
        return HookScript.forClassPath(
                javaExecutable,
                classes,
                System.getProperty("java.class.path"),
                WorkspaceSync.class.getName(),
                projects);
    }

    /** The user's home as a shell sees it ({@code $HOME}), else Java's. */
    static Path home(WorkspaceSync parent) {
        String home = parent.environment().get("HOME");
        return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"));
    }
}
