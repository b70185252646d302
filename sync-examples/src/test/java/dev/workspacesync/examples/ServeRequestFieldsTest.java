package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.examples.internal.CredentialBinding;
import dev.workspacesync.examples.internal.RequestFields;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every field of a {@code POST /sync} body is checked; the service's attack test runs these over HTTP. */
class ServeRequestFieldsTest {
    private static final SyncSettings ENV = SyncSettings.of(Map.of(
            "windmill.token", "wm-env-token",
            "git.remote-url", "https://github.com/acme/backup.git",
            "git.token", "git-env-token"));
    private final RequestFields fields = ServeCommand.requestFields(ENV, new CredentialBinding(ENV, List.of()));

    private SyncSettings settings(String json) throws Exception {
        JsonNode body = new ObjectMapper().readTree(json);
        return fields.settings(body);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "{\"workspce\": \"x\"}|Unknown field 'workspce'; did you mean 'workspace'?",
                "{\"Workspace\": \"x\"}|Unknown field 'Workspace'; did you mean 'workspace'?",
                "{\"git_tokn\": \"x\"}|did you mean 'git_token'?",
                "{\"slack_webhook_url\": \"http://127.0.0.1:1/hook\"}|Unknown field 'slack_webhook_url'; known fields:",
                "{\"discord_webhook_url\": \"http://x\"}|Unknown field 'discord_webhook_url'",
                "{\"workspace\": [\"x\"]}|Field 'workspace' must be a string, not an array",
                "{\"workspace\": null}|Field 'workspace' must be a string, not null",
                "{\"git_branch\": 7}|Field 'git_branch' must be a string, not a number",
                "{\"git_token\": true}|Field 'git_token' must be a string, not a boolean",
                "{\"windmill_base_url\": {\"a\": 1}}|Field 'windmill_base_url' must be a string, not an object",
                "{\"git_branch\": \"-f\"}|git_branch '-f' starts with '-'",
                "{\"git_branch\": \"refs/heads/x\"}|git_branch 'refs/heads/x' starts with 'refs/'",
                "{\"git_branch\": \"a..b\"}|git_branch 'a..b' contains '..'",
                "{\"git_branch\": \"a b\"}|git_branch 'a b' is not a valid git branch name",
                "{\"git_branch\": \"x.lock\"}|is not a valid git branch name",
                "{\"git_branch\": \"HEAD\"}|is reserved by git",
                "{\"workspace\": \"../admins\"}|workspace '../admins' is not a Windmill workspace id",
                "{\"workspace\": \"-x\"}|is not a Windmill workspace id",
                "{\"git_user_name\": \"Bot\\nSigned-off-by: x\"}|git_user_name holds a line break",
                "{\"git_user_email\": \"a b@c\"}|git_user_email 'a b@c' is not an address",
                "{\"git_user_email\": \"a@b>\"}|is not an address",
                "{\"git_token\": \"with space\"}|git_token holds a space, control or non-ASCII character",
                "{\"windmill_token\": \"t\\u0000\"}|windmill_token holds a space",
                "{\"git_remote_url\": \"https://u:pw-secret@github.com/acme/backup.git\"}|git_remote_url carries"
                        + " credentials in the URL (https://github.com/acme/backup.git); send the token as git_token",
                "{\"windmill_base_url\": \"ftp://x\"}|windmill_base_url must be an http:// or https:// URL",
                "{\"windmill_base_url\": \"not a url\"}|windmill_base_url",
            })
    void badFieldsAre400sNamingTheField(String body, String message) {
        assertThatThrownBy(() -> settings(body))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining(message)
                .hasMessageNotContaining("pw-secret");
    }

    @Test
    void everyProblemIsNamedInOneMessageAndStringsAreBounded() {
        assertThatThrownBy(() -> settings("{\"workspce\": \"x\", \"git_branch\": \"-x\", \"git_token\": \""
                        + "a".repeat(RequestFields.MAX_LENGTH + 1) + "\"}"))
                .hasMessageContaining("Unknown field 'workspce'")
                .hasMessageContaining("git_branch '-x'")
                .hasMessageContaining("Field 'git_token' is longer than 4096 characters");
        String longName = "k".repeat(10_000);
        assertThatThrownBy(() -> settings("{\"" + longName + "\": \"x\"}"))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
    }

    @Test
    void goodFieldsPassAndEmptyOnesFallBack() throws Exception {
        SyncSettings s = settings("{\"workspace\": \"team_a-1\", \"git_branch\": \"backups/2026-12\","
                + " \"git_user_name\": \"Backup Bot (ünïcode)\", \"git_user_email\": \"bot@example.com\","
                + " \"windmill_token\": \"\"}");
        assertThat(s.get("windmill.workspace")).contains("team_a-1");
        assertThat(s.get("git.branch")).contains("backups/2026-12");
        assertThat(s.get("windmill.token")).contains("wm-env-token");
        assertThat(s.get("git.token")).contains("git-env-token");
    }
}
