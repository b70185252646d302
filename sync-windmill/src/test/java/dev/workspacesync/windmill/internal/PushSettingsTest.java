package dev.workspacesync.windmill.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workspacesync.windmill.internal.PushItems.Group;
import dev.workspacesync.windmill.internal.PushItems.Item;
import dev.workspacesync.windmill.internal.PushItems.Kind;
import dev.workspacesync.windmill.internal.PushRequests.Request;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The CLI's {@code pushWorkspaceSettings} and {@code pushWorkspaceKey} rules, call by call. */
class PushSettingsTest {
    static final String BASE = "auto_invite:\n  enabled: true\n  operator: false\n  mode: invite\n"
            + "webhook: https://h.example/x\nerror_handler: null\nsuccess_handler: null\nname: Demo\n"
            + "mute_critical_alerts: false\ncolor: '#ff0000'\noperator_settings:\n  runs: true\n"
            + "  manage_schedules: true\nslack_oauth_client_id: null\nslack_oauth_client_secret: null\n";

    static Group settings(String yaml) {
        Map<String, byte[]> files = new TreeMap<>();
        files.put("settings.yaml", yaml.getBytes(StandardCharsets.UTF_8));
        return new Group(new Item(Kind.SETTINGS, "settings", "settings.yaml", ""), files);
    }

    static List<String> calls(List<Request> requests) {
        return requests.stream()
                .map(r -> r.method() + " " + r.rest() + (r.body() == null ? "" : " " + PushRequests.json(r.body())))
                .toList();
    }

    static Stream<Arguments> oneChange() {
        return Stream.of(
                Arguments.of(
                        "webhook: https://h.example/x",
                        "webhook: https://other.example/y",
                        "POST workspaces/edit_webhook {\"webhook\":\"https://other.example/y\"}"),
                Arguments.of(
                        "color: '#ff0000'",
                        "color: '#00ff00'",
                        "POST workspaces/change_workspace_color {\"color\":\"#00ff00\"}"),
                Arguments.of(
                        "mute_critical_alerts: false",
                        "mute_critical_alerts: true",
                        "POST workspaces/critical_alerts/mute {\"mute_critical_alerts\":true}"),
                Arguments.of(
                        "  mode: invite",
                        "  mode: add",
                        "POST workspaces/edit_auto_invite {\"operator\":false,\"invite_all\":true,\"auto_add\":true}"),
                Arguments.of(
                        "error_handler: null",
                        "error_handler:\n  path: script/f/x/h\n  extra_args:\n    n: 1",
                        "POST workspaces/edit_error_handler {\"path\":\"script/f/x/h\",\"extra_args\":{\"n\":1},"
                                + "\"muted_on_cancel\":false,\"muted_on_user_path\":false}"),
                Arguments.of(
                        "  runs: true",
                        "  runs: false",
                        "POST workspaces/operator_settings {\"runs\":false,\"manage_schedules\":true}"),
                Arguments.of(
                        "slack_oauth_client_id: null\nslack_oauth_client_secret: null",
                        "slack_oauth_client_id: id\nslack_oauth_client_secret: s3cret",
                        "POST workspaces/slack_oauth_config {\"slack_oauth_client_id\":\"id\","
                                + "\"slack_oauth_client_secret\":\"s3cret\"}"),
                Arguments.of("name: Demo", "name: Renamed", null));
    }

    /** One changed setting is its one call, with the CLI's body; the name is never pushed. */
    @ParameterizedTest(name = "{1}")
    @MethodSource("oneChange")
    void oneChangedSettingIsItsOneCall(String from, String to, String call) {
        Group remote = settings(BASE);
        Group local = settings(BASE.replace(from, to));
        assertThat(calls(PushSettings.settings(local, remote)))
                .containsExactlyElementsOf(call == null ? List.of() : List.of(call));
        assertThat(PushSettings.settings(remote, remote)).isEmpty();
    }

    @Test
    void operatorFlagsTheFileLeavesOutAreTheWorkspaces() {
        Group remote = settings(BASE);
        Group local = settings(BASE.replace("  manage_schedules: true\n", ""));
        assertThat(PushSettings.settings(local, remote)).isEmpty();
    }

    @Test
    void clearingTheSlackClientDeletesIt() {
        Group remote = settings(BASE.replace(
                "slack_oauth_client_id: null\nslack_oauth_client_secret: null",
                "slack_oauth_client_id: id\nslack_oauth_client_secret: s"));
        assertThat(calls(PushSettings.settings(settings(BASE), remote)))
                .containsExactly("DELETE workspaces/slack_oauth_config");
    }

    /** A workspace whose archive has no settings is one where nothing was set: only what the file sets is sent. */
    @Test
    void aNewWorkspaceGetsOnlyWhatTheFileSets() {
        Group local = settings("error_handler: null\nsuccess_handler: null\nname: x\nslack_oauth_client_id: null\n"
                + "slack_oauth_client_secret: null\ncolor: '#010203'\n");
        assertThat(calls(PushSettings.settings(local, null)))
                .containsExactly("POST workspaces/change_workspace_color {\"color\":\"#010203\"}");
    }

    /** Settings v1 (flat keys) are grouped as the CLI's migrateToGroupedFormat does before comparing. */
    @Test
    void legacyFlatSettingsAreGrouped() {
        Group local = settings(BASE.replace(
                        "auto_invite:\n  enabled: true\n  operator: false\n  mode: invite\n",
                        "auto_invite_enabled: true\nauto_invite_as: developer\nauto_invite_mode: invite\n")
                .replace("error_handler: null", "error_handler: script/f/x/h\nerror_handler_muted_on_cancel: true"));
        assertThat(calls(PushSettings.settings(local, settings(BASE))))
                .containsExactly("POST workspaces/edit_error_handler {\"path\":\"script/f/x/h\","
                        + "\"muted_on_cancel\":true,\"muted_on_user_path\":false}");
    }

    @Test
    void theKeyIsPushedOnlyWhenItDiffersAndReencrypts() {
        String key = "a".repeat(64);
        Map<String, byte[]> files = new TreeMap<>();
        files.put("encryption_key.yaml", (key + "\n").getBytes(StandardCharsets.UTF_8));
        Group local = new Group(new Item(Kind.KEY, "encryption_key", "encryption_key.yaml", ""), files);
        assertThat(PushSettings.key(local, key)).isEmpty();
        assertThat(calls(PushSettings.key(local, "b".repeat(64))))
                .containsExactly(
                        "POST workspaces/encryption_key {\"new_key\":\"" + key + "\",\"skip_reencrypt\":false}");
    }
}
