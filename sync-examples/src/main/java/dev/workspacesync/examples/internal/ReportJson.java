package dev.workspacesync.examples.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspacesync.core.DestinationReport;
import dev.workspacesync.core.Skipped;
import dev.workspacesync.core.SyncReport;

/**
 * The one JSON object {@code run --json} prints, and the body of the service's answers. {@code skipped}
 * (on the root: every file some destination did not receive; on each destination: what it did not) is
 * always present, as an array of {@code {"path", "reason"}}, empty when the run was complete.
 */
public final class ReportJson {
    /** Shared, thread-safe once configured. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private ReportJson() {}

    public static ObjectNode of(SyncReport report) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("status", report.status().name());
        root.put("message", report.message());
        root.put("durationMs", report.duration().toMillis());
        if (report.dryRun()) {
            root.put("dryRun", true);
        }
        skipped(root, report.skipped());
        ArrayNode destinations = root.putArray("destinations");
        for (DestinationReport d : report.destinations()) {
            ObjectNode node = destinations.addObject();
            node.put("type", d.type());
            node.put("target", d.target());
            node.put("added", d.added());
            node.put("updated", d.updated());
            node.put("deleted", d.deleted());
            node.put("bytes", d.bytes());
            node.put("status", d.status().name());
            node.put("message", d.message());
            skipped(node, d.skipped());
        }
        return root;
    }

    private static void skipped(ObjectNode node, java.util.List<Skipped> skipped) {
        ArrayNode array = node.putArray("skipped");
        for (Skipped s : skipped) {
            array.addObject().put("path", s.path()).put("reason", s.reason());
        }
    }

    /** An error that happened before any sync ran (settings, usage). */
    public static ObjectNode error(String status, String message) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("status", status);
        root.put("message", message);
        root.put("durationMs", 0);
        root.putArray("skipped");
        root.putArray("destinations");
        return root;
    }
}
