package dev.workspacesync.windmill;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code wmill} installed by the build (src/test/wmill) against an emulator. */
final class WmillJudge {
    static final Path WMILL = Path.of("src/test/wmill/node_modules/.bin/wmill").toAbsolutePath();

    private WmillJudge() {}

    static boolean available() {
        return Files.isExecutable(WMILL);
    }

    /** Runs {@code wmill <args> --base-url … --token … --workspace …} in {@code dir}; returns the output. */
    static String run(Path dir, Path home, String baseUrl, String token, String workspace, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(WMILL.toString());
        command.addAll(List.of(args));
        command.addAll(List.of(
                "--base-url",
                baseUrl + "/",
                "--token",
                token,
                "--workspace",
                workspace,
                "--config-dir",
                home.resolve("config").toString()));
        Files.createDirectories(home);
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("WM_") || k.equals("BASE_URL") || k.equals("BASE_INTERNAL_URL"));
        env.put("HOME", home.toString());
        env.put("NO_COLOR", "1");
        Process process = pb.start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("wmill timed out");
        }
        String text = new String(out, StandardCharsets.UTF_8).replaceAll("\u001B\\[[0-9;]*m", "");
        if (process.exitValue() != 0) {
            throw new IllegalStateException(
                    "wmill " + String.join(" ", args) + " failed (" + process.exitValue() + "):\n" + text);
        }
        return text;
    }

    /** The {@code wmill.yaml} that the real {@code wmill init --use-default} writes. */
    static synchronized String initWmillYaml() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("wmill-init-");
        try {
            Path home = Files.createDirectories(dir.resolve("home"));
            Path project = Files.createDirectories(dir.resolve("project"));
            ProcessBuilder pb = new ProcessBuilder(WMILL.toString(), "init", "--use-default")
                    .directory(project.toFile())
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().keySet().removeIf(k -> k.startsWith("WM_") || k.equals("BASE_URL"));
            pb.environment().put("HOME", home.toString());
            Process process = pb.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException("wmill init failed:\n" + out);
            }
            return Files.readString(project.resolve("wmill.yaml"));
        } finally {
            dev.workspacesync.windmill.internal.StagingDir.deleteTree(dir);
        }
    }
}
