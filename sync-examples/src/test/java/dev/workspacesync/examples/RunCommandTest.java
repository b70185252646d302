package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.core.testing.CapturedOutput;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
    private static final String TOKEN = "wm_tok_9f8e7d6c5b4a3210";

    @TempDir
    Path dir;

    /** What one invocation printed, and its exit code. */
    record Result(int code, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }
    }

    private Result cli(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new WorkspaceSync(env, false).execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    private String[] run(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "run",
                "--source",
                "memory",
                "--destination",
                "directory",
                "--set",
                "directory.path=" + dir.resolve("mirror"),
                "--set",
                "directory.state-dir=" + dir.resolve("state")));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @Test
    void jsonOutputIsExactlyOneObjectWithTheDocumentedFields() throws Exception {
        Result first = cli(Map.of(), run("--set", "memory.files=a.txt=1;b/c.txt=22", "--json"));
        assertThat(first.code()).isEqualTo(WorkspaceSync.OK);
        JsonNode json = first.json();
        assertThat(json.get("status").asText()).isEqualTo("SYNCED");
        assertThat(json.get("durationMs").isNumber()).isTrue();
        assertThat(json.get("message").asText()).contains("memory:test");
        JsonNode d = json.get("destinations").get(0);
        assertThat(d.get("type").asText()).isEqualTo("directory");
        assertThat(d.get("target").asText()).isEqualTo("directory:" + dir.resolve("mirror"));
        assertThat(List.of(
                        d.get("added").asInt(),
                        d.get("updated").asInt(),
                        d.get("deleted").asInt()))
                .containsExactly(2, 0, 0);
        assertThat(d.get("bytes").asLong()).isEqualTo(3);
        assertThat(d.get("status").asText()).isEqualTo("SYNCED");
        assertThat(first.out().strip().lines()).hasSize(1);
        assertThat(Files.readString(dir.resolve("mirror/b/c.txt"))).isEqualTo("22");

        Result second = cli(Map.of(), run("--set", "memory.files=a.txt=1;b/c.txt=22", "--json"));
        assertThat(second.code()).isEqualTo(WorkspaceSync.OK);
        assertThat(second.json().get("status").asText()).isEqualTo("NO_CHANGES");
    }

    @Test
    void humanOutputShowsProgressOnStderrAndASummaryOnStdout() {
        Result result = cli(Map.of(), run("--set", "memory.files=a.txt=1;b.txt=2"));
        assertThat(result.code()).isZero();
        assertThat(result.out()).startsWith("SYNCED in ").contains("SYNCED  directory:");
        assertThat(result.err()).contains("Plan for directory:").contains("2/2 files (100%)");
    }

    @Test
    void everyBadKeyIsNamedAndTheExitCodeIsTwo() throws Exception {
        Result result = cli(
                Map.of(),
                "run",
                "--source",
                "memory",
                "--destination",
                "directory",
                "--set",
                "memory.count=many",
                "--set",
                "memory.fail=maybe",
                "--json");
        assertThat(result.code()).isEqualTo(WorkspaceSync.USAGE);
        String message = result.json().get("message").asText();
        assertThat(message)
                .contains("Setting 'memory.count' has value 'many', which is not a whole number")
                .contains("Setting 'memory.fail' has value 'maybe', which is not true or false")
                .contains("Missing required setting 'directory.path'");
    }

    @Test
    void unknownTypesAndBadUsageAreExitCodeTwo() {
        Result unknown = cli(Map.of(), "run", "--source", "nope", "--destination", "gti");
        assertThat(unknown.code()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(unknown.err())
                .containsPattern("Unknown source type 'nope' \\(from --source\\); known: \\[.*memory.*]")
                .containsPattern(
                        "Unknown destination type 'gti' \\(from --destination\\); known: \\[.*directory.*]; did you mean 'git'\\?");
        assertThat(cli(Map.of(), "run", "--source").code()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(cli(Map.of(), "frobnicate").code()).isEqualTo(WorkspaceSync.USAGE);
    }

    @Test
    void anEmptyPullIsRefusedWithExitCodeThreeUnlessForced() throws Exception {
        assertThat(cli(Map.of(), run("--set", "memory.files=a=1;b=2")).code()).isZero();
        Result refused = cli(Map.of(), run("--json"));
        assertThat(refused.code()).isEqualTo(WorkspaceSync.REFUSED);
        assertThat(refused.json().get("status").asText()).isEqualTo("REFUSED");
        assertThat(Files.exists(dir.resolve("mirror/a"))).isTrue();

        Result dry = cli(Map.of(), run("--json", "--dry-run", "--force-deletes"));
        assertThat(dry.code()).isZero();
        assertThat(dry.json().get("destinations").get(0).get("deleted").asInt()).isEqualTo(2);
        assertThat(Files.exists(dir.resolve("mirror/a"))).isTrue();

        assertThat(cli(Map.of(), run("--force-deletes")).code()).isZero();
        assertThat(Files.exists(dir.resolve("mirror/a"))).isFalse();
    }

    @Test
    void aFailedSyncIsExitCodeOneAndNeverShowsTheToken() throws Exception {
        try (CapturedOutput logs = new CapturedOutput()) {
            Result failed =
                    cli(Map.of("WORKSPACE_SYNC_MEMORY_TOKEN", TOKEN), run("--set", "memory.fail=true", "--json"));
            assertThat(failed.code()).isEqualTo(WorkspaceSync.FAILED);
            assertThat(failed.json().get("message").asText()).contains("HTTP 401 for token ****");
            Result human = cli(Map.of(), run("--set", "memory.fail=true", "--set", "memory.token=" + TOKEN));
            assertThat(human.code()).isEqualTo(WorkspaceSync.FAILED);
            assertThat(failed.out() + failed.err() + human.out() + human.err() + logs.text())
                    .doesNotContain(TOKEN);
        }
    }

    @Test
    void setOverConfigOverEnvironment() throws Exception {
        Path config = dir.resolve("sync.properties");
        Files.writeString(config, "memory.name=from-config\nmemory.files=x=1\n");
        Map<String, String> env = Map.of(
                "WORKSPACE_SYNC_MEMORY_NAME", "from-env",
                "WORKSPACE_SYNC_MEMORY_FILES", "y=2",
                "WORKSPACE_SYNC_DIRECTORY_PATH", dir.resolve("mirror").toString());
        Result fromConfig = cli(env, run("--config", config.toString(), "--json"));
        assertThat(fromConfig.json().get("message").asText()).contains("memory:from-config");
        Result fromSet = cli(env, run("--config", config.toString(), "--set", "memory.name=from-set", "--json"));
        assertThat(fromSet.json().get("message").asText()).contains("memory:from-set");
        Result fromEnv = cli(env, run("--json"));
        assertThat(fromEnv.json().get("message").asText()).contains("memory:from-env");
    }

    @Test
    void providersListsEveryTypeWithItsSettings() throws Exception {
        Result text = cli(Map.of(), "providers");
        assertThat(text.code()).isZero();
        assertThat(text.out())
                .contains("Sources:")
                .contains("  memory: files given in the settings")
                .contains("      memory.token (secret) - a secret")
                .contains("      directory.path (required) - the directory to mirror into");
        JsonNode json =
                new ObjectMapper().readTree(cli(Map.of(), "providers", "--json").out());
        assertThat(json.get("destinations").findValuesAsText("type")).contains("directory");
        JsonNode memory = null;
        for (JsonNode source : json.get("sources")) {
            if (source.get("type").asText().equals("memory")) {
                memory = source;
            }
        }
        assertThat(memory).isNotNull();
        assertThat(memory.get("settings").get(2).get("key").asText()).isEqualTo("memory.token");
        assertThat(memory.get("settings").get(2).get("secret").asBoolean()).isTrue();
    }
}
