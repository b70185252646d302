package dev.workspacesync.windmill.bench;

import static dev.workspacesync.windmill.testing.Fixtures.obj;

import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.windmill.WindmillSource;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import dev.workspacesync.windmill.testing.WorkspaceArchive;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark (not a test): API-mode pull against the real {@code wmill sync pull} on the same emulator, for a
 * workspace of {@code scripts} scripts in 30 folders and {@code flows} flows. Run with {@code bench/run.sh}.
 *
 * <p>Arguments: scripts flows wmill-executable work-dir [skip-cli]
 */
public final class PullBenchmark {
    private PullBenchmark() {}

    static WorkspaceArchive workspace(int scripts, int flows) {
        WorkspaceArchive a = new WorkspaceArchive();
        for (int f = 0; f < 30; f++) {
            a.json(
                    "f/folder" + f + "/folder.meta.json",
                    obj("display_name", "folder" + f, "owners", List.of(), "extra_perms", obj()));
        }
        Map<String, Object> schema = obj(
                "$schema",
                "https://json-schema.org/draft/2020-12/schema",
                "type",
                "object",
                "properties",
                obj("x", obj("type", "integer", "description", "")),
                "required",
                List.of("x"));
        for (int i = 0; i < scripts; i++) {
            String path = "f/folder" + (i % 30) + "/script_" + i;
            a.script(
                    path,
                    "py",
                    "import requests\n\ndef main(x: int):\n    return x + " + i + "\n",
                    obj(
                            "summary",
                            "Script " + i,
                            "description",
                            "",
                            "schema",
                            schema,
                            "kind",
                            "script",
                            "lock",
                            "requests==2.31.0\ncertifi==2024.2.2\n"));
        }
        for (int i = 0; i < flows; i++) {
            List<Object> modules = new ArrayList<>();
            for (int m = 0; m < 4; m++) {
                modules.add(obj(
                        "id",
                        "m" + m,
                        "summary",
                        "Step " + m,
                        "value",
                        obj(
                                "type",
                                "rawscript",
                                "content",
                                "def main(x):\n    return x * " + m + "\n",
                                "language",
                                "python3",
                                "input_transforms",
                                obj("x", obj("type", "javascript", "expr", "flow_input.x")))));
            }
            a.json(
                    "f/folder" + (i % 30) + "/flow_" + i + ".flow.json",
                    obj("summary", "Flow " + i, "value", obj("modules", modules), "schema", schema));
        }
        return a;
    }

    public static void main(String[] args) throws Exception {
        int scripts = Integer.parseInt(args[0]);
        int flows = Integer.parseInt(args[1]);
        String wmill = args[2];
        Path work = Path.of(args[3]);
        boolean skipCli = args.length > 4 && args[4].equals("skip-cli");
        String token = "bench-token";
        try (WindmillEmulator emulator = WindmillEmulator.start(token).workspace("bench", workspace(scripts, flows))) {
            // Warm-up run (JIT), then the measured run.
            long apiNanos = Long.MAX_VALUE;
            int files = 0;
            for (int run = 0; run < 3; run++) {
                long start = System.nanoTime();
                try (WindmillSource source = WindmillSource.builder()
                        .baseUrl(emulator.baseUrl())
                        .token(Secret.of(token))
                        .workspace("bench")
                        .build()) {
                    Snapshot snapshot = source.snapshot();
                    // Like the CLI, end with the files on disk: copy them out of staging.
                    Path out = Files.createDirectories(work.resolve("api-" + run));
                    for (SnapshotEntry e : snapshot.entries()) {
                        Path target = e.path().under(out);
                        Files.createDirectories(target.getParent());
                        try (InputStream in = e.open()) {
                            Files.copy(in, target);
                        }
                    }
                    files = snapshot.size();
                }
                long elapsed = System.nanoTime() - start;
                System.out.printf("api run %d: %.2f s, %d files%n", run, elapsed / 1e9, files);
                if (run > 0) {
                    apiNanos = Math.min(apiNanos, elapsed);
                }
            }
            System.out.printf("API mode (best of 2 after warm-up): %.2f s for %d files%n", apiNanos / 1e9, files);
            if (skipCli) {
                return;
            }
            Path cliDir = Files.createDirectories(work.resolve("cli"));
            Path home = Files.createDirectories(work.resolve("home"));
            ProcessBuilder pb = new ProcessBuilder(
                            wmill,
                            "sync",
                            "pull",
                            "--yes",
                            "--skip-branch-validation",
                            "--base-url",
                            emulator.baseUrl() + "/",
                            "--token",
                            token,
                            "--workspace",
                            "bench",
                            "--config-dir",
                            home.resolve("config").toString())
                    .directory(cliDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(work.resolve("cli.log").toFile());
            pb.environment().put("HOME", home.toString());
            long start = System.nanoTime();
            Process p = pb.start();
            if (!p.waitFor(2, TimeUnit.HOURS) || p.exitValue() != 0) {
                throw new IllegalStateException("wmill failed; see " + work.resolve("cli.log"));
            }
            long cli = System.nanoTime() - start;
            long cliFiles;
            try (var walk = Files.walk(cliDir)) {
                cliFiles = walk.filter(Files::isRegularFile).count();
            }
            System.out.printf("wmill sync pull: %.2f s for %d files%n", cli / 1e9, cliFiles);
            System.out.printf("ratio API/CLI: %.4f%n", (double) apiNanos / cli);
        }
    }
}
