package dev.workspacesync.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncConfigException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** git.remote-url: Compose hosts, https refused where TLS cannot verify, credentials taken or refused. */
class RemoteUrlRulesTest {
    @TempDir
    Path tmp;

    @Test
    void aComposeHostOverHttpIsATarget() {
        try (GitRemoteDestination d = GitRemoteDestination.builder("http://git_server:3000/acme/backup.git")
                .workDir(tmp.resolve("clone"))
                .build()) {
            assertThat(d.target()).isEqualTo("http://git_server:3000/acme/backup.git#main");
        }
    }

    @Test
    void httpsToAComposeHostIsRefusedNotWeakened() {
        assertThatThrownBy(() -> GitRemoteDestination.builder("https://git_server/acme/backup.git")
                        .workDir(tmp.resolve("clone"))
                        .build())
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("git.remote-url")
                .hasMessageContaining("'_'");
    }

    @Test
    void aTokenInTheUrlThatContradictsGitTokenIsRefusedShowingNeither() {
        assertThatThrownBy(() -> GitRemoteDestination.builder("https://TOKEN-IN-URL-1@github.com/acme/r.git")
                        .token(Secret.of("TOKEN-SET-2"))
                        .workDir(tmp.resolve("clone"))
                        .build())
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("git.remote-url")
                .hasMessageContaining("git.token (GIT_TOKEN)")
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain("TOKEN-IN-URL-1")
                        .doesNotContain("TOKEN-SET-2"));
        assertThatThrownBy(() -> GitRemoteDestination.builder("https://alice:tok@github.com/acme/r.git")
                        .username("bob")
                        .workDir(tmp.resolve("clone"))
                        .build())
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("git.username")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("tok@"));
        // The same token in both places is no contradiction.
        try (GitRemoteDestination d = GitRemoteDestination.builder("https://same-1@github.com/acme/r.git")
                .token(Secret.of("same-1"))
                .workDir(tmp.resolve("clone"))
                .build()) {
            assertThat(d.target()).isEqualTo("https://github.com/acme/r.git#main");
        }
    }
}
