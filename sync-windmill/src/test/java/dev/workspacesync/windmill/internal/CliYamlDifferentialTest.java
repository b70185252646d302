package dev.workspacesync.windmill.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link CliYaml#write} against the {@code yaml} library the pinned {@code wmill} CLI bundles, run with the CLI's
 * own options ({@code src/test/wmill/yaml-judge.mjs}), on thousands of seeded random JSON documents: the same
 * JSON text goes through our reader and writer and through {@code JSON.parse} and {@code stringify}, and the
 * bytes must match. {@code -Dyaml.seed=N} replays a run, {@code -Dyaml.count=N} sets its size (default 3000, and 1,000 numbers per 200);
 * {@code sync-windmill/scripts/yaml-differential.sh} runs many.
 */
class CliYamlDifferentialTest {
    static final Path JUDGE = Path.of("src/test/wmill/yaml-judge.mjs").toAbsolutePath();
    static final Path CLI_BUNDLE = Path.of("src/test/wmill/node_modules/windmill-cli/esm/main.js");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void randomDocumentsAreWrittenByteForByteAsTheCliWritesThem() throws Exception {
        assumeTrue(Files.isRegularFile(CLI_BUNDLE), "the wmill CLI is installed by the Maven build");
        long seed = Long.getLong("yaml.seed", System.nanoTime());
        int count = Integer.getInteger("yaml.count", 3000);
        System.out.println("CliYamlDifferentialTest seed " + seed + " count " + count + " (replay: -Dyaml.seed=" + seed
                + " -Dyaml.count=" + count + ")");
        SplittableRandom random = new SplittableRandom(seed);
        List<String> docs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            docs.add(RandomJson.document(random));
        }
        for (int i = 0; i < Math.max(1, count / 200); i++) {
            docs.add(RandomJson.numbers(random, 1000));
        }
        docs.addAll(RandomJson.fixedDocuments());
        List<String> expected = judge(docs);
        assertThat(expected).hasSameSizeAs(docs);
        List<String> failures = new ArrayList<>();
        int failed = 0;
        for (int i = 0; i < docs.size(); i++) {
            String actual;
            try {
                actual = CliYaml.write(CliJson.read(docs.get(i).getBytes(StandardCharsets.UTF_8)));
            } catch (RuntimeException e) {
                actual = "!exception " + e;
            }
            if (!actual.equals(expected.get(i))) {
                failed++;
                if (failures.size() < 5) {
                    failures.add("document " + i + ": " + docs.get(i) + "\n  cli:  "
                            + CliYaml.jsonString(expected.get(i)) + "\n  ours: " + CliYaml.jsonString(actual));
                }
            }
        }
        assertThat(failures)
                .as("seed %d: %d of %d documents differ; the first ones", seed, failed, docs.size())
                .isEmpty();
    }

    /** The judge's YAML for each document, in order. */
    static List<String> judge(List<String> docs) throws IOException, InterruptedException {
        Process node = new ProcessBuilder("node", JUDGE.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> {
            try {
                return node.getInputStream().readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (OutputStream in = node.getOutputStream()) {
            for (String doc : docs) {
                in.write(doc.getBytes(StandardCharsets.UTF_8));
                in.write('\n');
            }
        }
        byte[] out = output.join();
        if (!node.waitFor(5, TimeUnit.MINUTES)) {
            node.destroyForcibly();
            throw new IllegalStateException("yaml-judge.mjs timed out");
        }
        assertThat(node.exitValue()).as("yaml-judge.mjs exit code").isZero();
        List<String> results = new ArrayList<>();
        for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                results.add(JSON.readValue(line, String.class));
            }
        }
        return results;
    }
}
