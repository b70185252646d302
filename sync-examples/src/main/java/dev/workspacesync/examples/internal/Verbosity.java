package dev.workspacesync.examples.internal;

import dev.workspacesync.core.SyncConfigException;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code -v}/{@code --verbose} (repeatable) and {@code -q}/{@code --quiet}, declared once on the root
 * command and inherited by every subcommand, so {@code workspace-sync -v run …} and {@code workspace-sync
 * run -v …} mean the same. As in rclone: {@code -q} logs errors only, {@code -v} info, {@code -vv} debug;
 * commands use the level for their own output too ({@code run -q} prints nothing when the run succeeds).
 */
public final class Verbosity {
    @Option(
            names = {"-v", "--verbose"},
            arity = "0",
            scope = ScopeType.INHERIT,
            description = "More output: -v lists every file of a plan or refusal and logs info, -vv logs debug.")
    private boolean[] verbose = new boolean[0];

    @Option(
            names = {"-q", "--quiet"},
            scope = ScopeType.INHERIT,
            description = "Only errors: no progress, no summary when all went well (the exit code says so).")
    private boolean quiet;

    /** How many times -v was given. */
    public int level() {
        return verbose.length;
    }

    public boolean verbose() {
        return verbose.length > 0;
    }

    public boolean quiet() {
        return quiet;
    }

    /**
     * Checks the combination and sets the log level it asks for (nothing when neither was given, so a
     * level set by other means stays).
     *
     * @return what restores the previous level
     * @throws SyncConfigException when -q and -v are both given
     */
    public Runnable apply() {
        if (quiet && verbose.length > 0) {
            throw new SyncConfigException("-q/--quiet and -v/--verbose contradict each other; give one of them");
        }
        Logging.verbosity(quiet ? -1 : verbose.length);
        return () -> Logging.verbosity(0);
    }
}
