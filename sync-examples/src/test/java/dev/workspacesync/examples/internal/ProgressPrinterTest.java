package dev.workspacesync.examples.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.SyncPlan;
import dev.workspacesync.core.testing.InMemorySource;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
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
    void aTerminalGetsOneBarRedrawnInPlace() {
        StringWriter out = new StringWriter();
        ProgressPrinter printer = new ProgressPrinter(new PrintWriter(out), true);
        printer.planned("dest", planOf(4));
        for (int i = 0; i < 4; i++) {
            printer.transferred("dest", SyncPath.of("f" + i), 1);
        }
        assertThat(out.toString())
                .contains("Plan for dest: 4 to add")
                .contains("\r[#######                       ] 1/4 files, 1 bytes")
                .endsWith("\r[##############################] 4/4 files, 4 bytes" + System.lineSeparator());
    }

    @Test
    void aLogGetsALinePerTenthNotPerFile() {
        StringWriter out = new StringWriter();
        ProgressPrinter printer = new ProgressPrinter(new PrintWriter(out), false);
        printer.planned("dest", planOf(1000));
        for (int i = 0; i < 1000; i++) {
            printer.transferred("dest", SyncPath.of("f" + i), 1);
        }
        assertThat(out.toString().lines().filter(l -> l.contains("files (")).count())
                .isEqualTo(10);
        assertThat(out.toString()).doesNotContain("\r").contains("1000/1000 files (100%), 1000 bytes");
    }
}
