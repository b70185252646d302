package dev.workspacesync.windmill.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Just enough multipart/form-data for the raw app endpoints: one named part, read as JSON. */
final class Multipart {
    private Multipart() {}

    /** The part named {@code name} parsed as a JSON object, or null when there is none. */
    static ObjectNode jsonPart(byte[] body, String name) throws IOException {
        // ISO-8859-1 maps bytes one to one, so offsets found in the text are byte offsets.
        String text = new String(body, StandardCharsets.ISO_8859_1);
        int eol = text.indexOf("\r\n");
        if (!text.startsWith("--") || eol < 0) {
            return null;
        }
        String boundary = "\r\n" + text.substring(0, eol);
        int at = eol + 2;
        while (at < text.length()) {
            int headersEnd = text.indexOf("\r\n\r\n", at);
            if (headersEnd < 0) {
                return null;
            }
            String headers = text.substring(at, headersEnd);
            int end = text.indexOf(boundary, headersEnd + 4);
            if (end < 0) {
                return null;
            }
            if (headers.contains("name=\"" + name + "\"")) {
                byte[] content = java.util.Arrays.copyOfRange(body, headersEnd + 4, end);
                JsonNode node = WorkspaceModel.JSON.readTree(content);
                return node instanceof ObjectNode o ? o : null;
            }
            at = end + boundary.length() + 2;
        }
        return null;
    }
}
