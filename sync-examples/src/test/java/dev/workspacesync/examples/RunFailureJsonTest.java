package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code run --json} prints its one object also when something unexpected (a bug, an Error) ends the run. */
class RunFailureJsonTest {
    private static final String TOKEN = "memory-secret-4242";

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"create", "error"})
    void anUnexpectedFailureIsOneRedactedJsonObjectAndExit1(String crash) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new WorkspaceSync(Map.of(), false)
                .execute(
                        new PrintWriter(out),
                        new PrintWriter(err),
                        "run",
                        "--source",
                        "memory",
                        "--destination",
                        "directory",
                        "--set",
                        "memory.files=a.txt=1",
                        "--set",
                        "memory.token=" + TOKEN,
                        "--set",
                        "memory.crash=" + crash,
                        "--set",
                        "directory.path=" + dir.resolve("mirror"),
                        "--json");
        assertThat(code).as(out + "\n" + err).isEqualTo(1);
        assertThat(out.toString().lines().count()).as(out.toString()).isEqualTo(1);
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertThat(json.get("status").asText()).isEqualTo("FAILED");
        assertThat(json.get("message").asText())
                .contains(crash.equals("error") ? "OutOfMemoryError" : "IllegalStateException")
                .doesNotContain(TOKEN);
        assertThat(out + err.toString()).doesNotContain(TOKEN);
        assertThat(dir.resolve("mirror")).doesNotExist();
    }
}
