package dev.workspacesync.git;

import static dev.workspacesync.git.testing.GitTesting.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.workspacesync.core.RetryPolicy;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncPipeline;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncStatus;
import dev.workspacesync.core.testing.CapturedOutput;
import dev.workspacesync.git.testing.GitSshServer;
import dev.workspacesync.git.testing.GitTesting;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The git destination over a real SSH server on 127.0.0.1, with key auth and known_hosts. */
class GitRemoteDestinationSshTest {
    @TempDir
    Path tmp;

    GitSshServer server;
    Path project;

    @BeforeAll
    static void isolate() {
        GitTesting.isolateJGit();
    }

    @AfterAll
    static void restore() {
        GitTesting.restoreJGit();
    }

    @BeforeEach
    void start() throws Exception {
        server = new GitSshServer(tmp.resolve("server"));
        project = Files.createDirectories(tmp.resolve("project"));
        write(project, "a.txt", "over ssh\n");
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private SyncReport sync(Path knownHosts) {
        return sync(GitRemoteDestination.builder(server.url())
                .sshKey(server.privateKey())
                .knownHosts(knownHosts)
                .workDir(tmp.resolve("clone"))
                .build());
    }

    private SyncReport sync(GitRemoteDestination destination) {
        try (SyncPipeline pipeline = SyncPipeline.builder()
                .source(LocalProjectSource.builder(project).build())
                .destination(destination)
                .retryPolicy(RetryPolicy.none())
                .build()) {
            return pipeline.run();
        }
    }

    @Test
    void pushesWithKeyAuthAndKnownHosts() throws Exception {
        SyncReport report = sync(server.knownHosts());
        assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(GitTesting.tree(server.repositoryDirectory(), "main"))
                .containsOnlyKeys("a.txt")
                .containsEntry("a.txt", new GitTesting.TreeFile("over ssh\n", false));

        write(project, "b.txt", "second\n");
        assertThat(sync(server.knownHosts()).status()).isEqualTo(SyncStatus.SYNCED);
        assertThat(sync(server.knownHosts()).status()).isEqualTo(SyncStatus.NO_CHANGES);
        assertThat(GitTesting.log(server.repositoryDirectory(), "main")).hasSize(2);
    }

    @Test
    void encryptedKeyWithItsPassphraseWhichNeverShows() throws Exception {
        String passphrase = "pass-phrase-5d1e7a";
        Path key = server.writeEncryptedKey(tmp.resolve("id_encrypted"), passphrase);
        try (CapturedOutput output = new CapturedOutput()) {
            SyncReport report = sync(GitRemoteDestination.builder(server.url())
                    .sshKey(key)
                    .sshKeyPassphrase(Secret.of(passphrase))
                    .knownHosts(server.knownHosts())
                    .workDir(tmp.resolve("clone"))
                    .build());
            assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
            SyncReport wrong = sync(GitRemoteDestination.builder(server.url())
                    .sshKey(key)
                    .sshKeyPassphrase(Secret.of("not-" + passphrase))
                    .knownHosts(server.knownHosts())
                    .workDir(tmp.resolve("clone2"))
                    .build());
            assertThat(wrong.status()).isEqualTo(SyncStatus.FAILED);
            assertThat(report + " " + wrong).doesNotContain(passphrase);
            assertThat(output.text()).doesNotContain(passphrase);
        }
        assertThat(GitTesting.tree(server.repositoryDirectory(), "main")).containsOnlyKeys("a.txt");
    }

    @Test
    void unknownHostKeyFailsClearly() throws Exception {
        SyncReport report = sync(server.wrongKnownHosts());
        assertThat(report.status()).isEqualTo(SyncStatus.FAILED);
        assertThat(report.destinations().get(0).message())
                .contains(server.url())
                .contains("host key is not trusted")
                .contains("git.known-hosts");
        assertThat(GitTesting.log(server.repositoryDirectory(), "main")).isEmpty();
    }

    @Test
    void missingKnownHostsEntryFailsToo() throws Exception {
        Path empty = Files.writeString(tmp.resolve("empty_known_hosts"), "");
        SyncReport report = sync(empty);
        assertThat(report.status()).isEqualTo(SyncStatus.FAILED);
        assertThat(report.destinations().get(0).message()).contains(server.url());
    }
}
