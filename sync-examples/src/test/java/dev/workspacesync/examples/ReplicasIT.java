package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.git.testing.GitHttpServer;
import dev.workspacesync.git.testing.GitTesting;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas of {@code serve --targets} (two real processes, each with its own clone cache) on one
 * targets file and one smart-HTTP git remote: 50 {@code /sync} triggers spread over both, the source
 * directory changed before each round of concurrent triggers. The remote's atomic ref update is the
 * compare-and-swap: a replica whose push is rejected fetches, mirrors again and, finding the other's
 * commit already has its snapshot, pushes nothing. One round forces that race deterministically (the
 * first replica's push is held by a proxy until the second has pushed).
 *
 * <p>After every round, and at the end: the branch's tree equals the source, and history has exactly one
 * commit per change, none empty, no tree twice.
 */
class ReplicasIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROUNDS = 10;
    private static final int TRIGGERS_PER_ROUND = 5;

    @TempDir
    Path dir;

    private GitHttpServer git;
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void isolate() {
        GitTesting.isolateJGit();
    }

    @AfterAll
    static void restore() {
        GitTesting.restoreJGit();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
        if (git != null) {
            git.close();
        }
    }

    private Map<String, String> env(String name, String remoteUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", dir.resolve(name + "-home").toString());
        // Each replica has its own cache (clone and state), as each pod has its own volume.
        env.put("XDG_CACHE_HOME", dir.resolve(name + "-cache").toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_TOKEN", GitHttpServer.PASSWORD);
        env.put("REMOTE_URL", remoteUrl);
        return env;
    }

    @Test
    void twoReplicasOnOneRemoteLoseNothingAndCommitEachChangeOnce() throws Exception {
        long seed = System.nanoTime();
        System.out.println("ReplicasIT seed: " + seed);
        SplittableRandom random = new SplittableRandom(seed);

        git = new GitHttpServer(dir.resolve("server"));
        git.createRepository("backup");
        Path remote = git.directory("backup");
        String url = git.url("backup");
        String base = url.substring(0, url.indexOf("/git/"));
        HoldingProxy proxy = new HoldingProxy(base, path -> path.endsWith("/git-receive-pack"));
        cleanup.add(proxy);

        Path source = Files.createDirectories(dir.resolve("source"));
        Path targets = dir.resolve("targets.yaml");
        Files.writeString(targets, """
                targets:
                  - name: project
                    source: local
                    destinations: [git]
                    settings:
                      local.path: %s
                      git.remote-url: ${env:REMOTE_URL}
                      git.username: %s
                      git.token: ${env:GIT_TOKEN}
                      git.author-name: Replica Bot
                      git.author-email: replica@example.invalid
                """.formatted(source, GitHttpServer.USER));

        // Replica a reaches the remote through the proxy (the same repository), replica b directly.
        ServeProcess a =
                ServeProcess.start(dir.resolve("a"), env("a", url.replace(base, proxy.url())), "info", new String[] {
                    "--targets", targets.toString()
                });
        cleanup.add(a);
        ServeProcess b = ServeProcess.start(
                dir.resolve("b"), env("b", url), "info", new String[] {"--targets", targets.toString()});
        cleanup.add(b);
        List<ServeProcess> replicas = List.of(a, b);

        Map<String, String> files = new TreeMap<>();
        int triggers = 0;
        int changes = 0;
        List<String> statuses = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            change(source, files, random, round);
            changes++;
            if (round == 1) {
                // The forced race: a plans and commits on the old head, its push is held; b pushes first.
                CompletableFuture<HttpResponse<String>> held = sync(a);
                assertThat(proxy.awaitHeld(Duration.ofSeconds(120)))
                        .as("replica a's push reached the proxy:%n%s", a.output())
                        .isTrue();
                statuses.add(status(sync(b).join(), b));
                proxy.release();
                statuses.add(status(held.join(), a));
                triggers += 2;
                for (int i = 2; i < TRIGGERS_PER_ROUND; i++) {
                    statuses.add(status(sync(replicas.get(i % 2)).join(), replicas.get(i % 2)));
                    triggers++;
                }
            } else {
                // Concurrent triggers on both replicas, the first one alternating.
                List<CompletableFuture<HttpResponse<String>>> round0 = new ArrayList<>();
                List<ServeProcess> to = new ArrayList<>();
                for (int i = 0; i < TRIGGERS_PER_ROUND; i++) {
                    ServeProcess replica = replicas.get((i + round) % 2);
                    round0.add(sync(replica));
                    to.add(replica);
                    triggers++;
                }
                for (int i = 0; i < round0.size(); i++) {
                    statuses.add(status(round0.get(i).join(), to.get(i)));
                }
            }
            assertThat(tree(remote)).as("after round %d (seed %d)", round, seed).isEqualTo(files);
        }
        assertThat(triggers).isEqualTo(ROUNDS * TRIGGERS_PER_ROUND);

        List<RevCommit> log = GitTesting.log(remote, "main");
        assertThat(log).as("one commit per change (statuses %s)", statuses).hasSize(changes);
        Set<String> trees = new HashSet<>();
        for (RevCommit commit : log) {
            assertThat(trees.add(commit.getTree().name()))
                    .as("no tree twice: %s", commit.name())
                    .isTrue();
        }
        assertThat(statuses).contains("SYNCED").doesNotContain("FAILED", "REFUSED", "INCOMPLETE");
        assertThat(a.output() + b.output())
                .as("the forced race went through a rejected push and a fetch")
                .contains("was rejected (the remote moved)");

        JsonNode status = JSON.readTree(get(a, "/status"));
        assertThat(status.path("targets").get(0).path("target").asText()).isEqualTo("project");
        assertThat(status.path("targets").get(0).path("consecutiveFailures").asInt())
                .isZero();
    }

    /** One distinct change per round: an edit, an addition, sometimes a deletion. */
    private static void change(Path source, Map<String, String> files, SplittableRandom random, int round)
            throws Exception {
        String added = "notes/round-" + round + ".txt";
        GitTesting.write(source, added, "round " + round + " " + random.nextInt() + "\n");
        files.put(added, Files.readString(source.resolve(added)));
        GitTesting.write(source, "state.txt", "round " + round + "\n");
        files.put("state.txt", "round " + round + "\n");
        if (round >= 3 && random.nextBoolean()) {
            String gone = "notes/round-" + (round - 3) + ".txt";
            if (files.remove(gone) != null) {
                Files.delete(source.resolve(gone));
            }
        }
    }

    private static Map<String, String> tree(Path remote) throws Exception {
        Map<String, String> tree = new TreeMap<>();
        GitTesting.tree(remote, "main").forEach((path, file) -> tree.put(path, file.content()));
        return tree;
    }

    private CompletableFuture<HttpResponse<String>> sync(ServeProcess replica) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(replica.url("/sync?target=project")))
                .timeout(Duration.ofSeconds(180))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String status(HttpResponse<String> response, ServeProcess replica) throws Exception {
        assertThat(response.statusCode())
                .as("%s%n%s", response.body(), replica.output())
                .isEqualTo(200);
        return JSON.readTree(response.body()).path("status").asText();
    }

    private String get(ServeProcess replica, String path) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(replica.url(path))).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
