package dev.workspacesync.examples.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.directory.DirectoryDestinationProvider;
import dev.workspacesync.core.spi.SettingKey;
import dev.workspacesync.core.spi.Source;
import dev.workspacesync.core.spi.SourceProvider;
import dev.workspacesync.core.testing.InMemorySource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the deploy target is read from the environment and the options. */
class DeployServiceTest {
    /** A source with the git source's branch keys (the real one lives in sync-git). */
    static final class BranchedSource implements SourceProvider {
        @Override
        public String type() {
            return "git";
        }

        @Override
        public String description() {
            return "test";
        }

        @Override
        public List<SettingKey> settings() {
            return List.of(
                    SettingKey.required("git.remote-url", SettingKey.Type.STRING, "remote")
                            .withEnvironmentAlias("GIT_REMOTE_URL"),
                    SettingKey.optional("git.ref", SettingKey.Type.STRING, null, "ref"),
                    SettingKey.optional("git.branch", SettingKey.Type.STRING, "main", "branch")
                            .withEnvironmentAlias("GIT_BRANCH"),
                    SettingKey.secret("git.token", false, "token").withEnvironmentAlias("GIT_TOKEN"));
        }

        @Override
        public Source create(SyncSettings settings) {
            return new InMemorySource("git");
        }
    }

    private final ProviderRegistry registry =
            ProviderRegistry.of(List.of(new BranchedSource()), List.of(new DirectoryDestinationProvider()));

    private DeployService.Target configure(Map<String, String> env, List<String> branches) {
        return DeployService.configure(registry, "git", "directory", env, branches, List.of());
    }

    @Test
    void theConfiguredBranchIsTheDefaultAndTheRemoteTheRepository() {
        Map<String, String> env = Map.of(
                "GIT_REMOTE_URL", "https://git.example.com/acme/app.git",
                "GIT_TOKEN", "tok-123",
                "WORKSPACE_SYNC_DIRECTORY_PATH", "/tmp/x");
        DeployService.Target target = configure(env, List.of());
        assertThat(target.branchKey()).isEqualTo("git.branch");
        assertThat(target.branches()).containsExactly("main");
        assertThat(target.repositories()).containsExactly("https://git.example.com/acme/app.git");
        assertThat(target.name()).isEqualTo("deploy git https://git.example.com/acme/app.git -> directory");
        assertThat(target.settingsFor(null).string("git.branch")).isEqualTo("main");
        assertThat(target.settingsFor("release").string("git.branch")).isEqualTo("release");

        DeployService.Target staging = configure(
                Map.of(
                        "GIT_REMOTE_URL", "https://git.example.com/acme/app.git",
                        "GIT_BRANCH", "staging",
                        "WORKSPACE_SYNC_DIRECTORY_PATH", "/tmp/x"),
                List.of());
        assertThat(staging.branches()).containsExactly("staging");
        assertThat(configure(env, List.of(" prod ", "hotfix/1")).branches()).containsExactly("prod", "hotfix/1");
        assertThat(target.sameRepository(List.of("git@git.example.com:acme/app.git")))
                .isTrue();
        assertThat(target.sameRepository(List.of("https://git.example.com/acme/other.git")))
                .isFalse();
        assertThat(target.sameRepository(List.of())).isFalse();
    }

    @Test
    void scopedVariablesAreTheirSidesKeys() {
        Map<String, String> env = Map.of(
                "WORKSPACE_SYNC_SOURCE_GIT_REMOTE_URL", "https://git.example.com/acme/app.git",
                "WORKSPACE_SYNC_SOURCE_GIT_BRANCH", "release",
                "WORKSPACE_SYNC_DESTINATION_DIRECTORY_PATH", "/tmp/x");
        DeployService.Target target = configure(env, List.of());
        assertThat(target.branches()).containsExactly("release");
        assertThat(target.repositories()).containsExactly("https://git.example.com/acme/app.git");
        assertThat(target.settingsFor("main").forSource().string("git.branch")).isEqualTo("main");
        assertThat(target.settingsFor(null).forDestination().string("directory.path"))
                .isEqualTo("/tmp/x");

        // serve's backup side (windmill -> git) would refuse these; the deploy direction takes its own.
        Map<String, String> mixed = Map.of(
                "WORKSPACE_SYNC_DESTINATION_DIRECTORY_PATH", "/tmp/x",
                "WORKSPACE_SYNC_SOURCE_GIT_BRANCH", "release",
                "WORKSPACE_SYNC_SOURCE_DIRECTORY_PATH", "/tmp/y",
                "WORKSPACE_SYNC_DIRECTORY_PAHT", "/tmp/z");
        DeployOptions.Choice choice = new DeployOptions.Choice("git", "directory", List.of(), null, List.of());
        assertThat(choice.withoutOwnVariables(registry, mixed))
                .containsOnlyKeys("WORKSPACE_SYNC_SOURCE_DIRECTORY_PATH", "WORKSPACE_SYNC_DIRECTORY_PAHT");
    }

    @Test
    void misconfigurationStopsTheServiceNamingWhatToFix() {
        assertThatThrownBy(() -> DeployService.configure(registry, "gti", "directroy", Map.of(), List.of(), List.of()))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("Unknown deploy source type 'gti'")
                .hasMessageContaining("Unknown deploy destination type 'directroy'");
        assertThatThrownBy(() -> configure(Map.of(), List.of()))
                .hasMessageContaining("git.remote-url")
                .hasMessageContaining("directory.path");
        Map<String, String> env =
                Map.of("GIT_REMOTE_URL", "https://h/r.git", "WORKSPACE_SYNC_DIRECTORY_PATH", "/tmp/x");
        assertThatThrownBy(() -> configure(env, List.of("ok", "bad..name")))
                .hasMessageContaining(DeployOptions.BRANCHES_VARIABLE)
                .hasMessageContaining("'bad..name'");
        assertThatThrownBy(() -> configure(
                        Map.of(
                                "GIT_REMOTE_URL", "https://h/r.git",
                                "WORKSPACE_SYNC_GIT_REF", "v1.0",
                                "WORKSPACE_SYNC_DIRECTORY_PATH", "/tmp/x"),
                        List.of()))
                .hasMessageContaining("git.ref is set, but deploys follow branches");
    }

    @Test
    void optionsWinOverTheEnvironmentAndNameTheMissingHalf() {
        DeployOptions none = new DeployOptions();
        assertThat(none.choice(Map.of())).isNull();
        DeployOptions.Choice choice = none.choice(Map.of(
                DeployOptions.SOURCE_VARIABLE, "git",
                DeployOptions.BRANCHES_VARIABLE, "main, release",
                DeployOptions.SECRET_VARIABLE, "hook"));
        assertThat(choice.destination()).isEqualTo("windmill");
        assertThat(choice.branches()).containsExactly("main", "release");
        assertThat(choice.secret().reveal()).isEqualTo("hook");
        assertThat(none.choice(Map.of(DeployOptions.DESTINATION_VARIABLE, "directory"))
                        .source())
                .isEqualTo("git");
        assertThatThrownBy(() -> none.choice(Map.of(DeployOptions.SECRET_VARIABLE, "hook")))
                .hasMessageContaining("without a deploy direction")
                .hasMessageNotContaining("hook\"");
        assertThat(SettingsResolver.OTHER_VARIABLES).containsAll(DeployOptions.VARIABLES);
    }
}
