package dev.workspacesync.examples.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@code GET /readyz} checks besides draining, nothing remote: the service started with a valid
 * configuration (it refuses to start otherwise), and each state directory (the clone cache) can be
 * written (a file is created there and deleted; a missing directory is created, as a sync would).
 *
 * <p>Draining is the HTTP server's own state ({@link WebhookServer}).
 *
 * @param writable the directories syncs write their state to
 */
public record Readiness(List<Path> writable) {
    public Readiness {
        writable = List.copyOf(writable);
    }

    /** Why the service is not ready, or empty when it is. */
    public Optional<String> problem() {
        for (Path dir : writable) {
            try {
                Files.createDirectories(dir);
                Path probe = Files.createTempFile(dir, ".readyz-", ".tmp");
                Files.delete(probe);
            } catch (IOException | RuntimeException e) {
                return Optional.of("state directory " + dir + " is not writable ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
        return Optional.empty();
    }
}
