package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VersionFastPathTest {

    @ParameterizedTest
    @ValueSource(strings = {"--version", "-V"})
    void printsWhatPicocliPrints(String option) {
        StringWriter fast = new StringWriter();
        assertThat(WorkspaceSync.printVersion(new PrintWriter(fast), option)).isTrue();

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new WorkspaceSync(Map.of(), false).execute(new PrintWriter(out), new PrintWriter(err), option);

        assertThat(code).isEqualTo(WorkspaceSync.OK);
        assertThat(err.toString()).isEmpty();
        assertThat(fast.toString()).isEqualTo(out.toString()).startsWith("workspace-sync ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"run --version", "--version run", "-Vq", "--versio", "version"})
    void leavesEverythingElseToPicocli(String line) {
        StringWriter out = new StringWriter();
        assertThat(WorkspaceSync.printVersion(new PrintWriter(out), line.split(" ")))
                .isFalse();
        assertThat(out.toString()).isEmpty();
    }
}
