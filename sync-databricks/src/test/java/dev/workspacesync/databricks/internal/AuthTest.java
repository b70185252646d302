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
    void aHostThatIsNotAUrlIsRefused() {
        assertThatThrownBy(() -> new Auth("adb-1.azuredatabricks.net", null, null, null, null))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("databricks.host");
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
