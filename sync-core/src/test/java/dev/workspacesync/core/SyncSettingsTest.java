package dev.workspacesync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.spi.SettingKey;
import dev.workspacesync.core.spi.SettingKey.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncSettingsTest {
    private static final String TOKEN = "ghp_S3cretTokenValue0123456789";

    private static final List<SettingKey> KEYS = List.of(
            SettingKey.required("git.remote-url", Type.URL, "the remote to push to"),
            SettingKey.optional("git.branch", Type.STRING, "main", "branch"),
            SettingKey.secret("git.token", false, "personal access token"),
            SettingKey.optional("git.retries", Type.INTEGER, "3", "push retries"),
            SettingKey.optional("git.sign", Type.BOOLEAN, "false", "sign commits"),
            SettingKey.optional("git.share", Type.DECIMAL, null, "share"),
            SettingKey.choice("git.mode", List.of("working-tree", "committed"), "mode"),
            SettingKey.required("git.work-dir", Type.PATH, "clone directory"));

    @TempDir
    Path dir;

    @Test
    void validationFillsDefaultsAndMarksSecrets() {
        SyncSettings settings = SyncSettings.of(Map.of(
                        "git.remote-url", "https://example.invalid/repo.git",
                        "git.token", TOKEN,
                        "git.work-dir", "~/cache/clone"))
                .validate(KEYS);
        assertThat(settings.string("git.branch")).isEqualTo("main");
        assertThat(settings.integer("git.retries", 0)).isEqualTo(3);
        assertThat(settings.bool("git.sign", true)).isFalse();
        assertThat(settings.string("git.mode")).isEqualTo("working-tree");
        assertThat(settings.secret("git.token")).map(Secret::reveal).contains(TOKEN);
        assertThat(settings.path("git.work-dir"))
                .contains(Path.of(System.getProperty("user.home")).resolve("cache/clone"));
        assertThat(settings.secrets()).extracting(Secret::reveal).containsExactly(TOKEN);
        assertThat(settings.toString()).doesNotContain(TOKEN).contains("git.token=****");
    }

    @Test
    void validationReportsEveryProblemAtOnceWithoutShowingSecrets() {
        SyncSettings settings = SyncSettings.of(Map.of(
                "git.remote-url", "not a url",
                "git.retries", "three",
                "git.sign", "yes",
                "git.share", "half",
                "git.mode", "bare",
                "git.token", TOKEN));
        assertThatThrownBy(() -> settings.validate(KEYS))
                .isInstanceOf(SyncConfigException.class)
                .satisfies(e -> {
                    List<String> problems = ((SyncConfigException) e).problems();
                    assertThat(problems)
                            .containsExactly(
                                    "Setting 'git.remote-url' has value 'not a url', which is not an absolute URL",
                                    "Setting 'git.retries' has value 'three', which is not a whole number",
                                    "Setting 'git.sign' has value 'yes', which is not true or false",
                                    "Setting 'git.share' has value 'half', which is not a number",
                                    "Setting 'git.mode' has value 'bare', which is not one of [working-tree,"
                                            + " committed]",
                                    "Missing required setting 'git.work-dir' (clone directory; environment variable"
                                            + " WORKSPACE_SYNC_GIT_WORK_DIR)");
                    assertThat(e.getMessage())
                            .startsWith("6 configuration problems:")
                            .doesNotContain(TOKEN);
                });
    }

    @Test
    void typedGettersNameTheKeyAndHideSecretValues() {
        SyncSettings settings = SyncSettings.of(Map.of("n", "x", "api.token", TOKEN));
        assertThatThrownBy(() -> settings.integer("n", 1))
                .hasMessage("Setting 'n' has value 'x', which is not a whole number");
        assertThatThrownBy(() -> settings.bool("api.token", false))
                .hasMessage("Setting 'api.token' has value ****, which is not true or false");
        assertThatThrownBy(() -> settings.string("missing")).hasMessage("Missing required setting 'missing'");
        assertThat(settings.isSecret("api.token")).isTrue();
    }

    @Test
    void layersFromPropertiesEnvironmentAndJson() throws Exception {
        Path file = dir.resolve("sync.properties");
        Files.writeString(file, "git.branch=from-file\ngit.remote-url=https://file.invalid/r.git\n");
        SyncSettings env = SyncSettings.fromEnvironment(
                Map.of(
                        "WORKSPACE_SYNC_GIT_BRANCH", "from-env",
                        "WORKSPACE_SYNC_GIT_WORK_DIR", "/tmp/w",
                        "UNRELATED", "x"),
                KEYS);
        SyncSettings json = SyncSettings.fromJson(
                "{\"git.branch\": \"from-json\", \"git.retries\": 5, \"git.sign\": true, \"list\": [\"a\", \"b\"],"
                        + " \"absent\": null}");
        SyncSettings merged =
                json.orElse(SyncSettings.fromProperties(file)).orElse(env).validate(KEYS);
        assertThat(merged.string("git.branch")).isEqualTo("from-json");
        assertThat(merged.string("git.remote-url")).isEqualTo("https://file.invalid/r.git");
        assertThat(merged.string("git.work-dir")).isEqualTo("/tmp/w");
        assertThat(merged.integer("git.retries", 0)).isEqualTo(5);
        assertThat(merged.bool("git.sign", false)).isTrue();
        assertThat(merged.list("list")).containsExactly("a", "b");
        assertThat(merged.get("absent")).isEmpty();
        assertThat(merged.keys()).doesNotContain("UNRELATED");
    }

    @Test
    void badJsonIsAClearErrorThatDoesNotEchoTheInput() {
        assertThatThrownBy(() -> SyncSettings.fromJson("{\"git.token\": \"" + TOKEN + "\" oops"))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageStartingWith("Settings JSON is malformed near line 1, column")
                .hasMessageNotContaining(TOKEN);
        assertThatThrownBy(() -> SyncSettings.fromJson("[1]")).hasMessage("Settings JSON must be an object");
        assertThatThrownBy(() -> SyncSettings.fromJson("{\"a\": {\"b\": 1}}"))
                .hasMessage("Setting 'a' must be a string, number, boolean or list");
        assertThatThrownBy(() -> SyncSettings.fromJson("{} {}"))
                .hasMessage("Settings JSON has content after its object");
        assertThatThrownBy(() -> SyncSettings.fromProperties(dir.resolve("nope.properties")))
                .hasMessage("Settings file " + dir.resolve("nope.properties") + " does not exist");
    }

    @Test
    void environmentNamesFollowTheKey() {
        assertThat(SettingKey.required("databricks.rate-limit", Type.INTEGER, "d")
                        .environmentName())
                .isEqualTo("WORKSPACE_SYNC_DATABRICKS_RATE_LIMIT");
    }
}
