package dev.workspacesync.git;

import static dev.workspacesync.git.testing.GitTesting.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.Check;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SourceException;
import dev.workspacesync.git.testing.GitSshServer;
import dev.workspacesync.git.testing.GitTesting;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The git source against a real SSH server with public-key auth and known_hosts. */
class GitRemoteSourceSshTest {
    @TempDir
    Path tmp;

    GitSshServer server;
    String commit;

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
        Path work = tmp.resolve("work");
        write(work, "a.txt", "over ssh\n");
        try (Git git =
                Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            commit = git.commit()
                    .setMessage("c")
                    .setAuthor("T", "t@example.invalid")
                    .setCommitter("T", "t@example.invalid")
                    .setSign(false)
                    .call()
                    .name();
            git.push()
                    .setRemote(server.repositoryDirectory().toUri().toString())
                    .add("main")
                    .call();
        }
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private GitRemoteSource source(Path knownHosts) {
        return GitRemoteSource.builder(server.url())
                .sshKey(server.privateKey())
                .knownHosts(knownHosts)
                .workDir(tmp.resolve("cache.git"))
                .build();
    }

    @Test
    void readsTheBranchWithKeyAuthAndKnownHosts() throws Exception {
        try (GitRemoteSource source = source(server.knownHosts())) {
            assertThat(source.check()).allMatch(c -> c.status() == Check.Status.PASSED, "all passed");
            Snapshot snapshot = source.snapshot();
            assertThat(snapshot.revision()).contains(commit);
            try (InputStream in = snapshot.entries().get(0).open()) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                        .isEqualTo("over ssh\n");
            }
            assertThat(source.snapshot().revision()).contains(commit);
        }
    }

    @Test
    void anUntrustedHostKeyFailsClearlyAndLeavesNoCache() {
        try (GitRemoteSource source = source(server.wrongKnownHosts())) {
            assertThatThrownBy(source::snapshot)
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining(server.url())
                    .hasMessageContaining("host key is not trusted")
                    .hasMessageContaining("git.known-hosts");
            assertThat(tmp.resolve("cache.git")).doesNotExist();
        }
    }
}
