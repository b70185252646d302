package dev.workspacesync.databricks.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** databricks.host and DATABRICKS_HOST: Compose names over http, no credentials inside, never shown. */
class HostRulesTest {
    @Test
    void aComposeHostOverHttpIsAccepted() {
        Auth auth = new Auth("http://dbx_host:8000", Secret.of("t"), null, null, null);
        assertThat(auth.configure(Map.of()).getHost()).isEqualTo("http://dbx_host:8000");
        assertThat(auth.describeHost(Map.of())).isEqualTo("http://dbx_host:8000");
    }

    @Test
    void httpsToAComposeHostIsRefusedNotWeakened() {
        assertThatThrownBy(() -> new Auth("https://dbx_host", Secret.of("t"), null, null, null))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("databricks.host")
                .hasMessageContaining("'_'");
    }

    @Test
    void credentialsInTheHostAreRefusedWithoutShowingThem() {
        for (String host : new String[] {
            "http://u:PASSWORD-1@dbx_host:8000", "https://PASSWORD-1@adb-1.azuredatabricks.net", "u:PASSWORD-1@host"
        }) {
            assertThatThrownBy(() -> new Auth(host, Secret.of("t"), null, null, null))
                    .isInstanceOf(SyncConfigException.class)
                    .hasMessageContaining("databricks.host")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("PASSWORD-1"));
        }
        assertThatThrownBy(() -> new Auth(null, null, null, null, null)
                        .configure(Map.of("DATABRICKS_HOST", "http://x:PASSWORD-1@dbx_host", "DATABRICKS_TOKEN", "t")))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("DATABRICKS_HOST")
                .hasMessageContaining("databricks.token' (DATABRICKS_TOKEN)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("PASSWORD-1"));
    }
}
