package dev.workspacesync.examples;

import dev.workspacesync.core.Redactor;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.examples.internal.Logging;
import dev.workspacesync.examples.internal.Verbosity;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ScopeType;

/**
 * The {@code workspace-sync} command line: {@code run}, {@code providers}, {@code demo}, and the
 * long-running jobs built on the library. Exit codes: 0 synced or nothing to do, 1 the sync failed,
 * 2 usage or settings error (every bad key named), 3 a guard refused the plan, 4 incomplete (some files
 * were skipped and listed; the rest landed).
 *
 * <p>Every subcommand, present and future, inherits {@code -h/--help}, {@code -V/--version} and {@link
 * Verbosity}'s {@code -v/-q} from here ({@code scope = INHERIT}): help works even when required options
 * are missing.
 */
@Command(
        name = "workspace-sync",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = WorkspaceSync.Version.class,
        description = "Keeps copies of your work safe: syncs a source (Windmill, a local project) into destinations"
                + " (git, Databricks, a directory).",
        subcommands = {
            RunCommand.class,
            ProvidersCommand.class,
            DemoCommand.class,
            ServeCommand.class,
            InstallHookCommand.class,
            HookRunCommand.class,
            DoctorCommand.class,
            CompletionCommand.class,
            CommandLine.HelpCommand.class
        })
public final class WorkspaceSync {
    /** Synced, or nothing to do. */
    public static final int OK = 0;
    /** The sync failed. */
    public static final int FAILED = 1;
    /** Bad usage or settings. */
    public static final int USAGE = 2;
    /** A guard refused the plan; nothing was changed. */
    public static final int REFUSED = 3;
    /** Incomplete: some files could not be carried (each listed); everything else landed. */
    public static final int INCOMPLETE = 4;

    private final Map<String, String> environment;
    private final boolean terminal;

    @CommandLine.Option(
            names = "--log-format",
            paramLabel = "FORMAT",
            scope = CommandLine.ScopeType.INHERIT,
            converter = LogFormat.class,
            description = "Log lines on standard error as text or json (one object per line)" + " (default: "
                    + Logging.FORMAT_VARIABLE + ", else text).")
    private Logging.Format logFormat;

    @Mixin
    private Verbosity verbosity = new Verbosity();

    /** A command line reading this environment; {@code terminal} turns on the redrawn progress bar. */
    public WorkspaceSync(Map<String, String> environment, boolean terminal) {
        this.environment = Map.copyOf(environment);
        this.terminal = terminal;
    }

    public static void main(String[] args) {
        PrintWriter stdout = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        if (printVersion(stdout, args)) {
            System.exit(OK);
        }
        int code = new WorkspaceSync(System.getenv(), System.console() != null)
                .execute(stdout, new PrintWriter(System.err, true, StandardCharsets.UTF_8), args);
        System.exit(code);
    }

    /**
     * Answers a lone {@code --version}/{@code -V} as picocli would, before it builds the model of every
     * subcommand and Logging starts Logback: those were most of the time a script probing the version waited.
     */
    static boolean printVersion(PrintWriter out, String... args) {
        if (args.length != 1 || !(args[0].equals("--version") || args[0].equals("-V"))) {
            return false;
        }
        for (String line : new Version().getVersion()) {
            out.println(line);
        }
        out.flush();
        return true;
    }

    Map<String, String> environment() {
        return environment;
    }

    boolean terminal() {
        return terminal;
    }

    /** -v/-q as given on the root or any subcommand. */
    Verbosity verbosity() {
        return verbosity;
    }

    /** Runs a command line and returns its exit code; output goes to {@code out}, diagnostics to {@code err}. */
    public int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine line = new CommandLine(this);
        line.setOut(out);
        line.setErr(err);
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            Redactor redactor = cmd.getCommand() instanceof Redacting r ? r.redactor() : Redactor.none();
            if (e instanceof SyncConfigException) {
                cmd.getErr().println(redactor.redact(e.getMessage()));
                return USAGE;
            }
            cmd.getErr().println("workspace-sync failed: " + redactor.redact(String.valueOf(e.getMessage())));
            return FAILED;
        });
        // A mistyped option: the error and what to run next, as git and rclone put it, not 40 lines of
        // usage burying the one that matters. No command at all still shows the root's usage.
        line.setParameterExceptionHandler((e, given) -> {
            CommandLine cmd = e.getCommandLine();
            PrintWriter errors = cmd.getErr();
            errors.println(e.getMessage());
            if (cmd.getParent() == null && given.length == 0) {
                cmd.usage(errors);
            } else {
                CommandLine.UnmatchedArgumentException.printSuggestions(e, errors);
                errors.println("See '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
            }
            return USAGE;
        });
        // Logging is set up once the options are known and before any command runs (and logs): the
        // format, then the level of -q/-v/-vv.
        Runnable[] restoreLogLevel = {() -> {}};
        line.setExecutionStrategy(parsed -> {
            try {
                Logging.configure(environment, logFormat);
                restoreLogLevel[0] = verbosity.apply();
            } catch (SyncConfigException e) {
                parsed.commandSpec().commandLine().getErr().println(e.getMessage());
                return USAGE;
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        try {
            return line.execute(args);
        } finally {
            restoreLogLevel[0].run();
            out.flush();
            err.flush();
        }
    }

    /** A command that knows the secrets it was given, so error output can be scrubbed. */
    interface Redacting {
        Redactor redactor();
    }

    /** {@code --log-format text|json}, case-insensitively. */
    static final class LogFormat implements CommandLine.ITypeConverter<Logging.Format> {
        @Override
        public Logging.Format convert(String value) {
            try {
                return Logging.Format.parse("--log-format", value);
            } catch (SyncConfigException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Prints the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = WorkspaceSync.class.getPackage().getImplementationVersion();
            return new String[] {"workspace-sync " + (version == null ? "development build" : version)};
        }
    }
}
