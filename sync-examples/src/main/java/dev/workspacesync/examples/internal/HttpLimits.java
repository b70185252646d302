package dev.workspacesync.examples.internal;

import dev.workspacesync.core.SyncConfigException;
import java.time.Duration;

/**
 * The bounds of the backup service's HTTP server.
 *
 * @param readTimeout a connection must deliver its whole request (headers and body) within this time of
 *     being accepted, else it is closed: a client that trickles bytes cannot hold a connection
 * @param idleTimeout a connection with no traffic for this long is closed (the wait for a running sync
 *     does not count)
 * @param maxConnections connections held open at once; further clients wait in the accept queue
 * @param maxHeaderBytes the largest request line plus headers accepted (431 above)
 * @param threads the HTTP server's threads (request handling never blocks on a sync; syncs run apart)
 */
public record HttpLimits(
        Duration readTimeout, Duration idleTimeout, int maxConnections, int maxHeaderBytes, int threads) {

    /** 10 s to send a request, 30 s idle, 100 connections, 8 KiB of headers, 16 threads. */
    public static HttpLimits defaults() {
        return new HttpLimits(Duration.ofSeconds(10), Duration.ofSeconds(30), 100, 8 * 1024, 16);
    }

    public HttpLimits {
        positive("read timeout", readTimeout);
        positive("idle timeout", idleTimeout);
        if (maxConnections < 1) {
            throw new SyncConfigException("max connections must be at least 1, got " + maxConnections);
        }
        if (maxHeaderBytes < 1024) {
            throw new SyncConfigException("max header size must be at least 1024 bytes, got " + maxHeaderBytes);
        }
        if (threads < 4) {
            throw new SyncConfigException("the HTTP server needs at least 4 threads, got " + threads);
        }
    }

    private static void positive(String what, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new SyncConfigException(what + " must be positive, got " + value);
        }
    }

    public HttpLimits withReadTimeout(Duration value) {
        return new HttpLimits(value, idleTimeout, maxConnections, maxHeaderBytes, threads);
    }

    public HttpLimits withIdleTimeout(Duration value) {
        return new HttpLimits(readTimeout, value, maxConnections, maxHeaderBytes, threads);
    }

    public HttpLimits withMaxConnections(int value) {
        return new HttpLimits(readTimeout, idleTimeout, value, maxHeaderBytes, threads);
    }
}
