package dev.workspacesync.git;

import static dev.workspacesync.git.testing.GitTesting.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncPipeline;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.SyncStatus;
import dev.workspacesync.core.spi.Destination;
import dev.workspacesync.core.spi.Source;
import dev.workspacesync.git.testing.GitTesting;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvidersTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void isolate() {
        GitTesting.isolateJGit();
    }

    @AfterAll
    static void restore() {
        GitTesting.restoreJGit();
    }

    @Test
    void discoveredThroughServiceLoader() {
        ProviderRegistry registry = ProviderRegistry.discover();
        assertThat(registry.source("local")).get().isInstanceOf(LocalProjectSourceProvider.class);
        assertThat(registry.destination("git")).get().isInstanceOf(GitRemoteDestinationProvider.class);
        assertThat(registry.destination("git").orElseThrow().settings())
                .filteredOn(k -> k.secret())
                .extracting(k -> k.key())
                .containsExactlyInAnyOrder("git.token", "git.ssh-key-passphrase");
    }

    @Test
    void settingsDriveASyncOverFileUrls() throws Exception {
        Path remote = GitTesting.bareRepository(tmp.resolve("remote.git"));
        Path project = tmp.resolve("project");
        write(project, "a.txt", "a");
        write(project, "skip.csv", "x");
        SyncSettings settings = SyncSettings.of(Map.of(
                "local.path",
                project.toString(),
                "local.exclude",
                "*.csv",
                "git.remote-url",
                remote.toUri().toString(),
                "git.work-dir",
                tmp.resolve("clone").toString(),
                "git.message",
                "{workspace}|{source}|{added}/{updated}/{deleted}|{unknown}",
                "git.token",
                "file-token-unused-123"));
        ProviderRegistry registry = ProviderRegistry.discover();
        Source source = registry.createSource("local", settings);
        Destination destination = registry.createDestination("git", settings);
        assertThat(destination.secrets()).containsExactly(Secret.of("file-token-unused-123"));
        try (SyncPipeline pipeline =
                SyncPipeline.builder().source(source).destination(destination).build()) {
            SyncReport report = pipeline.run();
            assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
        }
        assertThat(GitTesting.tree(remote, "main")).containsOnlyKeys("a.txt");
        assertThat(GitTesting.log(remote, "main").get(0).getFullMessage())
                .isEqualTo("|" + source.describe() + "|1/0/0|{unknown}");
    }

    @Test
    void badSettingsAreReportedTogether() {
        ProviderRegistry registry = ProviderRegistry.discover();
        assertThatThrownBy(() -> registry.createDestination("git", SyncSettings.of(Map.of("git.push-attempts", "x"))))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("git.remote-url")
                .hasMessageContaining("git.push-attempts");
        assertThatThrownBy(() -> registry.createSource("local", SyncSettings.of(Map.of("local.mode", "both"))))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("local.path")
                .hasMessageContaining("local.mode");
        assertThatThrownBy(() -> registry.createDestination(
                        "git", SyncSettings.of(Map.of("git.remote-url", "https://h/r.git", "git.branch", "a..b"))))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("git.branch");
    }

    @Test
    void durationsTakeAUnitAndBadOnesNameTheKey() {
        SyncSettings good = SyncSettings.of(Map.of("git.deadline", "90s", "git.cache-max-idle", "2d", "n", "15"));
        assertThat(GitRemoteDestinationProvider.duration(good, "git.deadline", java.time.Duration.ZERO))
                .isEqualTo(java.time.Duration.ofSeconds(90));
        assertThat(GitRemoteDestinationProvider.duration(good, "git.cache-max-idle", java.time.Duration.ZERO))
                .isEqualTo(java.time.Duration.ofDays(2));
        assertThat(GitRemoteDestinationProvider.duration(good, "n", java.time.Duration.ZERO))
                .isEqualTo(java.time.Duration.ofSeconds(15));
        assertThat(GitRemoteDestinationProvider.duration(good, "absent", java.time.Duration.ofMinutes(1)))
                .isEqualTo(java.time.Duration.ofMinutes(1));
        for (String bad : new String[] {"0s", "-5s", "soon", "5 weeks", "1.5m"}) {
            assertThatThrownBy(() -> ProviderRegistry.discover()
                            .createDestination(
                                    "git",
                                    SyncSettings.of(Map.of("git.remote-url", "https://h/r.git", "git.deadline", bad))))
                    .as(bad)
                    .isInstanceOf(SyncConfigException.class)
                    .hasMessageContaining("git.deadline")
                    .hasMessageContaining("30s");
        }
    }
}
