package dev.workspacesync.windmill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SourceException;
import dev.workspacesync.windmill.testing.Fixtures;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pull's HTTP calls are bounded by windmill.deadline; a refused connection is not retried at all. */
class WindmillDeadlineTest {
    private static final String TOKEN = "tok-deadline-51";

    private static WindmillSource source(String baseUrl, Duration deadline, Path staging) {
        return WindmillSource.builder()
                .baseUrl(baseUrl)
                .token(Secret.of(TOKEN))
                .workspace("demo")
                .deadline(deadline)
                .stagingDirectory(staging)
                .build();
    }

    @Test
    void aServerThatKeepsFailingIsGivenUpAtTheDeadline(@TempDir Path tmp) throws Exception {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("demo", Fixtures.fullWorkspace());
                WindmillSource source = source(emulator.baseUrl(), Duration.ofSeconds(2), tmp)) {
            emulator.failNext(Integer.MAX_VALUE, 503);
            long started = System.nanoTime();
            Throwable thrown = catchThrowable(source::snapshot);
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertThat(thrown)
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("Windmill at " + emulator.baseUrl())
                    .hasMessageContaining("gave up on Windmill after 2 s")
                    .hasMessageContaining("windmill.deadline")
                    .hasMessageContaining("HTTP 503");
            assertThat(((SourceException) thrown).isRetryable())
                    .as("retried already: the pipeline must not start over")
                    .isFalse();
            assertThat(millis).isBetween(1_000L, 15_000L);
            assertThat(emulator.requests().size()).isBetween(2, 10);
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aTransientFailureWithinTheDeadlineIsRetried(@TempDir Path tmp) {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("demo", Fixtures.fullWorkspace());
                WindmillSource source = source(emulator.baseUrl(), Duration.ofSeconds(30), tmp)) {
            emulator.failNext(2, 429);
            assertThat(source.snapshot().size()).isGreaterThan(10);
        }
    }

    @Test
    void aRefusedConnectionIsNotRetried(@TempDir Path tmp) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (WindmillSource source = source("http://127.0.0.1:" + port, Duration.ofSeconds(60), tmp)) {
            long started = System.nanoTime();
            assertThat(catchThrowable(source::snapshot))
                    .isInstanceOf(SourceException.class)
                    .hasMessage("Cannot reach Windmill at http://127.0.0.1:" + port
                            + ": connection refused (is the server running? check windmill.base-url)");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        }
    }
}
