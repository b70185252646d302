package dev.workspacesync.examples.internal;

import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Takes SIGTERM and SIGINT away from the JVM's default (an immediate shutdown), so the service can drain
 * first and exit afterwards. A plain shutdown hook cannot do this: JVM shutdown hooks run concurrently,
 * and JGit's own hook ({@code org.eclipse.jgit.internal.util.ShutdownHook}) deletes every lock file it
 * holds and every half-made clone at once, under the feet of the sync still running ({@code Lock on
 * .../.git/index not held}). With the signal handled here, no shutdown hook runs until the drain is over
 * and the process calls {@link System#exit}.
 */
public final class TerminationSignals {
    private static final Logger LOG = LoggerFactory.getLogger(TerminationSignals.class);
    private static final List<String> SIGNALS = List.of("TERM", "INT");

    private TerminationSignals() {}

    /**
     * Calls {@code handler} with the signal's name ("SIGTERM") on each termination signal, instead of
     * shutting the JVM down. Returns false where the platform does not let a program handle them (the
     * JVM's default then applies).
     */
    public static boolean install(Consumer<String> handler) {
        boolean all = true;
        for (String name : SIGNALS) {
            try {
                Signal.handle(new Signal(name), signal -> handler.accept("SIG" + signal.getName()));
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                LOG.warn("Cannot handle SIG{} here ({}); it stops the service without draining", name, e.getMessage());
                all = false;
            }
        }
        return all;
    }
}
