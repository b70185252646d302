package dev.workspacesync.examples.internal;

import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SyncListener;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.SyncPlan;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shows a run's progress: a bar redrawn in place on a terminal, plain lines otherwise (a log, a CI
 * job). Writes to the error stream so standard output stays for the result.
 */
public final class ProgressPrinter implements SyncListener {
    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final boolean terminal;
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private volatile int total;
    private volatile int lastShown = -1;

    public ProgressPrinter(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void snapshotTaken(Snapshot snapshot) {
        line("Source: " + snapshot.source() + " (" + snapshot.size() + " files"
                + snapshot.revision().map(r -> ", revision " + r).orElse("") + ")");
    }

    @Override
    public void planned(String destination, SyncPlan plan) {
        line("Plan for " + destination + ": " + plan.summary());
        total = plan.changes().size();
        done.set(0);
        bytes.set(0);
        lastShown = -1;
    }

    @Override
    public void transferred(String destination, SyncPath path, long size) {
        int n = done.incrementAndGet();
        long b = bytes.addAndGet(size);
        int of = Math.max(total, n);
        int percent = (int) (100L * n / of);
        if (terminal) {
            int filled = WIDTH * n / of;
            synchronized (out) {
                out.print("\r[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + n + "/" + of + " files, " + b
                        + " bytes");
                if (n == of) {
                    out.println();
                }
                out.flush();
            }
        } else if (percent / 10 != lastShown / 10 || n == of) {
            // Plain output: a line per tenth, not per file.
            lastShown = percent;
            line("  " + n + "/" + of + " files (" + percent + "%), " + b + " bytes");
        }
    }

    private void line(String text) {
        synchronized (out) {
            out.println(text);
            out.flush();
        }
    }
}
