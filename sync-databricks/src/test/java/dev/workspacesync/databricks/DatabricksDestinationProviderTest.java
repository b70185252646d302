package dev.workspacesync.databricks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.spi.Destination;
import dev.workspacesync.core.spi.SettingKey;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabricksDestinationProviderTest {
    @Test
    void isFoundByDiscovery() {
        ProviderRegistry registry = ProviderRegistry.discover();
        assertThat(registry.destination("databricks")).get().isInstanceOf(DatabricksDestinationProvider.class);
    }

    @Test
    void declaresItsSettingsWithDefaultsAndSecrets() {
        var keys = new DatabricksDestinationProvider().settings();
        assertThat(keys)
                .extracting(SettingKey::key)
                .contains(
                        "databricks.host",
                        "databricks.token",
                        "databricks.profile",
                        "databricks.client-id",
                        "databricks.client-secret",
                        "databricks.root",
                        "databricks.project",
                        "databricks.concurrency",
                        "databricks.rate-limit",
                        "databricks.state-dir",
                        "databricks.reconcile",
                        "databricks.reconcile-every-runs",
                        "databricks.reconcile-every",
                        "databricks.deadline");
        assertThat(keys)
                .filteredOn(SettingKey::secret)
                .extracting(SettingKey::key)
                .containsExactlyInAnyOrder("databricks.token", "databricks.client-secret");
        assertThat(keys)
                .filteredOn(k -> k.key().equals("databricks.concurrency"))
                .extracting(SettingKey::defaultValue)
                .containsExactly("8");
        assertThat(keys)
                .filteredOn(k -> k.key().equals("databricks.rate-limit"))
                .extracting(SettingKey::defaultValue)
                .containsExactly("20");
    }

    @Test
    void createsADestinationFromSettingsWithoutIo() {
        Destination destination = ProviderRegistry.discover()
                .createDestination(
                        "databricks",
                        SyncSettings.of(Map.of(
                                "databricks.host", "https://adb-1.2.azuredatabricks.net/",
                                "databricks.token", "dapi-abc",
                                "databricks.root", "/Workspace/Shared/etl",
                                "databricks.concurrency", "3")));
        assertThat(destination.type()).isEqualTo("databricks");
        assertThat(destination.target())
                .isEqualTo("databricks:https://adb-1.2.azuredatabricks.net/Workspace/Shared/etl");
        assertThat(destination.secrets()).hasSize(1);
    }

    @Test
    void anAmbiguousSignInNamesTheKeys() {
        assertThatThrownBy(() -> ProviderRegistry.discover()
                        .createDestination(
                                "databricks",
                                SyncSettings.of(Map.of(
                                        "databricks.host", "https://h.example.com",
                                        "databricks.token", "dapi-abc",
                                        "databricks.client-id", "sp-1",
                                        "databricks.client-secret", "s3cr3t"))))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("databricks.token")
                .hasMessageContaining("databricks.client-id")
                .hasMessageNotContaining("dapi-abc")
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void aRelativeRootIsRejected() {
        assertThatThrownBy(() -> ProviderRegistry.discover()
                        .createDestination(
                                "databricks",
                                SyncSettings.of(Map.of("databricks.token", "t", "databricks.root", "Users/x"))))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("databricks.root");
    }

    @Test
    void durationsTakeUnitsAndBadOnesNameTheKey() {
        SyncSettings settings = SyncSettings.of(Map.of(
                "databricks.deadline", "90",
                "databricks.reconcile-every", "7d",
                "a", "15m",
                "b", "PT2H",
                "c", "500ms",
                "zero", "0"));
        assertThat(DatabricksDestinationProvider.duration(settings, "databricks.deadline", "60s", false))
                .isEqualTo(java.time.Duration.ofSeconds(90));
        assertThat(DatabricksDestinationProvider.duration(settings, "databricks.reconcile-every", "24h", true))
                .isEqualTo(java.time.Duration.ofDays(7));
        assertThat(DatabricksDestinationProvider.duration(settings, "a", "1s", false))
                .isEqualTo(java.time.Duration.ofMinutes(15));
        assertThat(DatabricksDestinationProvider.duration(settings, "b", "1s", false))
                .isEqualTo(java.time.Duration.ofHours(2));
        assertThat(DatabricksDestinationProvider.duration(settings, "c", "1s", false))
                .isEqualTo(java.time.Duration.ofMillis(500));
        assertThat(DatabricksDestinationProvider.duration(settings, "zero", "1s", true))
                .isNull();
        assertThat(DatabricksDestinationProvider.duration(settings, "missing", "60s", false))
                .isEqualTo(java.time.Duration.ofSeconds(60));
        for (String bad : new String[] {"soon", "-5s", "0", "1y", "9999999999s"}) {
            assertThatThrownBy(() -> DatabricksDestinationProvider.duration(
                            SyncSettings.of(Map.of("databricks.deadline", bad)), "databricks.deadline", "60s", false))
                    .as(bad)
                    .isInstanceOf(SyncConfigException.class)
                    .hasMessageContaining("databricks.deadline")
                    .hasMessageContaining(bad);
        }
    }
}
