package dev.workspacesync.windmill.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The {@code DATATABLES.md} the CLI generates in a raw app directory ({@code generateDatatablesDocumentation}). */
final class RawAppDocs {
    private RawAppDocs() {}

    static String datatables(JsonNode data) {
        List<String> tables = new ArrayList<>();
        String datatable = null;
        String schema = null;
        if (data != null && data.isObject()) {
            data.path("tables").forEach(t -> tables.add(t.asText()));
            datatable = data.hasNonNull("datatable")
                            && !data.get("datatable").asText().isEmpty()
                    ? data.get("datatable").asText()
                    : null;
            schema = data.hasNonNull("schema") && !data.get("schema").asText().isEmpty()
                    ? data.get("schema").asText()
                    : null;
        }
        String config = datatable != null
                ? "**Default Datatable:** `" + datatable + "`"
                        + (schema != null ? " | **Default Schema:** `" + schema + "`" : "")
                : "**No default datatable configured.**";
        String whitelisted = tables.isEmpty()
                ? "*No tables whitelisted. Add tables to `data.tables` in `raw_app.yaml`.*"
                : String.join("\n", tables.stream().map(t -> "- `" + t + "`").toList());
        return "# Data Tables\n\n"
                + "This file contains the database schema information for this app.\n"
                + "Run `wmill app generate-agents` to refresh with current workspace schemas.\n\n"
                + "**For full instructions, see `AGENTS.md`.**\n\n"
                + "## Current Configuration\n\n"
                + config + "\n\n"
                + "## Whitelisted Tables\n\n"
                + whitelisted + "\n\n"
                + "---\n\n"
                + "## Schema Information\n\n"
                + "Run `wmill app generate-agents` to populate this section with detailed schema information\n"
                + "from the workspace datatables.\n\n"
                + "---\n"
                + "*Auto-generated. Run `wmill app generate-agents` to refresh schemas.*\n";
    }
}
