package dev.workspacesync.examples;

import dev.workspacesync.core.Change;
import dev.workspacesync.core.DeletionGuard;
import dev.workspacesync.core.DestinationReport;
import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.Redactor;
import dev.workspacesync.core.Skipped;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncPipeline;
import dev.workspacesync.core.SyncPlan;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.SyncStatus;
import dev.workspacesync.core.spi.Destination;
import dev.workspacesync.core.spi.Source;
import dev.workspacesync.examples.internal.BackupService;
import dev.workspacesync.examples.internal.Invocation;
import dev.workspacesync.examples.internal.Logging;
import dev.workspacesync.examples.internal.PlanListing;
import dev.workspacesync.examples.internal.ProgressPrinter;
import dev.workspacesync.examples.internal.ProviderChoice;
import dev.workspacesync.examples.internal.ReportJson;
import dev.workspacesync.examples.internal.SettingsResolver;
import dev.workspacesync.examples.internal.Target;
import dev.workspacesync.examples.internal.TargetPipelines;
import dev.workspacesync.examples.internal.TargetsFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code run}: one sync from any discovered source to any discovered destinations. */
@Command(
        name = "run",
        description = "Sync a source to one or more destinations once.%n"
                + "Settings: --set over the config file(s) over the environment (WORKSPACE_SYNC_<KEY>, and"
                + " WINDMILL_*, GIT_* seed names; DATABRICKS_* is read by the SDK) over defaults.%n"
                + "Config files: --config FILE; without it, ./workspace-sync.properties over"
                + " $XDG_CONFIG_HOME/workspace-sync/config.properties (default ~/.config), both read when both exist,"
                + " a key in the project file winning (like git's local over global config). A file may also set"
                + " source=TYPE and destination=TYPE[,TYPE...], used when --source/--destination are not given.%n"
                + "Unknown keys are refused in every channel (exit 2, with a did-you-mean); see where each value"
                + " comes from with 'workspace-sync providers --explain'.",
        sortOptions = false)
final class RunCommand implements Callable<Integer>, WorkspaceSync.Redacting {
    @ParentCommand
    private WorkspaceSync parent;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ProviderChoice choice = new ProviderChoice();

    @Option(names = "--dry-run", description = "Plan and report; change nothing.")
    private boolean dryRun;

    @Option(
            names = "--max-delete",
            paramLabel = "N|N%",
            description = "Refuse a plan deleting more than N files or N%% of a destination (default 50%%);"
                    + " one deleting every file is refused whatever the limit.")
    private String maxDelete;

    @Option(names = "--force-deletes", description = "Accept any deletion, even of every file.")
    private boolean forceDeletes;

    @Option(names = "--json", description = "Print exactly one JSON object with the result.")
    private boolean json;

    @Option(
            names = "--target",
            paramLabel = "NAME",
            description = "Run one target of a targets file (its source, destinations, settings and timeout),"
                    + " instead of --source/--destination/--set/--config.")
    private String target;

    @Option(
            names = "--targets",
            paramLabel = "FILE",
            description = "The targets file of --target (default: ./" + TargetsFile.PROJECT_FILE
                    + ", else ~/.config/workspace-sync/targets.yaml).")
    private Path targetsFile;

    private Redactor redactor = Redactor.none();

    @Override
    public Redactor redactor() {
        return redactor;
    }

    @Override
    public Integer call() {
        try {
            return runOnce();
        } catch (RuntimeException | Error e) {
            return failed(e);
        }
    }

