package dev.workspacesync.examples.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.SyncPlan;
import dev.workspacesync.core.testing.InMemorySource;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {
    private static SyncPlan planOf(int files) {
        InMemorySource source = new InMemorySource("p");
        for (int i = 0; i < files; i++) {
            source.put("f" + i, "x");
        }
        var snapshot = source.snapshot();
        List<dev.workspacesync.core.Change> changes = new ArrayList<>();
        snapshot.entries().forEach(e -> changes.add(dev.workspacesync.core.Change.add(e)));
        return SyncPlan.of("dest", changes, 0);
    }

    @Test
    void aTerminalGetsOneBarRedrawnInPlaceWithRateAndEta() {
        StringWriter out = new StringWriter();
        AtomicLong now = new AtomicLong();
        ProgressPrinter printer = new ProgressPrinter(new PrintWriter(out), true, now::get);
        printer.planned("dest", planOf(4));
        for (int i = 0; i < 4; i++) {
            now.addAndGet(500_000_000L); // a file every half second
            printer.transferred("dest", SyncPath.of("f" + i), 1);
        }
        assertThat(out.toString())
                .contains("Plan for dest: 4 to add")
                .contains("\r[#######                       ] 1/4 files, 1 B of 4 B, 2.0 files/s, 2 B/s, ETA 0:02")
                .contains("\r[###############               ] 2/4 files, 2 B of 4 B, 2.0 files/s, 2 B/s, ETA 0:01")
                .endsWith("\r[##############################] 4/4 files, 4 B of 4 B, 2.0 files/s, 2 B/s, in 0:02"
                        // one blank over the longer "ETA 0:01" it replaces
                        + " " + System.lineSeparator());
    }

    @Test
    void aLogGetsALinePerTenthNotPerFile() {
        StringWriter out = new StringWriter();
        AtomicLong now = new AtomicLong();
        ProgressPrinter printer = new ProgressPrinter(new PrintWriter(out), false, now::get);
        printer.planned("dest", planOf(1000));
        for (int i = 0; i < 1000; i++) {
            now.addAndGet(10_000_000L); // 100 files/s
            printer.transferred("dest", SyncPath.of("f" + i), 1);
        }
        assertThat(out.toString().lines().filter(l -> l.contains("files (")).count())
                .isEqualTo(10);
        assertThat(out.toString())
                .doesNotContain("\r")
                .contains("  100/1000 files (10%), 100 B of 1000 B, 100 files/s, 100 B/s, ETA 0:09")
                .contains("1000/1000 files (100%), 1000 B of 1000 B, 100 files/s, 100 B/s, in 0:10");
    }

    @Test
    void sizesAndTimesReadLikeOtherTools() {
        assertThat(ProgressPrinter.size(0)).isEqualTo("0 B");
        assertThat(ProgressPrinter.size(1023)).isEqualTo("1023 B");
        assertThat(ProgressPrinter.size(1536)).isEqualTo("1.5 KiB");
        assertThat(ProgressPrinter.size(5L << 30)).isEqualTo("5.0 GiB");
        assertThat(ProgressPrinter.size(Long.MAX_VALUE)).isEqualTo("8.0 EiB");
        assertThat(ProgressPrinter.clock(7)).isEqualTo("0:07");
        assertThat(ProgressPrinter.clock(750)).isEqualTo("12:30");
        assertThat(ProgressPrinter.clock(3723)).isEqualTo("1:02:03");
    }
}
