package dev.workspacesync.git;

import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncException;
import dev.workspacesync.git.internal.Homes;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.errors.ConfigInvalidException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;

/**
 * Installs a {@code post-commit} hook that runs a command (typically a sync of the committed tree) after
 * every commit, without slowing or failing the commit.
 *
 * <ul>
 *   <li>The hook starts the command in the background, detached from the commit, with its output
 *       appended to {@code <git dir>/workspace-sync-hook.log}, and returns at once with status 0.
 *   <li>It goes into {@code core.hooksPath} when that is set (relative paths resolve against the work
 *       tree, {@code ~/} against the home directory), else {@code .git/hooks}.
 *   <li>Installing is idempotent: the same command again changes nothing. Another command replaces ours.
 *   <li>An existing hook that is not ours is kept: it is renamed to {@code post-commit.chained} and our
 *       hook runs it first (in the foreground, as before), then starts the command.
 *   <li>The hook is a POSIX shell script, marked executable. JGit runs hooks only on POSIX systems (and
 *       Cygwin); the {@code git} command line runs them everywhere.
 * </ul>
 *
 * <p><b>Templates.</b> {@link #installTemplate} writes the hook into a template directory and sets
 * {@code init.templateDir} in the user's global git config when it is unset (an existing setting is never
 * replaced), so repositories created later with {@code git init} or {@code git clone} get the hook. JGit's own {@code init} and {@code clone} ignore
 * templates: for repositories created by JGit (or existing ones), call {@link #installPostCommitHook}.
 */
public final class GitHooks {
    /** The line that marks a hook as ours. */
    static final String MARKER = "# workspace-sync post-commit hook";

    /** The name an existing user hook is moved to. */
    public static final String CHAINED = "post-commit.chained";

    private GitHooks() {}

    /**
     * What an installation did.
     *
     * @param hook the hook file
     * @param changed whether anything was written (false when the same hook was already installed)
     * @param chained the user's previous hook, now run first by ours, or null
     */
    public record Installation(Path hook, boolean changed, Path chained) {}

