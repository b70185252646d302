package dev.workspacesync.windmill.internal;

import dev.workspacesync.core.Redactor;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SourceException;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * Runs the real {@code wmill sync pull --yes} in a directory. The token, workspace and base URL go through
 * the environment ({@code WM_TOKEN}, {@code WM_WORKSPACE}, {@code BASE_INTERNAL_URL}, which the CLI reads
 * when no profile is active), never through the argument list; {@code HOME} and {@code --config-dir} point
 * into the staging directory so no stored profile is used or written.
 */
public final class WmillCli {
    private static final int KEEP_OUTPUT = 8 * 1024;

    private final String executable;
    private final String baseUrl;
    private final Secret token;
    private final String workspace;
    private final Duration timeout;
    private final Redactor redactor;

    /**
     * @param executable the {@code wmill} command or path
     * @param baseUrl the server
     * @param token the token, passed as {@code WM_TOKEN}
     * @param workspace the workspace id
     * @param timeout the longest the pull may run
     * @param redactor scrubs the token from captured output
     */
    public WmillCli(
            String executable, String baseUrl, Secret token, String workspace, Duration timeout, Redactor redactor) {
        this.executable = executable;
        this.baseUrl = baseUrl;
        this.token = token;
        this.workspace = workspace;
        this.timeout = timeout;
        this.redactor = redactor;
    }

    /** Pulls into {@code tree}, with {@code wmillYaml} copied there first when given. */
    public void pull(Path home, Path tree, Path wmillYaml) throws IOException {
        Files.createDirectories(home);
        Path configDir = Files.createDirectories(home.resolve("wmill-config"));
        if (wmillYaml != null) {
            Files.copy(wmillYaml, tree.resolve("wmill.yaml"));
        }
        CommandLine command = new CommandLine(executable)
                .addArgument("sync")
                .addArgument("pull")
                .addArgument("--yes")
                .addArgument("--skip-branch-validation")
                .addArgument("--config-dir")
                .addArgument(configDir.toString(), false);
        Map<String, String> env = new HashMap<>();
        System.getenv().forEach((k, v) -> {
            String upper = k.toUpperCase(Locale.ROOT);
            if (!upper.startsWith("WM_")
                    && !upper.equals("BASE_URL")
                    && !upper.equals("BASE_INTERNAL_URL")
                    && !upper.equals("HEADERS")
                    && !upper.startsWith("WMILL_")) {
                env.put(k, v);
            }
        });
        env.put("HOME", home.toString());
        env.put("WMILL_CONFIG_DIR", configDir.toString());
        env.put("WM_TOKEN", token.reveal());
        env.put("WM_WORKSPACE", workspace);
        env.put("BASE_INTERNAL_URL", baseUrl + "/");
        env.put("NO_COLOR", "1");
        env.put("CI", "true");
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(timeout).get();
        DefaultExecutor executor =
                DefaultExecutor.builder().setWorkingDirectory(tree.toFile()).get();
        executor.setWatchdog(watchdog);
        executor.setStreamHandler(new PumpStreamHandler(output, output));
        executor.setExitValue(0);
        try {
            executor.execute(command, env);
        } catch (ExecuteException e) {
            if (watchdog.killedProcess()) {
                throw new SourceException(
                        "wmill sync pull did not finish within " + timeout + "; output: " + tail(output));
            }
            throw new SourceException(
                    "wmill sync pull failed with exit code " + e.getExitValue() + ": " + tail(output));
        } catch (IOException e) {
            if (!new File(executable).isAbsolute() || !Files.exists(Path.of(executable))) {
                throw new SourceException(
                        "Cannot run the Windmill CLI '" + executable + "' (" + e.getMessage()
                                + "). Install it with `npm install -g windmill-cli@1.819.0` (Node 20 or later), or set"
                                + " windmill.cli to its path, or use windmill.mode=api.",
                        e);
            }
            throw new SourceException("Cannot run the Windmill CLI '" + executable + "': " + e.getMessage(), e);
        }
    }

    private String tail(ByteArrayOutputStream output) {
        String text = output.toString(StandardCharsets.UTF_8)
                .replaceAll("\u001B\\[[0-9;]*m", "")
                .strip();
        if (text.length() > KEEP_OUTPUT) {
            text = "…" + text.substring(text.length() - KEEP_OUTPUT);
        }
        return redactor.redact(text);
    }
}
