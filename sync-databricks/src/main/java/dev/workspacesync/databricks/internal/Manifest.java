package dev.workspacesync.databricks.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspacesync.core.FileState;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.SyncState;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a folder in the workspace holds from this tool, kept in the folder itself ({@code
 * .workspace-sync/manifest.json}, as Databricks Asset Bundles keep their deployment state in the
 * workspace), so that a fresh clone with no local state knows what is there without listing or reading
 * every file.
 *
 * <p>{@code complete} is false while a run is changing the folder: it is written before the first change
 * and replaced by a complete one after the last, so a run killed in between leaves a manifest that says
 * it cannot be trusted (the next run without local state reconciles instead).
 *
 * @param complete whether every change of the run that wrote it finished
 * @param root the folder it describes
 * @param rootObjectId the folder's {@code object_id} when it was written
 * @param files what was sent, by source path
 */
public record Manifest(boolean complete, String root, long rootObjectId, NavigableMap<SyncPath, Entry> files) {
    /** The manifest's place, relative to the root folder. */
    public static final String FOLDER = ".workspace-sync";

    /** The manifest's file, relative to the root folder. */
    public static final String PATH = FOLDER + "/manifest.json";

    private static final String FORMAT = "workspace-sync-manifest";
    private static final int VERSION = 1;
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    public Manifest {
        Objects.requireNonNull(root, "root");
        files = new TreeMap<>(files);
    }

    /**
     * One file as sent.
     *
     * @param state size, digest, executable bit and notebook name as recorded (no local time)
     * @param remote the object's id and time in the workspace when last listed, or null when not known
     *     (it was sent after the last listing)
     */
    public record Entry(FileState state, Remote remote) {}

    /**
     * An object as the workspace listed it.
     *
     * @param objectId its {@code object_id}
     * @param modifiedAt its {@code modified_at} (epoch ms), or 0 when the listing has none (notebooks)
     */
    public record Remote(long objectId, long modifiedAt) {}

    /** The manifest of a recorded state, with what is known of the remote objects. */
    public static Manifest of(
            boolean complete, String root, long rootObjectId, SyncState state, Map<SyncPath, Remote> remote) {
        NavigableMap<SyncPath, Entry> files = new TreeMap<>();
        state.files().forEach((path, file) -> files.put(path, new Entry(file, remote.get(path))));
        return new Manifest(complete, root, rootObjectId, files);
    }

    /** The recorded state it describes; local times are unknown, so planning compares digests. */
    public SyncState state() {
        NavigableMap<SyncPath, FileState> out = new TreeMap<>();
        files.forEach((path, entry) -> out.put(path, entry.state().withModifiedMillis(FileState.NO_TIME)));
        return new SyncState(out);
    }

    /** The remote objects it knows, by source path. */
    public Map<SyncPath, Remote> remote() {
        Map<SyncPath, Remote> out = new TreeMap<>();
        files.forEach((path, entry) -> {
            if (entry.remote() != null) {
                out.put(path, entry.remote());
            }
        });
        return out;
    }

    /**
     * The small manifest written before a run changes the folder: it lists nothing, since a run without
     * local state that finds it reconciles the folder anyway.
     */
    public static Manifest marker(String root, long rootObjectId) {
        return new Manifest(false, root, rootObjectId, new TreeMap<>());
    }

    /** Deterministic JSON (sorted keys, no times of writing): equal manifests give equal bytes. */
    public byte[] toJson() {
        return toJson(true);
    }

    /**
     * The digest of what the manifest says about the files (not the remote ids and times it happens to
     * know): it is written again only when this changes, so learning an object's time costs no upload.
     */
    public String contentSha256() {
        return java.util.HexFormat.of()
                .formatHex(dev.workspacesync.core.SnapshotEntry.newSha256().digest(toJson(false)));
    }

    private byte[] toJson(boolean withRemote) {
        ObjectNode out = JSON.createObjectNode();
        out.put("format", FORMAT);
        out.put("version", VERSION);
        out.put("complete", complete);
        out.put("root", root);
        out.put("root_object_id", rootObjectId);
        ObjectNode list = out.putObject("files");
        files.forEach((path, entry) -> {
            ObjectNode f = list.putObject(path.value());
            FileState s = entry.state();
            f.put("sha256", s.sha256());
            f.put("size", s.size());
            if (s.executable()) {
                f.put("executable", true);
            }
            if (s.remoteName() != null) {
                f.put("remote_name", s.remoteName());
            }
            if (withRemote && entry.remote() != null) {
                f.put("object_id", entry.remote().objectId());
                if (entry.remote().modifiedAt() != 0) {
                    f.put("modified_at", entry.remote().modifiedAt());
                }
            }
        });
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(out);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write the manifest", e);
        }
    }

    /**
     * Reads a manifest.
     *
     * @throws IllegalArgumentException saying what is wrong, for anything this version did not write
     */
    public static Manifest parse(byte[] json) {
        JsonNode in;
        try {
            in = JSON.readTree(json);
        } catch (IOException e) {
            String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                    ? j.getOriginalMessage()
                    : e.getMessage();
            throw new IllegalArgumentException("it is not JSON (" + why + ")");
        }
        if (in == null || !in.isObject() || !FORMAT.equals(in.path("format").asText())) {
            throw new IllegalArgumentException("it is not a " + FORMAT);
        }
        if (in.path("version").asInt(-1) != VERSION) {
            throw new IllegalArgumentException("its version " + in.path("version") + " is not " + VERSION);
        }
        if (!in.path("root").isTextual() || !in.path("root_object_id").canConvertToLong()) {
            throw new IllegalArgumentException("it has no root folder and object id");
        }
        NavigableMap<SyncPath, Entry> files = new TreeMap<>();
        JsonNode list = in.path("files");
        if (!list.isObject()) {
            throw new IllegalArgumentException("it has no files");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = list.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode f = field.getValue();
            try {
                if (!f.path("size").canConvertToLong() || !f.path("sha256").isTextual()) {
                    throw new IllegalArgumentException("no size or digest");
                }
                FileState state = new FileState(
                        f.path("size").asLong(),
                        FileState.NO_TIME,
                        f.path("sha256").asText(),
                        f.path("executable").asBoolean(false),
                        f.hasNonNull("remote_name") ? f.get("remote_name").asText() : null);
                Remote remote = f.path("object_id").canConvertToLong()
                        ? new Remote(
                                f.get("object_id").asLong(),
                                f.path("modified_at").asLong(0))
                        : null;
                files.put(SyncPath.of(field.getKey()), new Entry(state, remote));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        "its entry '" + field.getKey() + "' is malformed: " + e.getMessage());
            }
        }
        return new Manifest(
                in.path("complete").asBoolean(false),
                in.get("root").asText(),
                in.get("root_object_id").asLong(),
                files);
    }
}
