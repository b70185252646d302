package dev.workspacesync.examples.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetsFileTest {
    private static final String TOKEN = "memory-token-7d1e";
    private static final String FILE_TOKEN = "file-token-91aa";
    private static final ProviderRegistry REGISTRY = ProviderRegistry.discover();

    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("targets.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private String target(String name, String extra) {
        return """
                  - name: %s
                    source: memory
                    destinations: [directory]
                    settings:
                      memory.files: "a=1"
                      directory.path: %s
                      directory.state-dir: %s
                %s""".formatted(name, dir.resolve("out-" + name), dir.resolve("state"), extra);
    }

    @Test
    void readsEveryTargetWithReferencesScheduleTimeoutAndNotifications() throws Exception {
        Files.writeString(dir.resolve("token"), FILE_TOKEN + "\n");
        Path file = write("targets:\n"
                + target("one", "    schedule: \"*/5 * * * *\"\n    timeout: 10m\n")
                + target("two", "    notify:\n      slack: ${env:SLACK}\n      onSuccess: true\n")
                        .replace("      memory.files", "      memory.token: ${env:MEMORY_TOKEN}\n      memory.files")
                + target("three", "")
                        .replace("      memory.files", "      memory.token: ${file:token}\n      memory.files"));
        TargetsFile targets = TargetsFile.load(
                file, REGISTRY, Map.of("MEMORY_TOKEN", TOKEN, "SLACK", "https://hooks.slack.com/services/T/B/x"));

        assertThat(targets.targets()).extracting(Target::name).containsExactly("one", "two", "three");
        Target one = targets.target("one");
        assertThat(one.source()).isEqualTo("memory");
        assertThat(one.destinations()).containsExactly("directory");
        assertThat(one.schedule()).isEqualTo("*/5 * * * *");
        assertThat(one.timeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(one.settings().string("memory.name"))
                .as("defaults filled in")
                .isEqualTo("test");
        assertThat(targets.target("two")
                        .settings()
                        .secret("memory.token")
                        .orElseThrow()
                        .reveal())
                .isEqualTo(TOKEN);
        assertThat(targets.target("two").notifications().onSuccess()).isTrue();
        assertThat(targets.target("three")
                        .settings()
                        .secret("memory.token")
                        .orElseThrow()
                        .reveal())
                .as("a file's content without its trailing newline")
                .isEqualTo(FILE_TOKEN);
        assertThat(targets.target("two").settings().secrets())
                .extracting(s -> s.reveal())
                .contains(TOKEN);
        assertThatThrownBy(() -> targets.target("tow"))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("No target 'tow'")
                .hasMessageContaining("did you mean 'two'?");
    }

    @Test
    void refusesABadFileNamingEveryProblem() throws Exception {
        Path file = write("""
                allowInlineSecret: true
                targets:
                  - name: ok-but-inline
                    source: memory
                    destinations: [directory]
                    settings:
                      memory.token: %s
                      directory.path: /tmp/x
                  - name: typos
                    source: memroy
                    destination: [directory]
                  - name: keys
                    source: memory
                    destinations: [directroy, directory]
                  - name: settings
                    source: memory
                    destinations: directory
                    settings:
                      memory.fles: "a=1"
                      git.branch: main
                      memory.count: many
                      memory.token: ${env:NOT_SET_ANYWHERE}
                    schedule: "every hour"
                    timeout: soon
                    notify:
                      slak: https://hooks.slack.com/services/T/B/x
                      discord: https://discord.com/api/webhooks/1/inline-secret
                  - name: settings
                    source: memory
                    destinations: [directory]
                  - name: "bad name!"
                  - name: files
                    source: memory
                    destinations: [directory]
                    settings:
                      memory.token: ${file:missing-token}
                      directory.path: /tmp/y
                """.formatted(TOKEN));

        assertThatThrownBy(() -> TargetsFile.load(file, REGISTRY, Map.of()))
                .isInstanceOfSatisfying(SyncConfigException.class, e -> {
                    String all = String.join("\n", e.problems());
                    assertThat(e.problems())
                            .anySatisfy(p -> assertThat(p)
                                    .contains(file + ": unknown key 'allowInlineSecret'")
                                    .contains("did you mean 'allowInlineSecrets'?"))
                            .anySatisfy(p -> assertThat(p)
                                    .contains("target 'ok-but-inline': key 'settings.memory.token' is a secret"
                                            + " written in the file"))
                            .anySatisfy(p -> assertThat(p)
                                    .contains("target 'typos': key 'source' has value 'memroy'")
                                    .contains("did you mean 'memory'?"))
                            .anySatisfy(p -> assertThat(p)
                                    .contains("target 'typos': unknown key 'destination'")
                                    .contains("did you mean 'destinations'?"))
                            .anySatisfy(p -> assertThat(p)
                                    .contains("target 'keys': key 'destinations' has value 'directroy'")
                                    .contains("did you mean 'directory'?"))
                            .anySatisfy(p -> assertThat(p)
                                    .contains("target 'settings'")
                                    .contains("'memory.fles'")
                                    .contains("did you mean 'memory.files'?"))
                            .anySatisfy(p -> assertThat(p)
                                    .contains("target 'settings'")
                                    .contains("'git.branch'")
                                    .contains("belongs to git"))
                            .anySatisfy(p -> assertThat(p)
                                    .contains("target 'settings': key 'settings.memory.token': environment"
                                            + " variable NOT_SET_ANYWHERE is not set"))
                            .anySatisfy(p -> assertThat(p)
                                    .contains("target 'settings': key 'schedule' 'every hour' is not a cron"))
                            .anySatisfy(
                                    p -> assertThat(p).contains("target 'settings': key 'timeout' has value 'soon'"))
                            .anySatisfy(p -> assertThat(p)
                                    .contains("target 'settings': unknown key 'notify.slak'")
                                    .contains("did you mean 'notify.slack'?"))
                            .anySatisfy(p -> assertThat(p)
                                    .contains("target 'settings': key 'notify.discord' is a secret written in the"
                                            + " file"))
                            .anySatisfy(p -> assertThat(p)
                                    .contains("target #5: key 'name' has value 'settings', which an earlier target"
                                            + " has"))
                            .anySatisfy(p -> assertThat(p)
                                    .contains("target #6: key 'name' has value 'bad name!', which is not a name"))
                            .anySatisfy(p -> assertThat(p)
                                    .contains("target 'files': key 'settings.memory.token': cannot read file")
                                    .contains("missing-token"));
                    assertThat(all)
                            .as("no secret value in any message")
                            .doesNotContain(TOKEN)
                            .doesNotContain("inline-secret")
                            .doesNotContain("/services/T/B/x");
                    assertThat(all).as("a target needs a directory.path").contains("'directory.path'");
                });
    }

    @Test
    void inlineSecretsOnlyWhenTheOperatorInsists() throws Exception {
        String body = "targets:\n"
                + target("inline", "")
                        .replace("      memory.files", "      memory.token: " + TOKEN + "\n      memory.files");
        assertThatThrownBy(() -> TargetsFile.load(write(body), REGISTRY, Map.of()))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("allowInlineSecrets: true")
                .hasMessageNotContaining(TOKEN);
        TargetsFile allowed = TargetsFile.load(write("allowInlineSecrets: true\n" + body), REGISTRY, Map.of());
        assertThat(allowed.target("inline")
                        .settings()
                        .secret("memory.token")
                        .orElseThrow()
                        .reveal())
                .isEqualTo(TOKEN);
    }

    @Test
    void notYamlNamesTheLine() throws Exception {
        Path file = write("targets:\n  - name: a\n    name: b\n");
        assertThatThrownBy(() -> TargetsFile.load(file, REGISTRY, Map.of()))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining(file + " is not valid YAML (line 3")
                .hasMessageContaining("name");
        assertThatThrownBy(() -> TargetsFile.load(write(""), REGISTRY, Map.of()))
                .hasMessageContaining("the file is empty");
        assertThatThrownBy(() -> TargetsFile.load(dir.resolve("none.yaml"), REGISTRY, Map.of()))
                .hasMessageContaining("does not exist");
    }

    @Test
    void aRequestNamesATargetOnly() throws Exception {
        TargetsFile file =
                TargetsFile.load(write("targets:\n" + target("a", "") + target("b", "")), REGISTRY, Map.of());
        try (TargetsRuntime runtime = new TargetsRuntime(file, REGISTRY, 2, null, name -> List.of())) {
            var json = JsonNodeFactory.instance;
            assertThat(runtime.requestSettings(json.objectNode().put("target", "b"))
                            .string(TargetPipelines.TARGET_KEY))
                    .isEqualTo("b");
            assertThatThrownBy(() -> runtime.requestSettings(json.objectNode()))
                    .hasMessageContaining("Name a target: POST /sync?target=NAME (targets: a, b)");
            assertThatThrownBy(() -> runtime.requestSettings(
                            json.objectNode().put("target", "a").put("git_token", "x")))
                    .hasMessageContaining("unexpected field(s): git_token");
            assertThatThrownBy(() -> runtime.requestSettings(json.objectNode().put("target", "c")))
                    .hasMessageContaining("No target 'c'");

            SyncReport report = runtime.service()
                    .sync(runtime.requestSettings(json.objectNode().put("target", "a")));
            assertThat(report.status()).isEqualTo(SyncStatus.SYNCED);
            assertThat(Files.readString(dir.resolve("out-a").resolve("a"))).isEqualTo("1");
            assertThat(runtime.service().statusJson())
                    .as("every configured target is listed, run or not")
                    .extracting(m -> m.get("target") + ":" + m.get("status") + ":" + m.get("consecutiveFailures"))
                    .containsExactly("a:SYNCED:0", "b:null:0");
            runtime.service().close();
        }
    }

    @Test
    void aRunPastItsTimeoutIsStoppedAndReportedFailed() throws Exception {
        TargetsFile file = TargetsFile.load(
                write("targets:\n"
                        + target("slow", "    timeout: 300ms\n")
                                .replace("      memory.files", "      memory.delay-ms: 60000\n      memory.files")),
                REGISTRY,
                Map.of());
        try (TargetsRuntime runtime = new TargetsRuntime(file, REGISTRY, 1, null, name -> List.of())) {
            SyncReport report = runtime.service().sync(TargetPipelines.settingsOf(file.target("slow")));
            assertThat(report.status()).isEqualTo(SyncStatus.FAILED);
            assertThat(report.message()).contains("timed out after 300 ms (its timeout) and was stopped");
            // The interrupted run ends (its permit comes back): the service shuts down in time.
            assertThat(runtime.service().shutdown(Duration.ofSeconds(30))).isTrue();
        }
    }
}
