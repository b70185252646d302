package dev.workspacesync.examples.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspacesync.core.Change;
import dev.workspacesync.core.DestinationReport;
import dev.workspacesync.core.Redactor;
import dev.workspacesync.core.Skipped;
import dev.workspacesync.core.SyncReport;

/**
 * The one JSON object {@code run --json} prints, and the body of the service's answers. {@code skipped}
 * (on the root: every file some destination did not receive; on each destination: what it did not) is
 * always present, as an array of {@code {"path", "reason"}}, empty when the run was complete.
 *
 * <p>{@link #withPlans} (what {@code run --json} prints) adds each destination's planned files as {@code
 * "plan": {"add": [...], "update": [...], "delete": [...]}} to a dry run's report and to a refused
 * destination: every path, escaped as in {@link dev.workspacesync.core.SyncPath#escaped()}. The service
 * answers without them, so an empty pull's refusal never sends back the whole backup's file list.
 */
public final class ReportJson {
    /** Shared, thread-safe once configured. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private ReportJson() {}

    public static ObjectNode of(SyncReport report) {
        return of(report, false, Redactor.none());
    }

    /** The report with the correlation id of its run as {@code "traceId"} (see {@link TraceIds}). */
    public static ObjectNode of(SyncReport report, String traceId) {
        ObjectNode root = of(report);
        root.put("traceId", traceId);
        return root;
    }

    /** The report with the planned files of a dry run and of refused destinations, paths redacted. */
    public static ObjectNode withPlans(SyncReport report, Redactor redactor) {
        return of(report, true, redactor);
    }

    private static ObjectNode of(SyncReport report, boolean plans, Redactor redactor) {
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
            boolean listed = report.dryRun() || d.status() == dev.workspacesync.core.SyncStatus.REFUSED;
            if (plans && listed && d.plan() != null) {
                ObjectNode plan = node.putObject("plan");
                paths(plan.putArray("add"), d.plan().adds(), redactor);
                paths(plan.putArray("update"), d.plan().updates(), redactor);
                paths(plan.putArray("delete"), d.plan().deletes(), redactor);
            }
        }
        return root;
    }

    private static void paths(ArrayNode array, java.util.List<Change> changes, Redactor redactor) {
        changes.forEach(c -> array.add(redactor.redact(c.path().escaped())));
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
