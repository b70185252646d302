package dev.workspacesync.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingKeyTest {
    @Test
    void aMissingSettingAsksForTheNameOfTheEnvironmentPeopleKnow() {
        SettingKey token =
                SettingKey.secret("windmill.token", true, "A Windmill token").withEnvironmentAlias("WINDMILL_TOKEN");
        assertThat(token.environmentName()).isEqualTo("WORKSPACE_SYNC_WINDMILL_TOKEN");
        assertThat(token.preferredEnvironmentName()).isEqualTo("WINDMILL_TOKEN");
        assertThat(token.secret()).isTrue();
        assertThat(token.required()).isTrue();
        assertThatThrownBy(() -> SyncSettings.of(Map.of()).validate(List.of(token)))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("environment variable WINDMILL_TOKEN")
                .hasMessageNotContaining("WORKSPACE_SYNC_WINDMILL_TOKEN");
    }

    @Test
    void withoutAnAliasTheGenericNameIsAskedFor() {
        SettingKey dir = SettingKey.required("git.work-dir", SettingKey.Type.PATH, "clone directory");
        assertThat(dir.environmentAlias()).isNull();
        assertThat(dir.preferredEnvironmentName()).isEqualTo("WORKSPACE_SYNC_GIT_WORK_DIR");
    }
}
