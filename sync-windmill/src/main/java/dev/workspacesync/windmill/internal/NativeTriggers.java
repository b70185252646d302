package dev.workspacesync.windmill.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspacesync.windmill.internal.PushItems.Group;
import dev.workspacesync.windmill.internal.PushItems.Item;
import dev.workspacesync.windmill.internal.PushRequests.Request;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Native triggers ({@code <script_path>.<flow|script>.<external_id>.<service>_native_trigger.yaml}) as
 * {@code wmill sync push} (1.819.0, {@code pushNativeTrigger}) writes them: the body is the trigger's script path,
 * flow flag, service config and summary; an update goes to the external id the file name holds; a new trigger is
 * created without one, because the service (Nextcloud, Google…) makes it, so a pushed trigger comes back under a
 * new file name.
 */
public final class NativeTriggers {
    /** The subtype of a native trigger's {@link Item}. */
    public static final String SUBTYPE = "native";

    static final String SUFFIX = "_native_trigger.yaml";

    private static final Pattern NAME = Pattern.compile("(.+)\\.(flow|script)\\.([^./]+)\\.(\\w+)");

    private static final List<String> BODY = List.of("script_path", "is_flow", "service_config", "summary");

    /** The parts of a native trigger's name ({@code remotePath} of its item). */
    record Name(String scriptPath, boolean flow, String externalId, String service) {}

    private NativeTriggers() {}

    /** Whether {@code path} is a native trigger file. */
    static boolean is(String path) {
        return path.endsWith(SUFFIX) && path.length() > SUFFIX.length();
    }

    /** The name in a native trigger's file name, or null when it is not the CLI's form. */
    static Name name(String remotePath) {
        Matcher m = NAME.matcher(remotePath);
        return m.matches() ? new Name(m.group(1), m.group(2).equals("flow"), m.group(3), m.group(4)) : null;
    }

    /** Why a native trigger's file name cannot be pushed, or null. */
    public static String problem(Item item) {
        return name(item.remotePath()) == null
                ? "a native trigger's file is named {script_path}.{flow|script}.{external_id}.{service}" + SUFFIX
                : null;
    }

    /**
     * The call that makes the workspace hold {@code local}: create (new), update (the four fields the CLI sends
     * differ) or none (they are the same; the other keys are the service's).
     */
    public static List<Request> write(Group local, Group remote) {
        Name name = name(local.item().remotePath());
        JsonNode mine = PushItems.yaml(local.files().get(local.item().mainFile()));
        ObjectNode body = fields(mine);
        if (remote != null) {
            JsonNode theirs = PushItems.yaml(remote.files().get(remote.item().mainFile()));
            if (PushSettings.deepEqual(body, fields(theirs))) {
                return List.of();
            }
            return List.of(new Request(
                    "POST",
                    "native_triggers/" + name.service() + "/update/" + WindmillApi.pathSegments(name.externalId()),
                    PushRequests.asJavaScript(body)));
        }
        return List.of(
                new Request("POST", "native_triggers/" + name.service() + "/create", PushRequests.asJavaScript(body)));
    }

    /** The call that removes a native trigger, by its service and external id. */
    public static Request delete(Item item) {
        Name name = name(item.remotePath());
        return new Request(
                "DELETE",
                "native_triggers/" + name.service() + "/delete/" + WindmillApi.pathSegments(name.externalId()),
                null);
    }

    private static ObjectNode fields(JsonNode trigger) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (String key : BODY) {
            JsonNode v = trigger.get(key);
            if (v != null) {
                out.set(key, v);
            }
        }
        return out;
    }
}
