package dev.workspacesync.databricks.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspacesync.core.SyncPath;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the destination remembers locally about a workspace folder beside the file state: the folder's
 * {@code object_id} (checked with one {@code get-status} per run, so a deleted or replaced folder is
 * noticed), when it was last reconciled, the digest of the manifest last written (so it is only written
 * when it changes) and the ids and times of the remote objects last listed.
 *
 * @param rootObjectId the folder's id as last seen, or null when not yet known
 * @param runsSinceReconcile runs since the last full reconcile
 * @param reconciledAt when the folder was last reconciled (or first synced), epoch ms; 0 when never
 * @param manifestSha256 the SHA-256 of the manifest last written, or null
 * @param remote remote object ids and times by source path, as last listed
 */
public record DriftRecord(
        Long rootObjectId,
        int runsSinceReconcile,
        long reconciledAt,
        String manifestSha256,
        Map<SyncPath, Manifest.Remote> remote) {
    private static final Logger LOG = LoggerFactory.getLogger(DriftRecord.class);
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    public DriftRecord {
        remote = Map.copyOf(remote);
    }

    /** Nothing known. */
    public static DriftRecord none() {
        return new DriftRecord(null, 0, 0, null, Map.of());
    }

    /** The record's file for a state key. */
    public static Path file(Path stateDirectory, String key) {
        return stateDirectory.resolve(key + ".databricks.json");
    }

    /** Reads the record; a missing or unreadable one is {@link #none()} (the run then checks more). */
    public static DriftRecord load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return none();
        } catch (IOException e) {
            LOG.warn("Cannot read {} ({}); the workspace folder will be reconciled", file, e.getMessage());
            return none();
        }
        try {
            JsonNode in = JSON.readTree(bytes);
            if (in == null || in.path("version").asInt() != 1) {
                throw new IOException("unknown version");
            }
            Map<SyncPath, Manifest.Remote> remote = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = in.path("remote").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                remote.put(
                        SyncPath.of(e.getKey()),
                        new Manifest.Remote(
                                e.getValue().path(0).asLong(),
                                e.getValue().path(1).asLong()));
            }
            return new DriftRecord(
                    in.path("root_object_id").canConvertToLong()
                            ? in.get("root_object_id").asLong()
                            : null,
                    in.path("runs_since_reconcile").asInt(0),
                    in.path("reconciled_at").asLong(0),
                    in.hasNonNull("manifest_sha256") ? in.get("manifest_sha256").asText() : null,
                    remote);
        } catch (IOException | RuntimeException e) {
            LOG.warn("{} is malformed ({}); the workspace folder will be reconciled", file, e.getMessage());
            return none();
        }
    }

    /** Replaces the record atomically (temporary file and rename). */
    public void save(Path file) {
        ObjectNode out = JSON.createObjectNode();
        out.put("version", 1);
        if (rootObjectId != null) {
            out.put("root_object_id", rootObjectId);
        }
        out.put("runs_since_reconcile", runsSinceReconcile);
        out.put("reconciled_at", reconciledAt);
        if (manifestSha256 != null) {
            out.put("manifest_sha256", manifestSha256);
        }
        ObjectNode list = out.putObject("remote");
        new TreeMap<>(remote).forEach((path, r) -> {
            ArrayNode pair = list.putArray(path.value());
            pair.add(r.objectId()).add(r.modifiedAt());
        });
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, JSON.writeValueAsBytes(out));
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // Losing it costs one reconcile on the next run, never data: warn and go on.
            LOG.warn("Cannot write {}: {}", file, e.getMessage());
        }
    }
}
