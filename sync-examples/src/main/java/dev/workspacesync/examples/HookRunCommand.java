package dev.workspacesync.examples;

import dev.workspacesync.core.KnownSettings;
import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.Redactor;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncPipeline;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.spi.SettingKey;
import dev.workspacesync.examples.internal.RepoLock;
import dev.workspacesync.examples.internal.SettingsResolver;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code hook-run}: what the post-commit hook runs. Syncs the committed tree of the repository holding
 * {@code --repo} (or the current directory; its top is found as git does) to
 * {@code /Workspace/Users/<email>/projects/<repo name>} with the Databricks settings of the environment
 * ({@code DATABRICKS_HOST}/{@code DATABRICKS_TOKEN}, or a profile). Never fails a commit: it always exits
 * 0, and a failure is appended, with a timestamp and redacted, to {@code ~/.sync-errors.log}. The state only
 * advances on success, so the next commit retries whatever failed.
 */
@Command(name = "hook-run", description = "Sync a repository's committed tree to Databricks (run by the hook).")
final class HookRunCommand implements Callable<Integer> {
    @ParentCommand
    private WorkspaceSync parent;

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--repo",
            description = "A directory in the repository (default: the current directory); its top is found as"
                    + " git does.")
    private Path repo;

    @Option(names = "--error-log", description = "Where failures are appended (default: ~/.sync-errors.log).")
    private Path errorLog;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Extra settings, e.g. databricks.profile=dev.")
    private Map<String, String> sets = new LinkedHashMap<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path start = (repo == null ? Path.of("") : repo).toAbsolutePath().normalize();
        Path log = errorLog != null ? errorLog : InstallHookCommand.home(parent).resolve(".sync-errors.log");
        AtomicReference<Redactor> redactor = new AtomicReference<>(Redactor.none());
        Path root = start;
        try {
            root = top(start);
            Path top = root;
            SyncSettings settings = settings(top, err);
            redactor.set(Redactor.of(settings.secrets()));
            boolean ran = new RepoLock(gitDir(top).resolve("workspace-sync")).runCoalesced(() -> {
                SyncReport report = syncOnce(settings);
                if (report.succeeded()) {
                    report.destinations().forEach(d -> out.println("✓ Synced to " + d.target()));
                } else {
                    failed(out, err, log, top, report.message());
                }
                out.flush();
            });
            if (!ran) {
                out.println("A sync of " + root + " is already running; it will include this commit.");
            }
        } catch (SyncConfigException e) {
            // A wrong directory or setting fails every commit the same way: say it where the committer looks.
            String message = redactor.get().redact(e.getMessage());
            boolean written = record(err, log, root, message);
            if (written) {
                err.println("workspace-sync hook-run: " + message);
            }
            out.println(pointer(log, written));
        } catch (IOException | RuntimeException e) {
            failed(out, err, log, root, redactor.get().redact(String.valueOf(e.getMessage())));
        }
        out.flush();
        err.flush();
        return WorkspaceSync.OK;
    }

    /**
     * The top of the working tree holding {@code dir}, found as git does: the nearest directory, from
     * {@code dir} up, with a {@code .git} directory or a {@code .git} file (a linked worktree or submodule).
     *
     * @throws SyncConfigException when {@code dir} does not exist or is in no repository
     */
    static Path top(Path dir) {
        if (!Files.exists(dir)) {
            throw new SyncConfigException("no such directory: " + dir);
        }
        if (!Files.isDirectory(dir)) {
            throw new SyncConfigException("not a directory: " + dir);
        }
        for (Path p = dir; p != null; p = p.getParent()) {
            Path git = p.resolve(".git");
            if (Files.isDirectory(git) || Files.isRegularFile(git)) {
                return p;
            }
        }
        throw new SyncConfigException(dir + " is not in a git repository (no .git in it or any parent directory)");
    }

    /** The git directory of a top: its {@code .git}, or where a {@code .git} file points ({@code gitdir: …}). */
    static Path gitDir(Path top) throws IOException {
        Path git = top.resolve(".git");
        if (Files.isDirectory(git)) {
            return git;
        }
        String text = Files.readString(git).strip();
        if (!text.startsWith("gitdir:")) {
            throw new SyncConfigException(git + " is neither a directory nor a 'gitdir: <path>' file");
        }
        return top.resolve(text.substring("gitdir:".length()).strip()).normalize();
    }

    /** The settings of the sync: {@code --set} over the repository's over the environment, every key checked. */
    private SyncSettings settings(Path root, PrintWriter err) {
        ProviderRegistry registry = ProviderRegistry.discover();
        List<SettingKey> sourceKeys = new ArrayList<>();
        List<SettingKey> destinationKeys = new ArrayList<>();
        registry.source("local").ifPresent(p -> sourceKeys.addAll(p.settings()));
        registry.destination("databricks").ifPresent(p -> destinationKeys.addAll(p.settings()));
        List<SettingKey> keys = new ArrayList<>(sourceKeys);
        keys.addAll(destinationKeys);
        KnownSettings known = KnownSettings.forRun(
                "local", sourceKeys, List.of("databricks"), destinationKeys, SettingsResolver.allKeys(registry));
        List<String> problems = new ArrayList<>();
        sets.keySet()
                .forEach(
                        key -> known.check(key.strip(), "hook-run --set", false).ifPresent(problems::add));
        sets.keySet()
                .forEach(key -> known.unused(key.strip(), "hook-run --set")
                        .ifPresent(w -> err.println("workspace-sync hook-run: warning: " + w)));
        problems.addAll(known.checkEnvironment(parent.environment(), SettingsResolver.OTHER_VARIABLES));
        if (!problems.isEmpty()) {
            throw new SyncConfigException(problems);
        }
        return SyncSettings.of(sets)
                .orElse(SyncSettings.of(Map.of(
                        "local.path", root.toString(),
                        "local.mode", "committed",
                        "databricks.project", root.getFileName().toString())))
                .orElse(SettingsResolver.fromEnvironment(parent.environment(), keys))
                .withSecretsOf(keys);
    }

    private static SyncReport syncOnce(SyncSettings settings) {
        ProviderRegistry registry = ProviderRegistry.discover();
        try (SyncPipeline pipeline = SyncPipeline.builder()
                .source(registry.createSource("local", settings))
                .destination(registry.createDestination("databricks", settings))
                .secrets(settings.secrets())
                .build()) {
            return pipeline.run();
        }
    }

    /** Records a failure and says on standard output where to read it. */
    private static void failed(PrintWriter out, PrintWriter err, Path log, Path repo, String message) {
        out.println(pointer(log, record(err, log, repo, message)));
    }

    /** Where the committer reads the failure: the log, or standard error when the log could not be written. */
    private static String pointer(Path log, boolean written) {
        return written
                ? "✗ Sync failed; see " + log
                : "✗ Sync failed; see the message above (the error log could not be written)";
    }

    /**
     * Appends a failure to the error log; if the log cannot be written, says so (and the failure) on stderr.
     *
     * @return whether the log holds the failure
     */
    private static boolean record(PrintWriter err, Path log, Path repo, String message) {
        String line = Instant.now() + " " + repo + ": " + message.replace('\n', ' ') + System.lineSeparator();
        try {
            Files.writeString(log, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return true;
        } catch (IOException | RuntimeException e) {
            err.println("workspace-sync hook-run: cannot write the error log " + log + " ("
                    + reason(e)
                    + "; pass --error-log FILE to write it elsewhere). The failure was: "
                    + message.replace('\n', ' '));
            err.flush();
            return false;
        }
    }

    private static String reason(Exception e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "its directory does not exist";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
