package dev.workspacesync.examples.internal;

import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SyncListener;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.SyncPlan;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Shows a run's progress: a bar redrawn in place on a terminal, plain lines otherwise (a log, a CI
 * job), each with the rate (files/s, bytes/s) and the time left, estimated from the bytes still to send
 * (from the files, for a plan of empty files). Writes to the error stream so standard output stays for
 * the result.
 */
public final class ProgressPrinter implements SyncListener {
    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final boolean terminal;
    private final LongSupplier nanoClock;
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private volatile int total;
    private volatile long totalBytes;
    private volatile long startedNanos;
    private volatile int lastShown = -1;
    private int lastWidth;

    public ProgressPrinter(PrintWriter out, boolean terminal) {
        this(out, terminal, System::nanoTime);
    }

    /** A printer timing with {@code nanoClock} (tests pass a fake one). */
    public ProgressPrinter(PrintWriter out, boolean terminal, LongSupplier nanoClock) {
        this.out = out;
        this.terminal = terminal;
        this.nanoClock = nanoClock;
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
        totalBytes = plan.bytes();
        done.set(0);
        bytes.set(0);
        lastShown = -1;
        startedNanos = nanoClock.getAsLong();
    }

    @Override
    public void transferred(String destination, SyncPath path, long size) {
        int n = done.incrementAndGet();
        long b = bytes.addAndGet(size);
        int of = Math.max(total, n);
        int percent = (int) (100L * n / of);
        String rate = rate(n, of, b, nanoClock.getAsLong() - startedNanos);
        if (terminal) {
            int filled = WIDTH * n / of;
            synchronized (out) {
                String text =
                        "[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + n + "/" + of + " files, " + rate;
                // Blank what a longer previous line left behind.
                out.print("\r" + text + " ".repeat(Math.max(0, lastWidth - text.length())));
                lastWidth = text.length();
                if (n == of) {
                    out.println();
                    lastWidth = 0;
                }
                out.flush();
            }
        } else if (percent / 10 != lastShown / 10 || n == of) {
            // Plain output: a line per tenth, not per file.
            lastShown = percent;
            line("  " + n + "/" + of + " files (" + percent + "%), " + rate);
        }
    }

    /** "1.5 KiB of 4.0 KiB, 12 files/s, 3.0 KiB/s, ETA 0:01", or "… in 0:02" once done. */
    private String rate(int n, int of, long b, long elapsedNanos) {
        double seconds = Math.max(elapsedNanos, 1) / 1e9;
        long ofBytes = Math.max(totalBytes, b);
        String text = size(b) + " of " + size(ofBytes) + ", " + number(n / seconds) + " files/s, "
                + size((long) (b / seconds)) + "/s";
        if (n >= of) {
            return text + ", in " + clock(seconds);
        }
        double left = ofBytes > 0 && b > 0 ? (ofBytes - b) * seconds / b : (of - n) * seconds / n;
        return text + ", ETA " + clock(left);
    }

    /** Bytes with binary units: "512 B", "1.5 KiB", "3.2 GiB". */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    private static String number(double value) {
        return value < 10 ? String.format(Locale.ROOT, "%.1f", value) : String.valueOf(Math.round(value));
    }

    /** "0:07", "12:30", "1:02:03". */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private void line(String text) {
        synchronized (out) {
            out.println(text);
            out.flush();
        }
    }
}
