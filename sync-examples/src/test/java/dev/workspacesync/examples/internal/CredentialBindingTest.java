package dev.workspacesync.examples.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The binding rule on its own; {@code ServeAttackIT} attacks it through the real service. */
class CredentialBindingTest {
    private static final String GIT_TOKEN = "ghp_configured_git_token_1234";
    private static final String WINDMILL_TOKEN = "wm_configured_token_5678";

    private static SyncSettings configured() {
        return SyncSettings.of(Map.of(
                "git.remote-url", "https://github.com/acme/backup.git",
                "git.token", GIT_TOKEN,
                "git.username", "acme-bot",
                "windmill.base-url", "http://windmill_server:8000",
                "windmill.token", WINDMILL_TOKEN));
    }

    private static SyncSettings request(String... pairs) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return SyncSettings.of(map);
    }

    @Test
    void theConfiguredTargetGetsTheConfiguredCredentials() {
        SyncSettings settings = new CredentialBinding(configured(), List.of()).apply(request());
        assertThat(settings.get("git.token")).contains(GIT_TOKEN);
        assertThat(settings.get("windmill.token")).contains(WINDMILL_TOKEN);
        // Another repository and branch on the configured host, the service's own token: allowed.
        SyncSettings other = new CredentialBinding(configured(), List.of())
                .apply(request("git.remote-url", "https://GitHub.com:443/acme/other.git", "git.branch", "x"));
        assertThat(other.get("git.token")).contains(GIT_TOKEN);
    }

    @Test
    void anotherHostWithoutItsOwnTokenIsRefusedNamingTheField() {
        CredentialBinding binding = new CredentialBinding(configured(), List.of());
        assertThatThrownBy(() -> binding.apply(request("git.remote-url", "http://attacker/steal.git")))
                .isInstanceOf(RequestRefusedException.class)
                .hasMessage("git_remote_url names host attacker:80, but GIT_TOKEN is configured for github.com:443;"
                        + " send git_token for that host, or add it to SYNC_ALLOWED_HOSTS");
        assertThatThrownBy(() -> binding.apply(request("windmill.base-url", "http://attacker")))
                .isInstanceOf(RequestRefusedException.class)
                .hasMessageStartingWith("windmill_base_url names host attacker:80, but WINDMILL_TOKEN is configured"
                        + " for windmill_server:8000");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://github.com/acme/backup.git", // downgrade to http
                "https://github.com:8443/acme/backup.git", // another port
                "https://GITHUB.COM./acme/backup.git", // trailing dot
                "https://github.com.attacker.net/acme/backup.git",
                "https://[::1]/x.git",
                "https://127.0.0.1/x.git",
                "https://githab.com/acme/backup.git",
            })
    void lookAlikesOfTheConfiguredHostAreOtherHosts(String url) {
        CredentialBinding binding = new CredentialBinding(configured(), List.of());
        assertThatThrownBy(() -> binding.apply(request("git.remote-url", url)))
                .isInstanceOf(RequestRefusedException.class)
                .hasMessageContaining("git_remote_url");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://github.com@attacker/x.git",
                "https://x-access-token:t@github.com/acme/backup.git",
                "http://attacker#@github.com/x.git",
                "http://attacker\\@github.com/x.git",
                "http://github.com\\@attacker/x.git",
                "ftp://github.com/x.git",
                "http://%61ttacker/x.git",
                "http://attacker /x.git",
                "http://attacker:99999/x.git",
            })
    void trickUrlsAreMalformedRequests(String url) {
        CredentialBinding binding = new CredentialBinding(configured(), List.of());
        assertThatThrownBy(() -> binding.apply(request("git.remote-url", url)))
                .isInstanceOf(SyncConfigException.class)
                .isNotInstanceOf(RequestRefusedException.class)
                .hasMessageContaining("git_remote_url")
                .hasMessageNotContaining(":t@");
    }

    @Test
    void aRequestWithItsOwnTokenForItsOwnHostNeverGetsTheConfiguredOnes() {
        SyncSettings onlyGit = SyncSettings.of(Map.of(
                "git.remote-url", "https://github.com/acme/backup.git", "git.token", GIT_TOKEN, "git.username", "bot"));
        SyncSettings settings = new CredentialBinding(onlyGit, List.of())
                .apply(request(
                        "git.remote-url", "https://gitlab.example/me/r.git",
                        "git.token", "callers-own",
                        "windmill.token", "callers-wm"));
        assertThat(settings.get("git.token")).contains("callers-own");
        assertThat(settings.get("git.username"))
                .as("the configured user is not lent either")
                .isEmpty();
    }

    @Test
    void whatTheServicesWindmillTokenReadsGoesOnlyToTheConfiguredRemote() {
        CredentialBinding binding = new CredentialBinding(configured(), List.of());
        // Own git token for the caller's own repository, the service's Windmill token: a copy of the
        // operator's workspace in the caller's repository.
        assertThatThrownBy(() -> binding.apply(
                        request("git.remote-url", "https://gitlab.example/me/r.git", "git.token", "mine")))
                .isInstanceOf(RequestRefusedException.class)
                .hasMessageStartingWith("git_remote_url names host gitlab.example:443, but the workspace would be"
                        + " read with the service's WINDMILL_TOKEN");
        // Same host, another repository, the caller's token: still the caller's repository.
        assertThatThrownBy(() ->
                        binding.apply(request("git.remote-url", "https://github.com/me/r.git", "git.token", "mine")))
                .isInstanceOf(RequestRefusedException.class);
        // The configured repository with the caller's own token: fine.
        assertThat(binding.apply(request("git.token", "mine")).get("git.token")).contains("mine");
        // Both tokens the caller's: the service is only a relay.
        assertThat(binding.apply(request(
                                "git.remote-url", "https://gitlab.example/me/r.git",
                                "git.token", "mine",
                                "windmill.token", "my-wm"))
                        .get("windmill.token"))
                .contains("my-wm");
    }

    @Test
    void theServicesGitCredentialOnlyWritesWhatTheConfiguredWindmillHolds() {
        CredentialBinding binding = new CredentialBinding(configured(), List.of());
        assertThatThrownBy(
                        () -> binding.apply(request("windmill.base-url", "http://evil:8000", "windmill.token", "own")))
                .isInstanceOf(RequestRefusedException.class)
                .hasMessageStartingWith("windmill_base_url names host evil:8000, but the backup would be written"
                        + " with the service's git credential");
        // The caller's own Windmill token on the configured server: their workspace, the operator's backup.
        assertThat(binding.apply(request("windmill.token", "own", "windmill.workspace", "other"))
                        .get("git.token"))
                .contains(GIT_TOKEN);
    }

    @Test
    void withoutAConfiguredUrlTheTokensAreBoundToTheDefaultsOrToNothing() {
        SyncSettings tokensOnly = SyncSettings.of(Map.of("git.token", GIT_TOKEN, "windmill.token", WINDMILL_TOKEN));
        CredentialBinding binding = new CredentialBinding(tokensOnly, List.of());
        assertThatThrownBy(() -> binding.apply(request("git.remote-url", "https://github.com/acme/backup.git")))
                .isInstanceOf(RequestRefusedException.class)
                .hasMessageContaining("GIT_TOKEN is configured for no host (GIT_REMOTE_URL is not set)");
        assertThatThrownBy(() -> binding.apply(request("windmill.base-url", "http://windmill:8000")))
                .isInstanceOf(RequestRefusedException.class)
                .hasMessageContaining("configured for windmill_server:8000");
        assertThat(binding.apply(request("windmill.base-url", "http://WINDMILL_SERVER:8000/"))
                        .get("windmill.token"))
                .contains(WINDMILL_TOKEN);
    }

    @Test
    void sshRemotesElsewhereAndLocalRepositoriesAreRefused() {
        SyncSettings ssh = SyncSettings.of(Map.of(
                "git.remote-url", "git@github.com:acme/backup.git",
                "git.ssh-key", "/keys/id_ed25519",
                "windmill.token", WINDMILL_TOKEN));
        CredentialBinding binding = new CredentialBinding(ssh, List.of());
        assertThat(binding.apply(request("git.remote-url", "ssh://git@github.com/acme/other.git"))
                        .get("git.ssh-key"))
                .contains("/keys/id_ed25519");
        for (String url : List.of("git@attacker:x.git", "ssh://git@attacker:2222/x.git", "attacker:x.git")) {
            assertThatThrownBy(() -> binding.apply(request("git.remote-url", url, "git.token", "own")))
                    .as(url)
                    .isInstanceOf(RequestRefusedException.class)
                    .hasMessageContaining("git_remote_url names SSH host attacker");
        }
        for (String url : List.of("/srv/git/other.git", "file:///srv/git/other.git", "./x.git")) {
            assertThatThrownBy(() -> binding.apply(request("git.remote-url", url, "windmill.token", "own")))
                    .as(url)
                    .isInstanceOf(RequestRefusedException.class)
                    .hasMessageContaining("git_remote_url names a local repository");
        }
    }

    @Test
    void theAllowListIsExactAboutHostsAndPorts() {
        CredentialBinding binding =
                new CredentialBinding(configured(), List.of("git.internal:8443", " *.corp.example ", "mirror.example"));
        assertThat(binding.apply(request("git.remote-url", "https://git.internal:8443/a.git"))
                        .get("git.token"))
                .contains(GIT_TOKEN);
        assertThat(binding.apply(request("git.remote-url", "https://git.eu.corp.example/a.git"))
                        .get("git.token"))
                .contains(GIT_TOKEN);
        assertThat(binding.apply(request("git.remote-url", "https://mirror.example:443/a.git"))
                        .get("git.token"))
                .contains(GIT_TOKEN);
        for (String url : List.of(
                "https://git.internal/a.git", // allowed on 8443 only
                "https://git.internal:8444/a.git",
                "https://mirror.example:8443/a.git", // no port in the pattern: the default port only
                "https://corp.example/a.git", // *.domain is sub-domains only
                "https://evilcorp.example/a.git",
                "https://mirror.example.evil/a.git")) {
            assertThatThrownBy(() -> binding.apply(request("git.remote-url", url)))
                    .as(url)
                    .isInstanceOf(RequestRefusedException.class);
        }
        for (String bad : List.of("*", "*.com", "https://github.com", "github.com/x", "a@b")) {
            assertThatThrownBy(() -> new CredentialBinding(configured(), List.of(bad)))
                    .as(bad)
                    .isInstanceOf(SyncConfigException.class)
                    .hasMessageContaining("SYNC_ALLOWED_HOSTS");
        }
    }

    /** Random hosts, ports, schemes and spellings: the configured token only ever stays with its origin. */
    @ParameterizedTest
    @ValueSource(longs = {1L, 42L, 20261201L})
    void randomUrlsNeverCarryTheConfiguredTokenElsewhere(long seed) {
        System.out.println("seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        CredentialBinding binding = new CredentialBinding(configured(), List.of());
        String[] schemes = {"https", "http", "HTTPS", "ssh", "git", "file"};
        String[] hosts = {"github.com", "GitHub.COM", "github.com.", "api.github.com", "github.co", "127.0.0.1", "[::1]"
        };
        for (int i = 0; i < 2000; i++) {
            String scheme = schemes[random.nextInt(schemes.length)];
            String host = hosts[random.nextInt(hosts.length)];
            int port = random.nextInt(4);
            String portText = port == 0 ? "" : port == 1 ? ":443" : port == 2 ? ":80" : ":" + random.nextInt(1, 65536);
            String url = scheme + "://" + host + portText + "/acme/backup.git";
            // An upper-case scheme reads differently to JGit: refused as ambiguous, which is fine.
            boolean sameOrigin = scheme.equals("https")
                    && host.equalsIgnoreCase("github.com")
                    && (port == 0 || port == 1 || portText.equals(":443"));
            try {
                SyncSettings settings = binding.apply(request("git.remote-url", url));
                assertThat(sameOrigin).as(url).isTrue();
                assertThat(settings.get("git.token")).contains(GIT_TOKEN);
            } catch (SyncConfigException e) {
                assertThat(sameOrigin).as(url + ": " + e.getMessage()).isFalse();
                assertThat(e.getMessage()).contains("git_remote_url").doesNotContain(GIT_TOKEN);
            }
        }
    }
}
