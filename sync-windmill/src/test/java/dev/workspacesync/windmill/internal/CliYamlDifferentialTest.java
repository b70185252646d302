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
 * bytes must match. A fixed seed per build; {@code -Dyaml.seed=N} picks another, {@code -Dyaml.count=N} sets the
 * number of documents (default 2000, plus 1,000 numbers per 200 documents); {@code
 * sync-windmill/bench/yaml-differential.sh} runs many fresh seeds.
 */
class CliYamlDifferentialTest {
    static final Path JUDGE = Path.of("src/test/wmill/yaml-judge.mjs").toAbsolutePath();
    static final Path CLI_BUNDLE = Path.of("src/test/wmill/node_modules/windmill-cli/esm/main.js");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The seed of every build (a build never depends on the clock); the script explores fresh ones. */
    static final long SEED = 20261202L;

    @Test
    void randomDocumentsAreWrittenByteForByteAsTheCliWritesThem() throws Exception {
        assumeTrue(Files.isRegularFile(CLI_BUNDLE), "the wmill CLI is installed by the Maven build");
        long seed = Long.getLong("yaml.seed", SEED);
        int count = Integer.getInteger("yaml.count", 2000);
        Result result = run(seed, count);
        assertThat(result.failures())
                .as(
                        "seed %d: %d of %d documents differ (replay: -Dyaml.seed=%d -Dyaml.count=%d); the first ones",
                        seed, result.failed(), result.documents(), seed, count)
                .isEmpty();
    }

    /**
     * Long runs ({@code sync-windmill/bench/yaml-differential.sh}): {@code <rounds> <documents per round>},
     * a fresh seed per round; exits 1 after the first round with a difference.
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        for (int i = 0; i < rounds; i++) {
            long seed = System.nanoTime();
            Result result = run(seed, count);
            System.out.printf(
                    "round %d seed %d: %d of %d documents differ%n", i + 1, seed, result.failed(), result.documents());
            if (result.failed() > 0) {
                result.failures().forEach(System.out::println);
                System.exit(1);
            }
        }
    }

    /** Documents compared, how many differed, and the first few differences in full. */
    record Result(int documents, int failed, List<String> failures) {}

    static Result run(long seed, int count) throws IOException, InterruptedException {
        System.out.println("CliYamlDifferentialTest seed " + seed + " count " + count);
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
        return new Result(docs.size(), failed, failures);
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
