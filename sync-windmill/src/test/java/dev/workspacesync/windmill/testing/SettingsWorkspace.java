package dev.workspacesync.windmill.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A generated workspace for pushing what only admins push: settings (every group the CLI's push edits, with
 * hostile-but-legal values), the encryption key, a secret that is ciphertext of that key (so it travels without
 * {@code --plain-secrets}) and native triggers. Values are what the current server exports.
 */
public final class SettingsWorkspace {
    /** Strings YAML or a shell could misread; all legal values. */
    private static final List<String> HOSTILE = List.of(
            "yes",
            "null",
            "~",
            "0x1F",
            "1e3",
            "'quoted' \"twice\"",
            "colon: value # not a comment",
            "  leading and trailing  ",
            "multi\nline\n",
            "ünïcødé ✓ 日本",
            "- dash",
            "{not: json}",
            "tab\there",
            "back\\slash",
            "% & * ! | >");

    private final Random r;

    /** The key the workspace holds (64 letters and digits). */
    public final String key;

    /** The plain value of its secret. */
    public final String secret;

    /** The display name (push cannot set it: the emulator's target workspaces are made with it). */
    public final String name;

    private SettingsWorkspace(long seed) {
        this.r = new Random(seed);
        this.key = key(r);
        this.secret = hostile() + " " + r.nextInt(1000);
        this.name = "Settings " + hostile().strip();
    }

    /** The workspace of {@code seed}. */
    public static SettingsWorkspace generate(long seed) {
        return new SettingsWorkspace(seed);
    }

    private String hostile() {
        return HOSTILE.get(r.nextInt(HOSTILE.size()));
    }

    /** A 64-character key of letters and digits, as {@code rd_string(64)} makes. */
    public static String key(Random r) {
        String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            sb.append(chars.charAt(r.nextInt(chars.length())));
        }
        return sb.toString();
    }

    /** The archive the server exports for it (with settings, key and triggers included). */
    public WorkspaceArchive archive() {
        WorkspaceArchive a = new WorkspaceArchive();
        a.json(
                "f/n/folder.meta.json",
                Fixtures.obj("display_name", "n", "owners", List.of(), "extra_perms", Fixtures.obj()));
        a.text("f/n/handler.py", "def main(error=None):\n    return error\n");
        a.json(
                "f/n/handler.script.json",
                Fixtures.obj("summary", "", "description", "", "schema", null, "lock", null, "kind", "script"));
        a.json(
                "f/n/secret.variable.json",
                Fixtures.obj("value", ServerCrypt.encrypt(key, secret), "is_secret", true, "description", hostile()));
        a.json("f/n/plain.variable.json", Fixtures.obj("value", hostile(), "is_secret", false, "description", ""));
        for (int i = 0, n = 1 + r.nextInt(2); i < n; i++) {
            String service = List.of("nextcloud", "google", "github").get(r.nextInt(3));
            String externalId = "x" + Integer.toString(r.nextInt(1 << 20), 36) + i;
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("script_path", "f/n/handler");
            t.put("is_flow", false);
            t.put("service_config", Fixtures.obj("folder", "/" + hostile(), "events", List.of(hostile(), "x")));
            t.put("summary", hostile());
            t.put("external_id", externalId);
            t.put("service_name", service);
            a.json("f/n/handler.script." + externalId + "." + service + "_native_trigger.json", t);
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put(
                "auto_invite",
                Fixtures.obj("enabled", true, "operator", r.nextBoolean(), "mode", r.nextBoolean() ? "add" : "invite"));
        s.put("webhook", "https://hooks.example.com/w?q=" + r.nextInt(100) + "&x='\"");
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("channel", hostile());
        s.put(
                "error_handler",
                Fixtures.obj(
                        "path",
                        "script/f/n/handler",
                        "extra_args",
                        args,
                        "muted_on_cancel",
                        r.nextBoolean(),
                        "muted_on_user_path",
                        r.nextBoolean()));
        s.put(
                "success_handler",
                Fixtures.obj("path", "script/f/n/handler", "extra_args", Fixtures.obj("n", r.nextInt(9))));
        s.put("default_app", "f/n/app" + r.nextInt(10));
        s.put("name", name);
        s.put("mute_critical_alerts", r.nextBoolean());
        s.put("color", String.format("#%06x", r.nextInt(1 << 24)));
        s.put(
                "operator_settings",
                Fixtures.obj(
                        "runs",
                        r.nextBoolean(),
                        "schedules",
                        r.nextBoolean(),
                        "resources",
                        r.nextBoolean(),
                        "variables",
                        r.nextBoolean(),
                        "assets",
                        r.nextBoolean(),
                        "audit_logs",
                        r.nextBoolean(),
                        "triggers",
                        r.nextBoolean(),
                        "groups",
                        r.nextBoolean(),
                        "folders",
                        r.nextBoolean(),
                        "workers",
                        r.nextBoolean()));
        s.put("slack_command_script", "script/f/n/handler");
        s.put("slack_oauth_client_id", "id-" + hostile());
        s.put("slack_oauth_client_secret", "secret-" + r.nextInt(1_000_000));
        a.json("settings.json", s);
        a.json("encryption_key.json", key);
        return a;
    }
}
