package dev.workspacesync.windmill.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link CliYamlRead} (the reader of a raw app's verbatim {@code backend/*.yaml}) against the CLI's own
 * {@code yamlParseFile} ({@code yaml-judge.mjs --parse}): each YAML text is read by both and written back with the
 * CLI's writer, and the bytes must match, or both must refuse the text. The texts: where YAML 1.1 and 1.2 read
 * differently, the CLI's custom tags, separators, anchors, and the CLI-style YAML of seeded random JSON documents
 * ({@link RandomJson}: every plane, quotes, indicators, every number class). {@code -Dyaml.seed=N},
 * {@code -Dyaml.readCount=N} (default 400).
 */
class CliYamlReadDifferentialTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<String> FIXED = List.of(
            "a: yes\nb: no\nc: on\nd: off\ne: y\nf: Yes\n",
            "o: 0o17\nh: 0x1F\nu: 1_000\nz: 012\nx: 0b101\ns: +1\nm: -0\n",
            "f: 1e3\ng: .5\nh: 1.\ni: .inf\nj: -.Inf\nk: .NaN\nl: 1e400\nm: 6.02e+23\n",
            "n: ~\no: null\np: Null\nq:\nr: NULL\n",
            "t: true\nu: True\nv: TRUE\nw: tRUE\n",
            "d: 2001-12-14\nt: 12:30:00\ns: 1:20\n",
            "big: 12345678901234567890\nneg: -9007199254740993\n",
            "l: a\u2028b\np: a\u2029b\nn: a\u0085b\nq: \"x\u2028y\"\n",
            // NEL, U+2028 and U+2029 in quoted and multi-line scalars: text to the yaml library, line breaks to a
            // YAML 1.1 reader.
            "<<]: \" \u0085\"\nk: ' \u2028 '\nm: \"a \u2029\n  b\u0085 \"\np: a\u0085\n  b \u2028\n  c\n",
            "a: &x [1, 2]\nb: *x\nc: &y {k: v}\nd: *y\n",
            // A collection as a key is left out: the yaml library names it by its flow YAML ("[ a, b ]"), which
            // CliYamlRead does not reproduce (no runnable file the CLI writes has one).
            "? long\n: 1\n",
            "~: 1\n1e3: x\ntrue: y\n2: z\n1: w\n",
            "content: !inline a.ts\nfiles: !inline_fileset dir\n",
            "type: inline\nlock: |\n  line\n  two\nfolded: >\n  a\n  b\n",
            "",
            "# only a comment\n",
            "- 1\n- two\n- [3]\n",
            "just text\n",
            "a: [1,\n",
            "a: 1\na: 2\n",
            "a: 1\n---\nb: 2\n",
            "\t- tab\n",
            "a: 'it''s'\nb: \"\\u00e9\\x41\\N\\_\"\n",
            "<<: {a: 1}\nb: 2\n",
            // A byte-order mark: dropped at the start of lines before the document; spaces after it do not
            // indent; alone it is an empty key; a sequence entry on its line is refused by the yaml library.
            "\uFEFFa: 1\n",
            "\uFEFF x: 1\ny: 2\n",
            "\uFEFF: 1\n'': 2\n",
            "\uFEFF- x\n",
            "\uFEFF\uFEFF- x\n",
            "\uFEFF# c\n\uFEFFa: 1\n",
            // Block scalars without content lines, ended by a line less indented than their parent or by the end:
            // the yaml library reads them, snakeyaml-engine refuses them; with content lines less indented than
            // the leading empty lines, both refuse.
            "a:\n  b: |+\n    \n",
            "a:\n  b: |+\n\n\nc: 1\n",
            "- - >\n      \n- x\n",
            "a:\n  b: |+\n     \n   x\n");

    @Test
    void yamlIsReadAsTheCliReadsIt() throws Exception {
        assumeTrue(
                Files.isRegularFile(CliYamlDifferentialTest.CLI_BUNDLE),
                "the wmill CLI is installed by the Maven build");
        long seed = Long.getLong("yaml.seed", CliYamlDifferentialTest.SEED);
        int count = Integer.getInteger("yaml.readCount", 400);
        System.out.println("CliYamlReadDifferentialTest seed " + seed + " count " + count);
        SplittableRandom random = new SplittableRandom(seed);
        List<String> texts = new ArrayList<>(FIXED);
        for (int i = 0; i < count; i++) {
            texts.add(CliYaml.write(CliJson.read(RandomJson.document(random).getBytes(StandardCharsets.UTF_8))));
        }
        List<String> expected = judge(texts);
        assertThat(expected).hasSameSizeAs(texts);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String actual;
            String why = "";
            try {
                actual = CliYaml.write(CliYamlRead.read(texts.get(i)));
            } catch (RuntimeException e) {
                actual = "!error";
                why = " (" + e.getMessage() + ")";
            }
            String cli = expected.get(i).startsWith("!error") ? "!error" : expected.get(i);
            if (!actual.equals(cli) && failures.size() < 5) {
                failures.add("text " + i + ": " + CliYaml.jsonString(texts.get(i)) + "\n  cli:  "
                        + CliYaml.jsonString(cli) + "\n  ours: " + CliYaml.jsonString(actual) + why);
            }
        }
        System.out.printf("CliYamlReadDifferentialTest: %d texts compared%n", texts.size());
        assertThat(failures).as("seed %d (replay: -Dyaml.seed=%d)", seed, seed).isEmpty();
    }

    private static List<String> judge(List<String> texts) throws IOException, InterruptedException {
        Process node = new ProcessBuilder("node", CliYamlDifferentialTest.JUDGE.toString(), "--parse")
                .redirectError(ProcessBuilder.Redirect.DISCARD) // the yaml library's warnings
                .start();
        CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> {
            try {
                return node.getInputStream().readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (OutputStream in = node.getOutputStream()) {
            for (String text : texts) {
                in.write(JSON.writeValueAsBytes(text));
                in.write('\n');
            }
        }
        byte[] out = output.join();
        if (!node.waitFor(5, TimeUnit.MINUTES)) {
            node.destroyForcibly();
            throw new IllegalStateException("yaml-judge.mjs --parse timed out");
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
