package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.SyncConfigException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve's start-up check of scoped variables knows the deploy direction as well as the backup's. */
class ServeDeployVariablesTest {
    @TempDir
    java.nio.file.Path dir;

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        env.put("GIT_REMOTE_URL", "https://git.example.com/acme/windmill.git");
        env.put("WORKSPACE_SYNC_DESTINATION_WINDMILL_BASE_URL", "http://127.0.0.1:9");
        env.put("WORKSPACE_SYNC_DESTINATION_WINDMILL_WORKSPACE", "prod");
        env.put("WORKSPACE_SYNC_DESTINATION_WINDMILL_TOKEN", "deploy-token-77");
        return env;
    }

    @Test
    void destinationWindmillVariablesAreTheDeploysAndRefusedWithoutOne() throws Exception {
        // Backups alone (windmill -> git): a windmill key scoped to the destination side is a mistake.
        assertThatThrownBy(() -> ServeCommand.start(
                                env(), ProviderRegistry.discover(), new InetSocketAddress("127.0.0.1", 0), 1)
                        .close())
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("WORKSPACE_SYNC_DESTINATION_WINDMILL_TOKEN")
                .hasMessageNotContaining("deploy-token-77");

        Map<String, String> deploying = env();
        deploying.put("WORKSPACE_SYNC_DEPLOY_SOURCE", "git");
        deploying.put("WORKSPACE_SYNC_DEPLOY_DESTINATION", "windmill");
        try (ServeCommand.Running running =
                ServeCommand.start(deploying, ProviderRegistry.discover(), new InetSocketAddress("127.0.0.1", 0), 1)) {
            assertThat(running.describe()).contains("deploy git https://git.example.com/acme/windmill.git -> windmill");
        }

        // A scoped variable neither direction takes is still refused.
        deploying.put("WORKSPACE_SYNC_SOURCE_DIRECTORY_PATH", "/tmp/x");
        assertThatThrownBy(() -> ServeCommand.start(
                                deploying, ProviderRegistry.discover(), new InetSocketAddress("127.0.0.1", 0), 1)
                        .close())
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("WORKSPACE_SYNC_SOURCE_DIRECTORY_PATH");
    }
}