    /**
     * Whatever escaped the run (a bug, an Error such as OutOfMemoryError) still ends in one redacted line,
     * and with {@code --json} in the one JSON object, so a caller never has to parse nothing.
     */
    private int failed(Throwable thrown) {
        Throwable e = thrown instanceof java.util.concurrent.CompletionException && thrown.getCause() != null
                ? thrown.getCause()
                : thrown;
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (e instanceof SyncConfigException config) {
            return usage(out, err, config);
        }
        String message = redactor.redact(
                e instanceof dev.workspacesync.core.SyncException
                        ? String.valueOf(e.getMessage())
                        : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        if (json) {
            out.println(ReportJson.error("FAILED", message).toString());
            out.flush();
        }
        err.println("workspace-sync failed: " + message);
        err.flush();
        return WorkspaceSync.FAILED;
    }

    private int runOnce() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DeletionGuard guard;
        try {
            guard = forceDeletes
                    ? DeletionGuard.force()
                    : maxDelete == null ? DeletionGuard.defaults() : DeletionGuard.parse("--max-delete", maxDelete);
        } catch (SyncConfigException e) {
            return usage(out, err, e);
        }
        ProviderRegistry registry = ProviderRegistry.discover();
        if (target != null || targetsFile != null) {
            return runTarget(out, err, guard, registry);
        }
        Invocation invocation;
        SettingsResolver.Selection selection;
        try {
            SettingsResolver resolver = choice.load(parent.environment(), InstallHookCommand.home(parent));
            selection = choice.select(resolver, registry);
            invocation = Invocation.prepare(resolver, selection, registry);
        } catch (SyncConfigException e) {
            return usage(out, err, e);
        }
        invocation.warnings().forEach(w -> err.println("Warning: " + w));
        SyncSettings settings = invocation.settings();
        redactor = Redactor.of(settings.secrets());
        Source src;
        List<Destination> dsts = new ArrayList<>();
        try {
            src = registry.createSource(selection.source(), settings);
            for (String type : selection.destinations()) {
                dsts.add(registry.createDestination(type, settings));
            }
        } catch (SyncConfigException e) {
            dsts.forEach(Destination::close);
            return usage(out, err, e);
        }
        Logging.redact(src.secrets());
        dsts.forEach(d -> Logging.redact(d.secrets()));
        SyncPipeline.Builder builder = SyncPipeline.builder()
                .source(src)
                .destinations(dsts)
                .dryRun(dryRun)
                .deletionGuard(guard)
                .secrets(settings.secrets());
        // JSON logs are for a collector: no human progress lines among them on standard error.
        if (!json && !parent.verbosity().quiet() && Logging.format() != Logging.Format.JSON) {
            builder.listener(new ProgressPrinter(err, parent.terminal()));
        }
        SyncReport report;
        try (SyncPipeline pipeline = builder.build()) {
            report = pipeline.run();
        }
        if (json) {
            out.println(ReportJson.withPlans(report, redactor).toString());
        } else if (!parent.verbosity().quiet()) {
            printSummary(out, report, parent.verbosity().verbose(), redactor);
        } else if (!report.succeeded()) {
            // -q, like git and rclone: silent when all went well; what went wrong still goes to stderr.
            printSummary(err, report, false, redactor);
        }
        return exitCode(report);
    }

    /** {@code run --target NAME}: one target of a targets file, bounded by its timeout. */
    private int runTarget(PrintWriter out, PrintWriter err, DeletionGuard guard, ProviderRegistry registry) {
        Target chosen;
        try {
            if (target == null) {
                throw new SyncConfigException(
                        "--targets names a targets file; add --target NAME to run one of its" + " targets");
            }
            if (choice.given()) {
                throw new SyncConfigException("--target takes the source, destinations and settings from the targets"
                        + " file; drop --source, --destination, --set and --config");
            }
            Path file = targetsFile;
            if (file == null) {
                List<Path> candidates =
                        TargetsFile.candidates(Path.of(""), parent.environment(), InstallHookCommand.home(parent));
                file = candidates.stream()
                        .filter(java.nio.file.Files::isRegularFile)
                        .findFirst()
                        .orElseThrow(() -> new SyncConfigException("--target " + target
                                + ": no targets file; pass --targets FILE or create "
                                + String.join(
                                        " or ",
                                        candidates.stream().map(Path::toString).toList())));
            }
            chosen = TargetsFile.load(file, registry, parent.environment()).target(target);
        } catch (SyncConfigException e) {
            return usage(out, err, e);
        }
        redactor = Redactor.of(chosen.settings().secrets());
        SyncPipeline.Builder builder = SyncPipeline.builder().dryRun(dryRun).deletionGuard(guard);
        if (!json && !parent.verbosity().quiet() && Logging.format() != Logging.Format.JSON) {
            builder.listener(new ProgressPrinter(err, parent.terminal()));
        }
        SyncReport report;
        Target one = chosen;
        // The pipeline with this command's options (dry run, guard, progress), run as serve runs it:
        // stopped and reported failed past the target's timeout.
        BackupService.PipelineFactory factory = new BackupService.PipelineFactory() {
            @Override
            public String target(SyncSettings settings) {
                return one.name();
            }

            @Override
            public SyncPipeline create(SyncSettings settings) {
                return TargetPipelines.build(registry, one, List.of(), builder);
            }
        };
        try (BackupService service = new BackupService(factory, 1)) {
            service.configure(List.of(new BackupService.Configured(one.name(), one.timeout(), null)));
            report = service.sync(TargetPipelines.settingsOf(one));
        } catch (SyncConfigException e) {
            return usage(out, err, e);
        }
        if (json) {
            out.println(ReportJson.withPlans(report, redactor).toString());
        } else if (!parent.verbosity().quiet()) {
            printSummary(out, report, parent.verbosity().verbose(), redactor);
        } else if (!report.succeeded()) {
            printSummary(err, report, false, redactor);
        }
        return exitCode(report);
    }

