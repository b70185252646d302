package dev.workspacesync.git.internal;

import dev.workspacesync.core.spi.SettingKey;
import dev.workspacesync.core.spi.SettingKey.Type;
import java.util.List;

/** The setting keys the git source and the git destination share: one remote, reached one way. */
public final class RemoteSettings {
    private RemoteSettings() {}

    /** The remote URL. */
    public static SettingKey remoteUrl() {
        return SettingKey.required("git.remote-url", Type.STRING, "The remote: an https, ssh or file URL")
                .withEnvironmentAlias("GIT_REMOTE_URL");
    }

    /** How to sign in: an HTTPS token or an SSH key. */
    public static List<SettingKey> credentials() {
        return List.of(
                SettingKey.secret("git.token", false, "HTTPS token, sent as the basic-auth password")
                        .withEnvironmentAlias("GIT_TOKEN"),
                SettingKey.optional("git.username", Type.STRING, "x-access-token", "HTTPS basic-auth user"),
                SettingKey.optional("git.ssh-key", Type.PATH, null, "Private key file for SSH remotes"),
                SettingKey.optional("git.known-hosts", Type.PATH, null, "known_hosts file for SSH remotes"),
                SettingKey.secret("git.ssh-key-passphrase", false, "Passphrase of an encrypted SSH key"));
    }

    /** How long to keep trying, and how long an unused cached clone is kept. */
    public static List<SettingKey> timing() {
        return List.of(
                SettingKey.optional(
                        "git.deadline",
                        Type.STRING,
                        "60s",
                        "How long to keep trying to reach the remote, retries included (e.g. 30s, 5m)"),
                SettingKey.optional(
                        "git.cache-max-idle",
                        Type.STRING,
                        "7d",
                        "Cached clones (default cache root only) unused this long are removed (e.g. 12h, 7d)"));
    }
}
