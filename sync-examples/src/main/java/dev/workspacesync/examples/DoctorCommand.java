package dev.workspacesync.examples;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspacesync.core.Check;
import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.Redactor;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.spi.Destination;
import dev.workspacesync.core.spi.Source;
import dev.workspacesync.examples.internal.Invocation;
import dev.workspacesync.examples.internal.ProviderChoice;
import dev.workspacesync.examples.internal.ReportJson;
import dev.workspacesync.examples.internal.SettingsResolver;
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

/**
 * {@code doctor} (alias {@code check}): asks the configured source and destinations whether a sync could
 * work (server reached, credentials accepted, target readable or writable) without writing anything, and
 * prints one line per check with what to do when it fails. Settings are resolved exactly as {@code run}
 * resolves them. Exit 0 when every check passed (warnings included), 1 when one failed, 2 for settings
 * errors (also one only a check finds, such as a Databricks client without a host: then listed as a
 * failed check too).
 */
@Command(
        name = "doctor",
        aliases = "check",
        description = "Check the source and destinations without changing anything: reachability, credentials,"
                + " permissions (read-only: whoami, list the root, ls-remote).%n"
                + "Settings as for run. Exit 0 all passed, 1 a check failed, 2 settings error.",
        sortOptions = false)
final class DoctorCommand implements Callable<Integer>, WorkspaceSync.Redacting {
    @ParentCommand
    private WorkspaceSync parent;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ProviderChoice choice = new ProviderChoice();

    @Option(names = "--json", description = "Print one JSON object with every check.")
    private boolean json;

    private Redactor redactor = Redactor.none();
    private boolean settingsProblem;

    @Override
    public Redactor redactor() {
        return redactor;
    }

    /** One check of one configured adapter. */
    private record Line(String role, Check check) {}

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ProviderRegistry registry = ProviderRegistry.discover();
        SyncSettings settings;
        SettingsResolver.Selection selection;
        try {
            SettingsResolver resolver = choice.load(parent.environment(), InstallHookCommand.home(parent));
            selection = choice.choose(resolver);
            if (selection == null) {
                throw new SyncConfigException("Name what to check: --source TYPE and/or --destination TYPE (or"
                        + " source=/destination= in "
                        + String.join(
                                " or ",
                                resolver.looked().stream().map(Path::toString).toList()) + ")");
            }
            Invocation invocation = Invocation.prepare(resolver, selection, registry);
            invocation.warnings().forEach(w -> spec.commandLine().getErr().println("Warning: " + w));
            settings = invocation.settings();
        } catch (SyncConfigException e) {
            return usage(e);
        }
        redactor = Redactor.of(settings.secrets());

        List<Line> lines = new ArrayList<>();
        List<Secret> secrets = new ArrayList<>(settings.secrets());
        List<AutoCloseable> opened = new ArrayList<>();
        SyncSettings resolved = settings;
        try {
            // Each adapter is made inside its own check: one that cannot even be made (no Databricks host)
            // is a failed line among the others, not the end of the report.
            if (selection.source() != null) {
                run(
                        "source",
                        selection.source(),
                        () -> {
                            Source s = registry.createSource(selection.source(), resolved);
                            opened.add(s::close);
                            secrets.addAll(s.secrets());
                            redactor = Redactor.of(secrets);
                            return s.check();
                        },
                        lines);
            }
            for (String type : selection.destinations()) {
                run(
                        "destination",
                        type,
                        () -> {
                            Destination d = registry.createDestination(type, resolved);
                            opened.add(d::close);
                            secrets.addAll(d.secrets());
                            redactor = Redactor.of(secrets);
                            return d.check();
                        },
                        lines);
            }
        } finally {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception e) {
                    // a check's adapter that cannot close has nothing left to report
                }
            }
        }
        boolean ok = lines.stream().allMatch(l -> l.check().ok());
        if (json) {
            ObjectNode root = ReportJson.MAPPER.createObjectNode();
            root.put("ok", ok);
            ArrayNode array = root.putArray("checks");
            for (Line line : lines) {
                Check c = line.check();
                ObjectNode node = array.addObject();
                node.put("role", line.role());
                node.put("name", c.name());
                node.put("status", c.status().name());
                node.put("ok", c.ok());
                node.put("detail", c.detail());
                node.put("remedy", c.remedy());
            }
            out.println(root.toString());
        } else if (parent.verbosity().quiet()) {
            // -q, as for run: nothing when every check passed, else the failed checks on standard error.
            if (!ok) {
                PrintWriter err = spec.commandLine().getErr();
                lines.stream().filter(l -> !l.check().ok()).forEach(l -> err.println(format(l.check())));
                err.println(summary(lines));
            }
        } else {
            lines.forEach(line -> out.println(format(line.check())));
            out.println(summary(lines));
        }
        if (settingsProblem) {
            return WorkspaceSync.USAGE;
        }
        return ok ? WorkspaceSync.OK : WorkspaceSync.FAILED;
    }

    private static String summary(List<Line> lines) {
        long failed = lines.stream().filter(l -> !l.check().ok()).count();
        long warnings = lines.stream()
                .filter(l -> l.check().status() == Check.Status.WARNING)
                .count();
        return failed == 0
                ? "All " + lines.size() + " checks passed" + (warnings == 0 ? "" : " (" + warnings + " to note)")
                        + "; nothing was changed."
                : failed + " of " + lines.size() + " checks failed; nothing was changed.";
    }

    /** Runs one adapter's checks; whatever it throws (it should not) becomes a failed check. */
    private void run(String role, String type, java.util.function.Supplier<List<Check>> checks, List<Line> lines) {
        List<Check> found;
        try {
            found = checks.get();
        } catch (SyncConfigException e) {
            // Listed with the others, so the output stays one line per check; the exit code says settings.
            settingsProblem = true;
            found = List.of(Check.failed(
                    type, String.valueOf(e.getMessage()), "fix the settings (workspace-sync providers lists them)"));
        } catch (RuntimeException e) {
            String message = e instanceof dev.workspacesync.core.SyncException
                    ? String.valueOf(e.getMessage())
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
            found = List.of(Check.failed(type, message, "run 'workspace-sync run --dry-run' for the full error"));
        }
        // Last guards: checks should hold no secret and no control character (a server's words may be in
        // them), and neither may reach the screen.
        found.forEach(c -> {
            Check clean = c.redacted(redactor);
            lines.add(new Line(
                    role,
                    new Check(clean.name(), clean.status(), printable(clean.detail()), printable(clean.remedy()))));
        });
    }

    private static String printable(String text) {
        return text.replaceAll("\\p{Cntrl}", "?");
    }

    /** {@code ✓ git: reached … (…)}, or {@code ✗ databricks: … — what to do}. */
    static String format(Check check) {
        String mark = switch (check.status()) {
            case PASSED -> "✓";
            case WARNING -> "!";
            case FAILED -> "✗";
        };
        return mark + " " + check.name() + ": " + check.detail()
                + (check.remedy().isEmpty() ? "" : " — " + check.remedy());
    }

    private int usage(SyncConfigException e) {
        String message = redactor.redact(e.getMessage());
        if (json) {
            ObjectNode root = ReportJson.MAPPER.createObjectNode();
            root.put("ok", false);
            root.put("error", message);
            root.putArray("checks");
            spec.commandLine().getOut().println(root.toString());
        } else {
            PrintWriter err = spec.commandLine().getErr();
            err.println(message);
            err.println("Run 'workspace-sync providers' to see every setting.");
        }
        return WorkspaceSync.USAGE;
    }
}
