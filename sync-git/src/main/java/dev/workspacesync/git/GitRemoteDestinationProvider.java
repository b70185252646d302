package dev.workspacesync.git;

import dev.workspacesync.core.Deadline;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.spi.Destination;
import dev.workspacesync.core.spi.DestinationProvider;
import dev.workspacesync.core.spi.SettingKey;
import dev.workspacesync.core.spi.SettingKey.Type;
import dev.workspacesync.git.internal.RemoteSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates {@link GitRemoteDestination}s from settings (type {@code git}).
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code git.remote-url}</td><td>(required)</td><td>https, ssh ({@code ssh://} or
 *       {@code user@host:path}) or file URL; never put a token in it</td></tr>
 *   <tr><td>{@code git.branch}</td><td>{@code main}</td><td>created when missing</td></tr>
 *   <tr><td>{@code git.token}</td><td></td><td>secret; HTTPS basic-auth password</td></tr>
 *   <tr><td>{@code git.username}</td><td>{@code x-access-token}</td><td>HTTPS basic-auth user</td></tr>
 *   <tr><td>{@code git.ssh-key}</td><td></td><td>private key file for SSH</td></tr>
 *   <tr><td>{@code git.known-hosts}</td><td></td><td>known_hosts file for SSH</td></tr>
 *   <tr><td>{@code git.ssh-key-passphrase}</td><td></td><td>secret; passphrase of the key</td></tr>
 *   <tr><td>{@code git.author-name}</td><td>{@code workspace-sync}</td><td>author and committer</td></tr>
 *   <tr><td>{@code git.author-email}</td><td>{@code workspace-sync@localhost}</td><td></td></tr>
 *   <tr><td>{@code git.message}</td><td>{@code Automated backup of {source}}</td><td>commit message
 *       template ({@code {source}}, {@code {workspace}}, {@code {added}}, {@code {updated}},
 *       {@code {deleted}}, {@code {branch}}, {@code {revision}}, any snapshot attribute)</td></tr>
 *   <tr><td>{@code git.author-message}</td><td>{@code {summary}\n\n{items}}</td><td>message template of a
 *       commit crediting one author, when the source says who changed what ({@code {summary}}: e.g.
 *       {@code [WM]: Deployed 2 scripts, 1 flow}; {@code {items}}: one line per item; {@code {author}},
 *       {@code {author-email}} and the {@code git.message} placeholders); changes no one is known to have made
 *       go into a last commit by {@code git.author-name} with {@code git.message}</td></tr>
 *   <tr><td>{@code git.work-dir}</td><td>user cache directory</td><td>the cached clone</td></tr>
 *   <tr><td>{@code git.preserve}</td><td>{@code .github/**,README.md,.gitignore,wmill.yaml,wmill-lock.yaml}</td><td>globs
 *       of destination files never deleted</td></tr>
 *   <tr><td>{@code git.push-attempts}</td><td>{@code 5}</td><td>pushes tried when others push
 *       meanwhile</td></tr>
 *   <tr><td>{@code git.deadline}</td><td>{@code 60s}</td><td>how long a plan or apply keeps trying to reach
 *       the remote (retries of timeouts and 5xx included); a refused connection or unknown host fails at
 *       once</td></tr>
 *   <tr><td>{@code git.cache-max-idle}</td><td>{@code 7d}</td><td>clones in the default cache root unused
 *       this long are removed when a sync starts</td></tr>
 * </table>
 *
 * <p>Durations are a number with a unit: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d} (a
 * bare number is seconds).
 */
public final class GitRemoteDestinationProvider implements DestinationProvider {
    @Override
    public String type() {
        return "git";
    }

    @Override
    public String description() {
        return "A branch of a git remote (HTTPS with a token, or SSH): one commit per sync (one per author when the"
                + " source says who changed what), pushed without force.";
    }

    @Override
    public List<SettingKey> settings() {
        List<SettingKey> keys = new ArrayList<>();
        keys.add(RemoteSettings.remoteUrl());
        keys.addAll(List.of(
                SettingKey.optional("git.branch", Type.STRING, "main", "The branch; created when missing")
                        .withEnvironmentAlias("GIT_BRANCH"),
                SettingKey.optional("git.author-name", Type.STRING, "workspace-sync", "Commit author name")
                        .withEnvironmentAlias("GIT_USER_NAME"),
                SettingKey.optional("git.author-email", Type.STRING, "workspace-sync@localhost", "Commit author email")
                        .withEnvironmentAlias("GIT_USER_EMAIL"),
                SettingKey.optional(
                        "git.message",
                        Type.STRING,
                        GitRemoteDestination.DEFAULT_MESSAGE,
                        "Commit message template: {source}, {workspace}, {added}, {updated}, {deleted}, {branch},"
                                + " {items}"),
                SettingKey.optional(
                        "git.author-message",
                        Type.STRING,
                        GitRemoteDestination.DEFAULT_AUTHOR_MESSAGE,
                        "Message template of a commit crediting one author: {summary}, {items}, {author},"
                                + " {author-email} and the git.message placeholders"),
                SettingKey.optional(
                        "git.work-dir",
                        Type.PATH,
                        null,
                        "The cached clone (default: under the user cache directory, by remote and branch)"),
                SettingKey.optional(
                        "git.preserve",
                        Type.LIST,
                        String.join(",", GitRemoteDestination.DEFAULT_PRESERVE),
                        "Globs of destination files the mirror never deletes"),
                SettingKey.optional(
                        "git.push-attempts", Type.INTEGER, "5", "Pushes tried when others push meanwhile")));
        keys.addAll(RemoteSettings.credentials());
        keys.addAll(RemoteSettings.timing());
        return keys;
    }

    @Override
    public Destination create(SyncSettings settings) {
        String url = settings.get("git.remote-url")
                .orElseThrow(() -> new SyncConfigException("Missing required setting 'git.remote-url'"));
        long attempts = settings.integer("git.push-attempts", 5);
        if (attempts < 1 || attempts > 100) {
            throw new SyncConfigException("Setting 'git.push-attempts' must be between 1 and 100");
        }
        return GitRemoteDestination.builder(url)
                .branch(settings.string("git.branch", "main"))
                .token(settings.secret("git.token").orElse(null))
                // Unset means: the user written in the URL, else x-access-token.
                .username(settings.get("git.username").orElse(null))
                .sshKey(settings.path("git.ssh-key").orElse(null))
                .knownHosts(settings.path("git.known-hosts").orElse(null))
                .sshKeyPassphrase(settings.secret("git.ssh-key-passphrase").orElse(null))
                .author(
                        settings.string("git.author-name", "workspace-sync"),
                        settings.string("git.author-email", "workspace-sync@localhost"))
                .message(settings.string("git.message", GitRemoteDestination.DEFAULT_MESSAGE))
                .authorMessage(settings.string("git.author-message", GitRemoteDestination.DEFAULT_AUTHOR_MESSAGE))
                .workDir(settings.path("git.work-dir").orElse(null))
                .preserve(settings.list("git.preserve", GitRemoteDestination.DEFAULT_PRESERVE))
                .maxPushAttempts((int) attempts)
                .deadline(duration(settings, "git.deadline", Deadline.DEFAULT))
                .cacheMaxIdle(duration(settings, "git.cache-max-idle", GitRemoteDestination.DEFAULT_CACHE_MAX_IDLE))
                .build();
    }

    static Duration duration(SyncSettings settings, String key, Duration defaultValue) {
        return settings.duration(key, defaultValue);
    }
}
