package dev.workspacesync.databricks.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspacesync.core.DestinationException;
import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lease on a workspace folder, kept in the folder itself ({@code .workspace-sync/lease.json}), so that
 * replicas syncing the same folder never write it at the same time.
 *
 * <p>It is created with {@code /workspace/import} and {@code overwrite=false}: the server lets exactly one
 * of several racing creators succeed. A lease that has expired, or was left by a process of this host that
 * is no longer alive (a {@code kill -9}), is taken over by deleting it and creating it again, still
 * without overwrite. It is deleted when the run ends; a process killed on another host leaves it to
 * expire.
 */
public final class Lease {
    /** The lease's file, relative to the root folder (next to the manifest). */
    public static final String PATH = Manifest.FOLDER + "/lease.json";

    /** How long a lease lasts unless renewed. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

    private static final Logger LOG = LoggerFactory.getLogger(Lease.class);
    private static final String FORMAT = "workspace-sync-lease";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int ATTEMPTS = 4;

    private final Workspace ws;
    private final String root;
    private final String path;
    private final Duration ttl;
    private Holder held;

    /**
     * Who holds a lease, as recorded.
     *
     * @param id host, pid and a random part: unique per run
     * @param host the host name of the holder
     * @param pid its process id
     * @param acquiredAt when it was taken
     * @param expiresAt when it lapses unless renewed
     */
    public record Holder(String id, String host, long pid, Instant acquiredAt, Instant expiresAt) {
        public Holder {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(acquiredAt, "acquiredAt");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }

        /** A holder for this process, taken now. */
        public static Holder mine(Duration ttl, Instant now) {
            String host = hostName();
            long pid = ProcessHandle.current().pid();
            byte[] random = new byte[6];
            RANDOM.nextBytes(random);
            return new Holder(host + "/" + pid + "/" + HexFormat.of().formatHex(random), host, pid, now, now.plus(ttl));
        }

        /** The lease file's content. */
        public byte[] toJson() {
            ObjectNode node = JSON.createObjectNode();
            node.put("format", FORMAT);
            node.put("holder", id);
            node.put("host", host);
            node.put("pid", pid);
            node.put("acquired_at", acquiredAt.toString());
            node.put("expires_at", expiresAt.toString());
            try {
                return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Reads a lease file; empty when it is not one (then it is treated as expired). */
        public static Optional<Holder> parse(byte[] json) {
            try {
                JsonNode node = JSON.readTree(json);
                if (node == null || !FORMAT.equals(node.path("format").asText())) {
                    return Optional.empty();
                }
                return Optional.of(new Holder(
                        node.path("holder").asText(),
                        node.path("host").asText(),
                        node.path("pid").asLong(-1),
                        Instant.parse(node.path("acquired_at").asText()),
                        Instant.parse(node.path("expires_at").asText())));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }

        /** Whether it still binds others at {@code now}. */
        boolean binds(Instant now) {
            if (!expiresAt.isAfter(now)) {
                return false;
            }
            // A process of this host that is gone (killed) cannot be syncing any more.
            return !(host.equals(hostName()) && pid > 0 && ProcessHandle.of(pid).isEmpty());
        }
    }

    private Lease(Workspace ws, String root, Duration ttl, Holder held) {
        this.ws = ws;
        this.root = root;
        this.path = root + "/" + PATH;
        this.ttl = ttl;
        this.held = held;
    }

    /**
     * Takes the lease on {@code root} for this process.
     *
     * @throws DestinationException retryable, naming the holder and when its lease expires, when another
     *     process holds it
     */
    public static Lease acquire(Workspace ws, String root, Duration ttl) {
        String path = root + "/" + PATH;
        Holder mine = Holder.mine(ttl, Instant.now());
        Holder other = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (create(ws, root, path, mine.toJson())) {
                return new Lease(ws, root, ttl, mine);
            }
            Optional<byte[]> existing = ws.exportIfExists(path);
            if (existing.isEmpty()) {
                continue; // released in between: try again
            }
            Optional<Holder> holder = Holder.parse(existing.get());
            if (holder.isPresent() && holder.get().id().equals(mine.id())) {
                return new Lease(ws, root, ttl, mine); // our own create, answered late and retried
            }
            if (holder.isPresent() && holder.get().binds(Instant.now())) {
                other = holder.get();
                break;
            }
            LOG.warn(
                    "Taking over the lease on {}: {}",
                    root,
                    holder.map(h -> "held by " + h.host() + " (pid " + h.pid() + "), expired at " + h.expiresAt()
                                    + " or its process is gone")
                            .orElse("the lease file cannot be read"));
            // Delete, then create without overwrite again: of two replicas taking over, one creates it.
            ws.delete(path, false);
        }
        String who = other == null
                ? "another replica"
                : "another replica (host " + other.host() + ", pid " + other.pid() + ")";
        String until = other == null ? "" : " until " + other.expiresAt();
        throw DestinationException.transientFailure(
                who + " is syncing " + root + until + " (lease " + path + "); nothing was written, the next run"
                        + " will retry",
                null,
                null);
    }

    private static boolean create(Workspace ws, String root, String path, byte[] json) {
        try {
            return ws.createExclusive(path, json);
        } catch (WorkspaceException e) {
            if (!e.isNotFound()) {
                throw e;
            }
            ws.mkdirs(root + "/" + Manifest.FOLDER);
            return ws.createExclusive(path, json);
        }
    }

    /** Who holds this lease. */
    public synchronized Holder holder() {
        return held;
    }

    /**
     * Extends the lease when more than half of its time has passed (called between writes of a long
     * run). A lease no longer ours (taken over after it expired) is left alone, with a warning.
     */
    public synchronized void renewIfDue() {
        Instant now = Instant.now();
        if (now.isBefore(held.expiresAt().minus(ttl.dividedBy(2)))) {
            return;
        }
        Optional<Holder> current = ws.exportIfExists(path).flatMap(Holder::parse);
        if (current.isEmpty() || !current.get().id().equals(held.id())) {
            LOG.warn("The lease on {} is no longer held by this run; not renewing it", root);
            return;
        }
        Holder renewed = new Holder(held.id(), held.host(), held.pid(), held.acquiredAt(), now.plus(ttl));
        ws.overwrite(path, renewed.toJson());
        held = renewed;
    }

    /** Deletes the lease if it is still ours; a failure is logged (the lease then expires). */
    public synchronized void release() {
        try {
            Optional<Holder> current = ws.exportIfExists(path).flatMap(Holder::parse);
            if (current.isPresent() && current.get().id().equals(held.id())) {
                ws.delete(path, false);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not release the lease {} (it expires at {}): {}", path, held.expiresAt(), e.getMessage());
        }
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return env == null || env.isBlank() ? "unknown-host" : env;
        }
    }
}