    /**
     * Installs the post-commit hook into a repository.
     *
     * @param repository the work tree (or the {@code .git} directory) of the repository
     * @param command a shell command, run from the top of the work tree
     * @throws SyncException if the repository cannot be opened or the hook cannot be written
     */
    public static Installation installPostCommitHook(Path repository, String command) {
        Objects.requireNonNull(command, "command");
        try (Git git = Git.open(repository.toFile())) {
            return install(hooksDirectory(git.getRepository()), command);
        } catch (IOException e) {
            throw new SyncException("Cannot install the post-commit hook in " + repository + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the hook into {@code templateDir/hooks} and, when the user's global git config
     * ({@code $GIT_CONFIG_GLOBAL}, else {@code ~/.gitconfig}, or {@code $XDG_CONFIG_HOME/git/config} when
     * only that exists) has no {@code init.templateDir}, points it at that directory. An existing hook
     * there that is not ours is chained, as in a repository.
     *
     * @throws SyncConfigException if {@code init.templateDir} is already set to another directory (it is
     *     never replaced: install into that one), or the template directory cannot be written
     */
    public static Installation installTemplate(Path templateDir, String command) {
        return installTemplate(templateDir, command, globalConfigFile(), Homes.userHome());
    }

    /** As {@link #installTemplate(Path, String)}, with an explicit global config file and home directory. */
    public static Installation installTemplate(Path templateDir, String command, Path globalConfig, Path home) {
        Path dir = templateDir.toAbsolutePath().normalize();
        try {
            FileBasedConfig config = new FileBasedConfig(globalConfig.toFile(), FS.DETECTED);
            config.load();
            Optional<Path> configured = templateDirSetting(config, home);
            if (configured.isPresent() && !sameDirectory(configured.get(), dir)) {
                throw new SyncConfigException("init.templateDir in " + globalConfig + " is already "
                        + configured.get() + ": it was kept, and the hook was not installed into " + dir
                        + ". Install into that template directory instead, or change the setting yourself"
                        + " (git config --global init.templateDir DIR).");
            }
            Installation installation;
            try {
                installation = install(dir.resolve("hooks"), command);
            } catch (IOException e) {
                throw new SyncConfigException("Cannot write the git template directory " + dir + " ("
                        + e.getClass().getSimpleName() + ": " + e.getMessage() + "): the hook was not installed"
                        + (configured.isPresent() ? " and init.templateDir in " + globalConfig + " was kept" : "")
                        + ". Make it writable, or point init.templateDir at a directory of your own.");
            }
            if (configured.isEmpty()) {
                config.setString("init", null, "templateDir", dir.toString());
                Files.createDirectories(globalConfig.toAbsolutePath().getParent());
                config.save();
                return new Installation(installation.hook(), true, installation.chained());
            }
            return installation;
        } catch (IOException | ConfigInvalidException e) {
            throw new SyncException("Cannot install the hook template in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The {@code init.templateDir} of a global git config file, {@code ~/} expanded against {@code home} as
     * git does, or empty when it is not set.
     *
     * @throws SyncConfigException if the file cannot be parsed or the setting is a relative path
     */
    public static Optional<Path> configuredTemplateDir(Path globalConfig, Path home) {
        FileBasedConfig config = new FileBasedConfig(globalConfig.toFile(), FS.DETECTED);
        try {
            config.load();
        } catch (IOException | ConfigInvalidException e) {
            throw new SyncConfigException("Cannot read " + globalConfig + ": " + e.getMessage(), e);
        }
        return templateDirSetting(config, home);
    }

    private static Optional<Path> templateDirSetting(FileBasedConfig config, Path home) {
        String value = config.getString("init", null, "templateDir");
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        Path path =
                value.equals("~") ? home : value.startsWith("~/") ? home.resolve(value.substring(2)) : Path.of(value);
        if (!path.isAbsolute()) {
            // git would resolve it against wherever `git init` runs: no single directory to install into.
            throw new SyncConfigException("init.templateDir in " + config.getFile() + " is a relative path (" + value
                    + "); set an absolute one (git config --global init.templateDir DIR) and install again.");
        }
        return Optional.of(path.normalize());
    }

    private static boolean sameDirectory(Path a, Path b) {
        try {
            return a.normalize().equals(b.normalize()) || (Files.exists(a) && Files.isSameFile(a, b));
        } catch (IOException e) {
            return false;
        }
    }

    /** Where git and JGit look for hooks of this repository. */
    static Path hooksDirectory(Repository repo) {
        String configured = repo.getConfig().getString("core", null, "hooksPath");
        if (configured == null || configured.isBlank()) {
            return repo.getDirectory().toPath().resolve("hooks");
        }
        if (configured.startsWith("~/")) {
            return Homes.userHome().resolve(configured.substring(2));
        }
        Path path = Path.of(configured);
        if (path.isAbsolute()) {
            return path;
        }
        File base = repo.isBare() ? repo.getDirectory() : repo.getWorkTree();
        return base.toPath().resolve(path).normalize();
    }

    private static Installation install(Path hooks, String command) throws IOException {
        Files.createDirectories(hooks);
        Path hook = hooks.resolve("post-commit");
        Path chained = hooks.resolve(CHAINED);
        String script = script(command);
        if (Files.exists(hook)) {
            String existing = Files.readString(hook, StandardCharsets.ISO_8859_1);
            if (existing.contains(MARKER)) {
                if (existing.equals(script) && Files.isExecutable(hook)) {
                    return new Installation(hook, false, Files.exists(chained) ? chained : null);
                }
            } else {
                if (Files.exists(chained)) {
                    throw new SyncException("Cannot install the post-commit hook in " + hooks + ": both a user hook"
                            + " (post-commit) and " + CHAINED + " exist. Merge them by hand, then install again.");
                }
                Files.move(hook, chained);
                makeExecutable(chained);
            }
        }
        Path tmp = hooks.resolve("post-commit.workspace-sync.tmp");
        Files.writeString(tmp, script, StandardCharsets.UTF_8);
        makeExecutable(tmp);
        Files.move(tmp, hook, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return new Installation(hook, true, Files.exists(chained) ? chained : null);
    }

    /**
     * The hook script: chained hook first, then our command in the background, never failing. The
     * command is the body of a shell function, run from the top of the work tree, where
     * {@code $git_dir} is the repository's git directory and {@code $hook_log} the log its output goes to.
     */
    static String script(String command) {
        if (command.isBlank()) {
            throw new IllegalArgumentException("the hook command is blank");
        }
        return "#!/bin/sh\n"
                + MARKER + " (managed: install again to change it).\n"
                + "# It starts the command in the background so a commit is never slowed or failed.\n"
                + "hooks_dir=$(dirname \"$0\")\n"
                + "if [ -x \"$hooks_dir/" + CHAINED + "\" ]; then\n"
                + "  \"$hooks_dir/" + CHAINED + "\" \"$@\"\n"
                + "fi\n"
                + "git_dir=\"${GIT_DIR:-$(git rev-parse --git-dir 2>/dev/null || echo .git)}\"\n"
                + "hook_log=\"$git_dir/workspace-sync-hook.log\"\n"
                + "unset GIT_INDEX_FILE\n"
                + "workspace_sync() {\n"
                + command.strip() + "\n"
                + "}\n"
                + "# Detached and deaf to the terminal's hang-up (as with nohup); nobody waits for it.\n"
                + "( trap '' HUP; workspace_sync </dev/null >>\"$hook_log\" 2>&1 & ) >/dev/null 2>&1\n"
                + "exit 0\n";
    }

    private static void makeExecutable(Path file) throws IOException {
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        } else if (!file.toFile().setExecutable(true)) {
            throw new IOException("cannot mark " + file + " executable");
        }
    }

    private static Path globalConfigFile() {
        SystemReader system = SystemReader.getInstance();
        Map<String, String> environment = new java.util.HashMap<>();
        for (String name : List.of("GIT_CONFIG_GLOBAL", "XDG_CONFIG_HOME")) {
            String value = system.getenv(name);
            if (value != null) {
                environment.put(name, value);
            }
        }
        return globalConfigFile(environment, FS.DETECTED.userHome().toPath());
    }

    /**
     * The user's global git config file as the {@code git} command line finds it:
     * {@code $GIT_CONFIG_GLOBAL}, else {@code ~/.gitconfig}, or {@code $XDG_CONFIG_HOME/git/config} (default
     * {@code ~/.config/git/config}) when only that exists.
     */
    public static Path globalConfigFile(Map<String, String> environment, Path home) {
        String explicit = environment.get("GIT_CONFIG_GLOBAL");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        Path dotfile = home.resolve(".gitconfig");
        String xdg = environment.get("XDG_CONFIG_HOME");
        Path xdgFile = (xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".config"))
                .resolve("git")
                .resolve("config");
        return !Files.exists(dotfile) && Files.exists(xdgFile) ? xdgFile : dotfile;
    }
}
