package dev.workspacesync.windmill.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.windmill.testing.HostileNames;
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

    @Test
    void namingFunctionsMatchTheCli(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isRegularFile(BUNDLE), "windmill-cli is installed by the Maven build (npm ci)");
        long seed = Long.getLong("names.seed", System.nanoTime());
        int count = Integer.getInteger("names.count", 3000);
        System.out.printf(
                "[names] seed %d, %d names (-Dnames.seed=%d -Dnames.count=%d reproduces)%n", seed, count, seed, count);
        SplittableRandom random = new SplittableRandom(seed);
        List<Object[]> calls = new ArrayList<>();
        List<Supplier<Object>> ours = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = HostileNames.name(random);
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
                calls.size(), nodeMillis, (System.nanoTime() - started) / 1_000_000, mismatches.size());
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
                        case 2 ->
                            j > 0 && summaries.get(j - 1) != null
                                    ? flipCase(summaries.get(j - 1), random)
                                    : HostileNames.word(random);
                        case 3 -> HostileNames.word(random);
                        default -> HostileNames.name(random);
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
        String ws = random.nextInt(3) == 0 ? HostileNames.name(random) : HostileNames.word(random) + "-b.1";
        String item = HostileNames.name(random).replace('/', '_');
        String ext = random.nextBoolean() ? "yaml" : "json";
        String folder = "f/" + HostileNames.name(random).replace('/', '_');
        String sanitized = CliNames.workspaceSuffix(ws);
        List<String> base = List.of(
                folder + "/" + item + "." + KINDS.get(random.nextInt(KINDS.size())) + "." + ext,
                folder + "/folder.meta." + ext,
                "settings." + ext,
                folder + "/" + item + ".resource.file."
                        + HostileNames.name(random).replace('/', '_'));
        for (String p : base) {
            calls.add(new Object[] {"toSpecific", p, ws});
            ours.add(() -> WorkspaceSpecific.toSpecific(p, sanitized));
        }
        List<String> specific = List.of(
                folder + "/" + item + "." + sanitized + "." + KINDS.get(random.nextInt(KINDS.size())) + "." + ext,
                folder + "/folder." + sanitized + ".meta." + ext,
                "settings." + sanitized + "." + ext,
                folder + "/" + item + "." + sanitized + ".resource.file."
                        + HostileNames.name(random).replace('/', '_'),
                folder + "/" + item + "." + HostileNames.name(random) + ".variable." + ext);
        for (String p : specific) {
            calls.add(new Object[] {"fromSpecific", p, ws});
            ours.add(() -> WorkspaceSpecific.fromSpecific(p, sanitized));
        }
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
