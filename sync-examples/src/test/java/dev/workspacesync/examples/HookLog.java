package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workspacesync.examples.internal.HookScript;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A repository's {@code .git/workspace-sync-hook.log}, as tests read it. The hook's detached process ends
 * every run with one last line (finished, failed, or nothing to do) and writes nothing after it, so a test
 * that waits for that line never races the process against its directory's cleanup.
 */
record HookLog(Path repo) {
    private static final Pattern LAST_LINE = Pattern.compile(
            "workspace-sync hook: (finished$|failed: |.*" + Pattern.quote(HookScript.OUTSIDE) + "$)",
            Pattern.MULTILINE);

    String text() {
        Path log = repo.resolve(".git/workspace-sync-hook.log");
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** How many hook runs have ended. */
    int runsEnded() {
        return (int) LAST_LINE.matcher(text()).results().count();
    }

    String lastLine() {
        List<String> lines = text().lines().toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    /** Waits (bounded) until {@code count} hook runs have ended. */
    void awaitRunsEnded(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (runsEnded() < count) {
            assertThat(System.nanoTime())
                    .as("waiting for the hook in %s to finish (log: %s)", repo, text())
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
