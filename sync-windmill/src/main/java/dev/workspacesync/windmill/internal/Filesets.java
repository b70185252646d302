package dev.workspacesync.windmill.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspacesync.windmill.internal.PushItems.Group;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fileset resources as {@code wmill sync push} (1.819.0) sends them: {@code value: '!inline_fileset
 * <path>.fileset'} in {@code <path>.resource.yaml} is replaced by the files of that directory, keyed by their
 * path inside it ({@code readFilesetDirectory}); the pointer must name the directory beside the resource file
 * ({@code validateFilesetPointer}).
 */
public final class Filesets {
    private static final String POINTER = "!inline_fileset ";

    private Filesets() {}

    /** The directory a resource's value points at, or null when it is no fileset pointer. */
    static String pointer(JsonNode resource) {
        JsonNode value = resource.path("value");
        return value.isTextual() && value.asText().startsWith(POINTER)
                ? value.asText().split(" ")[1]
                : null;
    }

    /** The pointer names {@code <path>.fileset} and that directory has files. */
    public static void validate(Group group, JsonNode resource, List<String> problems) {
        String dir = pointer(resource);
        if (dir == null) {
            return;
        }
        String path = group.item().remotePath();
        String expected = path + ".fileset";
        if (!dir.replaceAll("/+\\z", "").equals(expected)) {
            problems.add(group.item().mainFile() + ": the resource uses '" + POINTER + dir
                    + "', but a fileset directory must live next to its resource file, at '" + expected + "'");
        } else if (files(group, expected).isEmpty()) {
            problems.add(group.item().mainFile() + ": the fileset directory " + expected + " is missing or empty");
        }
    }

    /** Replaces the pointer in a resource body by the directory's files. */
    static void embed(ObjectNode body, Group group) {
        String dir = pointer(body);
        if (dir == null) {
            return;
        }
        String root = dir.replaceAll("/+\\z", "");
        ObjectNode value = JsonNodeFactory.instance.objectNode();
        for (String p : files(group, root)) {
            value.put(p.substring(root.length() + 1), new String(group.files().get(p), StandardCharsets.UTF_8));
        }
        body.set("value", value);
    }

    private static List<String> files(Group group, String root) {
        List<String> out = new ArrayList<>();
        for (String p : group.files().keySet()) {
            if (p.startsWith(root + "/")) {
                out.add(p);
            }
        }
        out.sort((a, b) -> ScriptFolders.SEGMENTS.compare(a, b));
        return out;
    }
}
