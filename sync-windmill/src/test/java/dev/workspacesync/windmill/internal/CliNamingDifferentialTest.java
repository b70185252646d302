package dev.workspacesync.windmill.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.core.SyncPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our naming functions ({@link CliNames}, {@link WorkspaceSpecific}) against the wmill CLI's own: {@code
 * src/test/wmill/cli-naming.mjs} cuts {@code sanitizeForFilesystem}, the path assigners and the
 * workspace-specific path functions out of the installed windmill-cli bundle and runs them under the Node.js
 * that runs the CLI, on thousands of seeded random names (every Unicode plane, line and paragraph separators,
 * NEL, control characters, dots, underscores, every kind of space, combining marks, letters whose case
 * mapping is special or new in Unicode 14+). Reproduce or extend with {@code -Dnames.seed=N
 * -Dnames.count=M}; {@code src/test/wmill/naming-long-run.sh} runs many seeds.
 */
class CliNamingDifferentialTest {
    private static final Path BUNDLE = Path.of("src/test/wmill/node_modules/windmill-cli/esm/main.js");
    private static final Path SCRIPT = Path.of("src/test/wmill/cli-naming.mjs");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Characters that have broken ports of JavaScript naming code before, or could. */
    private static final int[] SPECIAL = {
        ' ', '.', '_', '-', '/', '\\', ':', '*', '?', '"', '<', '>', '|', '\t', '\n', '\r', 0, 0x1f, 0x7f,
        0x80, 0x85, 0x9f, 0xa0, 0xad, 0x1680, 0x180e, 0x2000, 0x200a, 0x200b, 0x200d, 0x2028, 0x2029, 0x202f,
        0x205f, 0x3000, 0xfeff, 0x300, 0x307, 0x345, 0x1ab0, 0x20dd, 0xdf, 0x130, 0x131, 0x149, 0x1c4, 0x1c5,
        0x1c6, 0x1f0, 0x390, 0x3a3, 0x3c2, 0x3c3, 0x1e9e, 0x1f88, 0x1fbc, 0x212a, 0x212b, 0x2126, 0xfb00, 0xfb03,
        0x10a0, 0x1c90, 0x13a0, 0xab70, 0x2c2f, 0xa7c0, 0xa7c2, 0xa7c7, 0xa7c9, 0xa7cb, 0xa7cc, 0xa7d0, 0xa7d6,
        0xa7da, 0xa7dc, 0x10400, 0x10570, 0x10c80, 0x118a0, 0x16e40, 0x16ea0, 0x1e900, 0x1f600, 0x1f1e6, 0xe0041,
        0x10ffff, 0xd800, 0xdc00, 'I', 'K', 'S', 'i', 's'
    };

    private static final List<String> WORDS = List.of(
            "con", "CON", "Prn", "aux", "NUL", "com1", "COM9", "lpt0", "Lpt5", "coM", "nul.", "inline_script",
            "inline_script_0", "runnable", "runnable_1", "a", "A", "step", "Step", ".git", "..", ".", "_");

