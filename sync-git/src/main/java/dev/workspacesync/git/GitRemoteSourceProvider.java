package dev.workspacesync.git;

import dev.workspacesync.core.Deadline;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.spi.SettingKey;
import dev.workspacesync.core.spi.SettingKey.Type;
import dev.workspacesync.core.spi.Source;
import dev.workspacesync.core.spi.SourceProvider;
import dev.workspacesync.git.internal.RemoteSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates {@link GitRemoteSource}s from settings (type {@code git}). The keys are the git destination's
 * (so one set of settings, or {@code source.git.*} / {@code destination.git.*}, serves a git → git
 * mirror), plus {@code git.ref}.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code git.remote-url}</td><td>(required)</td><td>https, ssh or file URL</td></tr>
 *   <tr><td>{@code git.ref}</td><td>{@code git.branch}</td><td>branch, tag, {@code refs/…} or 40-digit
 *       commit id</td></tr>
 *   <tr><td>{@code git.branch}</td><td>{@code main}</td><td>the branch read when no ref is set</td></tr>
 *   <tr><td>{@code git.token}, {@code git.username}, {@code git.ssh-key}, {@code git.known-hosts},
 *       {@code git.ssh-key-passphrase}</td><td></td><td>credentials, as for the destination</td></tr>
 *   <tr><td>{@code git.work-dir}</td><td>user cache directory</td><td>the bare clone</td></tr>
 *   <tr><td>{@code git.deadline}</td><td>{@code 60s}</td><td>how long a snapshot keeps trying to reach the
 *       remote</td></tr>
 *   <tr><td>{@code git.cache-max-idle}</td><td>{@code 7d}</td><td>cached clones unused this long are
 *       removed</td></tr>
 * </table>
 */
public final class GitRemoteSourceProvider implements SourceProvider {
    @Override
    public String type() {
        return "git";
    }

    @Override
    public String description() {
        return "A branch, tag or commit of a git remote (HTTPS with a token, or SSH), read from a cached bare clone.";
    }

    @Override
    public List<SettingKey> settings() {
        List<SettingKey> keys = new ArrayList<>();
        keys.add(RemoteSettings.remoteUrl());
        keys.addAll(List.of(
                SettingKey.optional(
                        "git.ref",
                        Type.STRING,
                        null,
                        "What to read: a branch, a tag, refs/... or a full commit id (default: git.branch)"),
                SettingKey.optional("git.branch", Type.STRING, "main", "The branch read when git.ref is not set")
                        .withEnvironmentAlias("GIT_BRANCH"),
                SettingKey.optional(
                        "git.work-dir",
                        Type.PATH,
                        null,
                        "The cached bare clone (default: under the user cache directory, by remote)")));
        keys.addAll(RemoteSettings.credentials());
        keys.addAll(RemoteSettings.timing());
        return keys;
    }

    @Override
    public Source create(SyncSettings settings) {
        String url = settings.get("git.remote-url")
                .orElseThrow(() -> new SyncConfigException("Missing required setting 'git.remote-url'"));
        return GitRemoteSource.builder(url)
                .branch(settings.string("git.branch", "main"))
                .ref(settings.get("git.ref").filter(r -> !r.isBlank()).orElse(null))
                .token(settings.secret("git.token").orElse(null))
                .username(settings.get("git.username").orElse(null))
                .sshKey(settings.path("git.ssh-key").orElse(null))
                .knownHosts(settings.path("git.known-hosts").orElse(null))
                .sshKeyPassphrase(settings.secret("git.ssh-key-passphrase").orElse(null))
                .workDir(settings.path("git.work-dir").orElse(null))
                .deadline(settings.duration("git.deadline", Deadline.DEFAULT))
                .cacheMaxIdle(settings.duration("git.cache-max-idle", GitRemoteDestination.DEFAULT_CACHE_MAX_IDLE))
                .build();
    }
}
