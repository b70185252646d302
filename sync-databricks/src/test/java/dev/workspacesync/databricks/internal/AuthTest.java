package dev.workspacesync.databricks.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.databricks.sdk.core.DatabricksConfig;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthTest {
    static final Map<String, String> STRAY = Map.of(
            "DATABRICKS_HOST", "https://env.example.com",
            "DATABRICKS_CLIENT_ID", "stray-id",
            "DATABRICKS_CLIENT_SECRET", "stray-secret",
            "DATABRICKS_TOKEN", "env-token");

    @Test
    void anExplicitTokenWinsAndPinsTheAuthType() {
        DatabricksConfig config =
                new Auth("https://h.example.com", Secret.of("t0k"), null, null, null).configure(STRAY);
        assertThat(config.getHost()).isEqualTo("https://h.example.com");
        assertThat(config.getToken()).isEqualTo("t0k");
        assertThat(config.getAuthType()).isEqualTo("pat");
        assertThat(config.getClientId()).isNull();
    }

    @Test
    void explicitClientCredentialsPinOAuth() {
        DatabricksConfig config =
                new Auth(null, null, null, "sp", Secret.of("sec")).configure(Map.of("DATABRICKS_TOKEN", "env"));
        assertThat(config.getAuthType()).isEqualTo("oauth-m2m");
        assertThat(config.getToken()).isNull();
        assertThat(config.getClientSecret()).isEqualTo("sec");
    }

    @Test
    void aTokenAndClientCredentialsTogetherAreRefused() {
        assertThatThrownBy(() -> new Auth(null, Secret.of("t"), null, "sp", Secret.of("s")))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("databricks.token")
                .hasMessageContaining("databricks.client-id");
    }

    @Test
    void halfOfTheClientCredentialsIsRefused() {
        assertThatThrownBy(() -> new Auth(null, null, null, "sp", null))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("databricks.client-secret");
    }

    @Test
    void anAmbiguousEnvironmentIsRefusedWhenNothingIsExplicit() {
        assertThatThrownBy(() -> new Auth(null, null, null, null, null).configure(STRAY))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("DATABRICKS_TOKEN")
                .hasMessageContaining("DATABRICKS_CLIENT_ID")
                .hasMessageNotContaining("env-token")
                .hasMessageNotContaining("stray-secret");
    }

    @Test
    void theEnvironmentTokenIsUsedAlone() {
        DatabricksConfig config = new Auth(null, null, null, null, null)
                .configure(Map.of("DATABRICKS_HOST", "https://e.example.com", "DATABRICKS_TOKEN", "env-token"));
        assertThat(config.getHost()).isEqualTo("https://e.example.com");
        assertThat(config.getAuthType()).isEqualTo("pat");
    }

    @Test
    void aProfileIsLeftToTheSdk() {
        DatabricksConfig config = new Auth(null, null, "dev", null, null).configure(STRAY);
        assertThat(config.getProfile()).isEqualTo("dev");
        assertThat(config.getHost()).isNull();
        assertThat(config.getToken()).isNull();
    }

    @Test
    void aHostWithoutASchemeIsTakenAsHttps() {
        assertThat(new Auth("adb-1.azuredatabricks.net", Secret.of("t"), null, null, null).host())
                .isEqualTo("https://adb-1.azuredatabricks.net");
        assertThat(new Auth("dbc-9.cloud.databricks.com:8443/", Secret.of("t"), null, null, null).host())
                .isEqualTo("https://dbc-9.cloud.databricks.com:8443/");
        DatabricksConfig config = new Auth(null, null, null, null, null)
                .configure(Map.of("DATABRICKS_HOST", "e.example.com", "DATABRICKS_TOKEN", "env-token"));
        assertThat(config.getHost()).isEqualTo("https://e.example.com");
    }

    @Test
    void aHostThatIsNotAUrlIsRefused() {
        for (String host : new String[] {"ftp://adb-1.azuredatabricks.net", "not a host", "-x.example.com"}) {
            assertThatThrownBy(() -> new Auth(host, Secret.of("t"), null, null, null))
                    .as(host)
                    .isInstanceOf(SyncConfigException.class)
                    .hasMessageContaining("databricks.host");
        }
    }

    /**
     * Without anything that could sign in, configuring fails at once with one line; any one hint of a way
     * the SDK's chain could sign in (a variable it reads, a config file it would read, a CLI holding a
     * login) leaves the decision to the SDK. Environments are drawn at random: the seed is printed.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7})
    void noWayToSignInIsOneLineAndAnyHintDefersToTheSdk(
            int round, @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        long seed = new java.util.SplittableRandom().nextLong() ^ round;
        System.out.println("noWayToSignIn seed " + seed);
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        Map<String, String> env = new java.util.HashMap<>();
        env.put("HOME", tmp.resolve("home").toString());
        env.put("PATH", tmp.resolve("bin").toString());
        // Noise that is no way to sign in.
        if (random.nextBoolean()) {
            env.put("DATABRICKS_RATE_LIMIT", "5");
        }
        if (random.nextBoolean()) {
            env.put("DATABRICKS_TOKEN", "  ");
        }
        String host = random.nextBoolean() ? "https://h" + random.nextInt(1000) + ".example.com" : null;
        if (host == null && random.nextBoolean()) {
            env.put("DATABRICKS_HOST", "https://env" + random.nextInt(1000) + ".example.com");
        }
        Auth auth = new Auth(host, null, null, null, null);
        assertThatThrownBy(() -> auth.configure(env))
                .as("seed " + seed)
                .isInstanceOf(SyncConfigException.class)
                .hasMessageStartingWith(Auth.NO_CREDENTIALS)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));

        Map<String, String> hinted = new java.util.HashMap<>(env);
        java.util.List<String> hints = java.util.List.of(
                "DATABRICKS_CONFIG_PROFILE",
                "DATABRICKS_AUTH_TYPE",
                "DATABRICKS_USERNAME",
                "ARM_CLIENT_ID",
                "GOOGLE_CREDENTIALS",
                "DATABRICKS_METADATA_SERVICE_URL",
                "cli",
                "file");
        String hint = hints.get(random.nextInt(hints.size()));
        switch (hint) {
            case "cli" -> {
                java.nio.file.Path cli = tmp.resolve("bin/databricks");
                java.nio.file.Files.createDirectories(cli.getParent());
                java.nio.file.Files.writeString(cli, "#!/bin/sh\n");
                cli.toFile().setExecutable(true);
            }
            case "file" -> {
                java.nio.file.Path cfg = tmp.resolve("home/.databrickscfg");
                java.nio.file.Files.createDirectories(cfg.getParent());
                java.nio.file.Files.writeString(cfg, "[DEFAULT]\nhost = https://x.example.com\ntoken = t\n");
                if (host != null || hinted.containsKey("DATABRICKS_HOST")) {
                    // With a host the SDK never reads the file: still no way to sign in.
                    assertThatThrownBy(() -> auth.configure(hinted))
                            .as("seed " + seed)
                            .hasMessageStartingWith(Auth.NO_CREDENTIALS);
                    return;
                }
            }
            default -> hinted.put(hint, "x");
        }
        assertThat(auth.configure(hinted)).as("seed " + seed + ", hint " + hint).isNotNull();
    }

    @Test
    void retryAfterIsReadAsSecondsOrADate() {
        assertThat(LimitedHttpClient.parseRetryAfter("3")).contains(java.time.Duration.ofSeconds(3));
        assertThat(LimitedHttpClient.parseRetryAfter("0")).contains(java.time.Duration.ZERO);
        assertThat(LimitedHttpClient.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"))
                .contains(java.time.Duration.ZERO);
        assertThat(LimitedHttpClient.parseRetryAfter("soon")).isEmpty();
    }

    @Test
    void pathsAreEscapedLikeTheCli() {
        assertThat(Workspace.escape("Workspace/Users/a@b.com/my file #1+2.txt"))
                .isEqualTo("Workspace%2FUsers%2Fa%40b.com%2Fmy%20file%20%231%2B2.txt");
        assertThat(Workspace.escape("données")).isEqualTo("donn%C3%A9es");
    }
}