    @Test
    void namingFunctionsMatchTheCli(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isRegularFile(BUNDLE), "windmill-cli is installed by the Maven build (npm ci)");
        long seed = Long.getLong("names.seed", System.nanoTime());
        int count = Integer.getInteger("names.count", 3000);
        System.out.printf("[names] seed %d, %d names (-Dnames.seed=%d -Dnames.count=%d reproduces)%n",
                seed, count, seed, count);
        SplittableRandom random = new SplittableRandom(seed);
        List<Object[]> calls = new ArrayList<>();
        List<Supplier<Object>> ours = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = randomName(random);
            calls.add(new Object[] {"lower", name});
            ours.add(() -> CliNames.lowerCase(name));
            for (boolean keep : new boolean[] {false, true}) {
                calls.add(new Object[] {"sanitize", name, keep});
                ours.add(() -> PullTransformer.sanitize(name, keep));
            }
            calls.add(new Object[] {"wsSuffix", name});
            ours.add(() -> CliNames.workspaceSuffix(name));
            if (i % 4 == 0) {
                addSpecific(random, calls, ours);
            }
            if (i % 10 == 0) {
                addAssigner(random, calls, ours);
            }
        }
        Path in = tmp.resolve("calls.json");
        Files.writeString(in, ascii(JSON.writeValueAsString(calls)), StandardCharsets.US_ASCII);
        long started = System.nanoTime();
        JsonNode cli = runNode(in, tmp.resolve("out.json"));
        long nodeMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(cli.size()).isEqualTo(calls.size());
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            Object mine;
            try {
                mine = ours.get(i).get();
            } catch (RuntimeException e) {
                mine = "error: " + e;
            }
            JsonNode theirs = cli.get(i);
            Object expected = theirs.isTextual()
                    ? theirs.textValue()
                    : theirs.isArray() ? JSON.convertValue(theirs, List.class) : theirs.toString();
            if (!expected.equals(mine)) {
                mismatches.add(SyncPath.escape(ascii(JSON.writeValueAsString(calls.get(i)))) + "\n    cli:  "
                        + SyncPath.escape(ascii(String.valueOf(expected))) + "\n    ours: "
                        + SyncPath.escape(ascii(String.valueOf(mine))));
            }
        }
        System.out.printf(
                "[names] %d calls compared with the CLI's code (node %d ms, total %d ms), %d differ%n",
                calls.size(),
                nodeMillis,
                (System.nanoTime() - started) / 1_000_000,
                mismatches.size());
        assertThat(mismatches)
                .as("seed " + seed + ": " + mismatches.size() + " of " + calls.size() + " differ; first ones:\n"
                        + String.join("\n", mismatches.subList(0, Math.min(20, mismatches.size()))))
                .isEmpty();
    }

    /** A run of summaries through one assigner: case clashes, empties and numbered names collide on purpose. */
    private static void addAssigner(SplittableRandom random, List<Object[]> calls, List<Supplier<Object>> ours) {
        boolean rawApp = random.nextBoolean();
        List<String> summaries = new ArrayList<>();
        int n = 1 + random.nextInt(8);
        for (int j = 0; j < n; j++) {
            int pick = random.nextInt(6);
            summaries.add(
                    switch (pick) {
                        case 0 -> null;
                        case 1 -> "";
                        case 2 -> j > 0 && summaries.get(j - 1) != null
                                ? flipCase(summaries.get(j - 1), random)
                                : WORDS.get(random.nextInt(WORDS.size()));
                        case 3 -> WORDS.get(random.nextInt(WORDS.size()));
                        default -> randomName(random);
                    });
        }
        calls.add(new Object[] {"assign", rawApp, summaries});
        ours.add(() -> {
            CliNames.Assigner assigner = new CliNames.Assigner(rawApp);
            return summaries.stream().map(assigner::assign).toList();
        });
    }

    private static final List<String> KINDS = List.of(
            "variable", "resource", "schedule", "http_trigger", "email_trigger", "kafka_trigger", "script", "flow");

    /** Workspace-specific names both ways, with random item names and workspace names. */
    private static void addSpecific(SplittableRandom random, List<Object[]> calls, List<Supplier<Object>> ours) {
        String ws = random.nextInt(3) == 0 ? randomName(random) : WORDS.get(random.nextInt(WORDS.size())) + "-b.1";
        String item = randomName(random).replace('/', '_');
        String ext = random.nextBoolean() ? "yaml" : "json";
        String folder = "f/" + randomName(random).replace('/', '_');
        String sanitized = CliNames.workspaceSuffix(ws);
        List<String> base = List.of(
                folder + "/" + item + "." + KINDS.get(random.nextInt(KINDS.size())) + "." + ext,
                folder + "/folder.meta." + ext,
                "settings." + ext,
                folder + "/" + item + ".resource.file." + randomName(random).replace('/', '_'));
        for (String p : base) {
            calls.add(new Object[] {"toSpecific", p, ws});
            ours.add(() -> WorkspaceSpecific.toSpecific(p, sanitized));
        }
        List<String> specific = List.of(
                folder + "/" + item + "." + sanitized + "." + KINDS.get(random.nextInt(KINDS.size())) + "." + ext,
                folder + "/folder." + sanitized + ".meta." + ext,
                "settings." + sanitized + "." + ext,
                folder + "/" + item + "." + sanitized + ".resource.file." + randomName(random).replace('/', '_'),
                folder + "/" + item + "." + randomName(random) + ".variable." + ext);
        for (String p : specific) {
            calls.add(new Object[] {"fromSpecific", p, ws});
            ours.add(() -> WorkspaceSpecific.fromSpecific(p, sanitized));
        }
    }

    static String randomName(SplittableRandom random) {
        StringBuilder out = new StringBuilder();
        int tokens = random.nextInt(12);
        for (int t = 0; t < tokens; t++) {
            switch (random.nextInt(9)) {
                case 0, 1 -> out.appendCodePoint(SPECIAL[random.nextInt(SPECIAL.length)]);
                case 2 -> out.append(WORDS.get(random.nextInt(WORDS.size())));
                case 3 -> out.append(".._".charAt(random.nextInt(3)));
                case 4 -> out.append((char) (' ' + random.nextInt(95)));
                case 5 -> out.appendCodePoint(randomScalar(random, 0x800));
                case 6 -> out.appendCodePoint(randomScalar(random, 0x10000));
                case 7 -> out.appendCodePoint(randomScalar(random, 0x110000));
                default -> {
                    // letters with case mappings: Latin Extended, Greek, Cyrillic, Armenian, Georgian, Glagolitic
                    int[] from = {0x100, 0x370, 0x400, 0x530, 0x10a0, 0x1e00, 0x2c00, 0xa640, 0xa720, 0x10400, 0x1e900};
                    out.appendCodePoint(from[random.nextInt(from.length)] + random.nextInt(0x100));
                }
            }
        }
        return out.toString();
    }

    /** Any code point below {@code limit}, surrogates included now and then (JavaScript strings may hold them). */
    private static int randomScalar(SplittableRandom random, int limit) {
        return random.nextInt(limit);
    }

    private static String flipCase(String s, SplittableRandom random) {
        return random.nextBoolean() ? s.toUpperCase(java.util.Locale.ROOT) : CliNames.lowerCase(s);
    }

    private static String ascii(String json) {
        StringBuilder out = new StringBuilder(json.length());
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c >= 0x7f) {
                out.append("\\u%04x".formatted((int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static JsonNode runNode(Path in, Path out) throws Exception {
        Process process = new ProcessBuilder("node", SCRIPT.toString(), BUNDLE.toString(), in.toString())
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("node finished").isTrue();
        assertThat(process.exitValue()).as("node exit code").isZero();
        return JSON.readTree(out.toFile());
    }
}