    private int usage(PrintWriter out, PrintWriter err, SyncConfigException e) {
        String message = redactor.redact(e.getMessage());
        if (json) {
            out.println(ReportJson.error("FAILED", message).toString());
        } else {
            err.println(message);
            err.println("Run 'workspace-sync providers' to see every setting.");
        }
        return WorkspaceSync.USAGE;
    }

    static void printSummary(PrintWriter out, SyncReport report) {
        printSummary(out, report, false, Redactor.none());
    }

    /**
     * The human summary: a status line, a line per destination, under it the plan's files (a dry run: the
     * first {@value PlanListing#DEFAULT_LIMIT}, all with {@code verbose}; a real run: all with {@code
     * verbose}) or, for a refusal, how to accept it, then the files not synced.
     */
    static void printSummary(PrintWriter out, SyncReport report, boolean verbose, Redactor redactor) {
        out.println((report.dryRun() ? "Dry run " : "") + report.status() + " in "
                + report.duration().toMillis() + " ms: " + report.source()
                + (report.revision() == null ? "" : " @ " + report.revision()));
        for (DestinationReport d : report.destinations()) {
            out.println("  " + d.status() + "  " + d.target() + ": " + d.message());
            SyncPlan plan = d.plan();
            if (plan == null || d.status() == SyncStatus.FAILED) {
                continue;
            }
            if (d.status() == SyncStatus.REFUSED) {
                printRefusal(out, plan, verbose, redactor);
            } else if (report.dryRun() || verbose) {
                int limit = verbose ? Integer.MAX_VALUE : PlanListing.DEFAULT_LIMIT;
                PlanListing.lines(plan.changes(), limit, "    ", redactor).forEach(out::println);
            }
        }
        if (report.destinations().isEmpty()) {
            out.println("  " + report.message());
        }
        List<Skipped> skipped = report.skipped();
        if (!skipped.isEmpty()) {
            out.println("  Not synced (" + skipped.size() + "; rename or remove them, then run again):");
            // Paths and reasons are already escaped: a file name cannot break or forge a line here.
            skipped.forEach(s -> out.println("    " + s.path() + ": " + s.reason()));
        }
    }

    private static void printRefusal(PrintWriter out, SyncPlan plan, boolean verbose, Redactor redactor) {
        List<Change> deletes = plan.deletes();
        if (verbose) {
            PlanListing.lines(deletes, Integer.MAX_VALUE, "    ", redactor).forEach(out::println);
        }
        boolean everything = plan.existingFiles() > 0 && deletes.size() >= plan.existingFiles();
        out.println("    To accept it: "
                + (everything
                        ? "--force-deletes (the plan deletes every file)"
                        : "--max-delete " + deletes.size() + ", or --force-deletes")
                + (!verbose && deletes.size() > DeletionGuard.NAMED_IN_REFUSAL ? "; -v lists every file" : "")
                + ".");
    }

    static int exitCode(SyncReport report) {
        // A destination that found its settings wrong only when it ran (no token for the git remote the
        // server says needs one) is a usage error like any other settings problem.
        if (report.status() == dev.workspacesync.core.SyncStatus.FAILED
                && !report.destinations().isEmpty()
                && report.destinations().stream()
                        .filter(d -> d.status() == dev.workspacesync.core.SyncStatus.FAILED)
                        .allMatch(d -> d.cause() instanceof SyncConfigException)) {
            return WorkspaceSync.USAGE;
        }
        return switch (report.status()) {
            case SYNCED, NO_CHANGES -> WorkspaceSync.OK;
            case REFUSED -> WorkspaceSync.REFUSED;
            case INCOMPLETE -> WorkspaceSync.INCOMPLETE;
            case FAILED -> WorkspaceSync.FAILED;
        };
    }
}
