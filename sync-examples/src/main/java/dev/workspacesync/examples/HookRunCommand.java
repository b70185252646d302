package dev.workspacesync.examples;

import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.Redactor;
import dev.workspacesync.core.SyncException;
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
 * {@code hook-run}: what the post-commit hook runs. Syncs the repository's committed tree to
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

    @Option(names = "--repo", description = "The repository (default: the current directory).")
    private Path repo;

    @Option(names = "--error-log", description = "Where failures are appended (default: ~/.sync-errors.log).")
    private Path errorLog;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Extra settings, e.g. databricks.profile=dev.")
    private Map<String, String> sets = new LinkedHashMap<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path root = (repo == null ? Path.of("") : repo).toAbsolutePath().normalize();
        Path log = errorLog != null ? errorLog : InstallHookCommand.home(parent).resolve(".sync-errors.log");
        AtomicReference<Redactor> redactor = new AtomicReference<>(Redactor.none());
        try {
            if (!Files.isDirectory(root.resolve(".git"))) {
                throw new SyncException(root + " is not the top of a git repository");
            }
            boolean ran = new RepoLock(root.resolve(".git/workspace-sync")).runCoalesced(() -> {
                SyncReport report = syncOnce(root, redactor);
                if (report.succeeded()) {
                    report.destinations().forEach(d -> out.println("✓ Synced to " + d.target()));
                } else {
                    record(log, root, report.message());
                    out.println("✗ Sync failed; see " + log);
                }
                out.flush();
            });
            if (!ran) {
                out.println("A sync of " + root + " is already running; it will include this commit.");
            }
        } catch (IOException | RuntimeException e) {
            record(log, root, redactor.get().redact(String.valueOf(e.getMessage())));
            out.println("✗ Sync failed; see " + log);
        }
        return WorkspaceSync.OK;
    }

    private SyncReport syncOnce(Path root, AtomicReference<Redactor> redactor) {
        ProviderRegistry registry = ProviderRegistry.discover();
        List<SettingKey> keys = new ArrayList<>();
        registry.source("local").ifPresent(p -> keys.addAll(p.settings()));
        registry.destination("databricks").ifPresent(p -> keys.addAll(p.settings()));
        SyncSettings settings = SyncSettings.of(sets)
                .orElse(SyncSettings.of(Map.of(
                        "local.path", root.toString(),
                        "local.mode", "committed",
                        "databricks.project", root.getFileName().toString())))
                .orElse(SettingsResolver.fromEnvironment(parent.environment(), keys));
        redactor.set(Redactor.of(settings.secrets()));
        try (SyncPipeline pipeline = SyncPipeline.builder()
                .source(registry.createSource("local", settings))
                .destination(registry.createDestination("databricks", settings))
                .secrets(settings.secrets())
                .build()) {
            return pipeline.run();
        }
    }

    private static void record(Path log, Path repo, String message) {
        String line = Instant.now() + " " + repo + ": " + message.replace('\n', ' ') + System.lineSeparator();
        try {
            Files.writeString(log, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("Cannot write " + log + ": " + e.getMessage());
        }
    }
}
