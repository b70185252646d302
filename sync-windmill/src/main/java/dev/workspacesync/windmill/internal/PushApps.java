package dev.workspacesync.windmill.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspacesync.core.DestinationException;
import dev.workspacesync.windmill.internal.PushItems.Group;
import dev.workspacesync.windmill.internal.PushItems.Item;
import dev.workspacesync.windmill.internal.PushRequests.Request;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * Apps as {@code wmill sync push} (windmill-cli 1.819.0, {@code pushApp}) writes them: {@code app.yaml} with its
 * {@code !inline} files embedded again ({@code replaceInlineScripts}, which also types each runnable {@code inline}
 * or {@code path}), the policy the CLI derives from the app's components ({@code triggerables_v2}, {@code
 * s3_inputs}, {@code allowed_s3_keys}, the execution mode, the deployed policy as base), then {@code apps/create}
 * or {@code apps/update/<path>} and the {@code extra_perms} grants that differ.
 *
 * <p>Raw apps are refused when they would be written: the CLI sends a frontend bundle it builds with esbuild from
 * the app's npm dependencies, which cannot be rebuilt here (see {@link #rawAppRefusal}).
 */
public final class PushApps {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> SELECTS =
            Set.of("resourceselectcomponent", "selectcomponent", "multiselectcomponent", "multiselectcomponentv2");
    private static final Set<String> AGGRIDS = Set.of(
            "aggridcomponent",
            "aggridcomponentee",
            "dbexplorercomponent",
            "aggridinfinitecomponent",
            "aggridinfinitecomponentee");
    private static final Pattern REGEX_SPECIAL = Pattern.compile("[.*+?^${}()|\\[\\]\\\\]");
    private static final Pattern QUOTED = Pattern.compile("(['\"`])[^'\"`]*\\1");

    /** What the policy generator of the CLI would fail on, or what this one cannot reproduce. */
    static final class PolicyException extends RuntimeException {
        PolicyException(String message) {
            super(message);
        }
    }

    private final String appSuffix;

    public PushApps(PushItems items) {
        this.appSuffix = items.appSuffix();
    }

    /**
     * Checks an app before any write: a {@code value} mapping, every {@code !inline} file present, and a policy
     * the CLI's generator can derive. Problems are added as {@code path: reason}.
     */
    public void validate(Group group, List<String> problems) {
        Item item = group.item();
        ObjectNode app = (ObjectNode) PushItems.yaml(group.files().get(item.mainFile()));
        if (!app.path("value").isObject()) {
            problems.add(item.mainFile() + ": the app has no value mapping");
            return;
        }
        int before = problems.size();
        embed(app.get("value"), group, dir(item), item.mainFile(), problems);
        if (problems.size() > before) {
            return;
        }
        try {
            policy(app.get("value"), NODES.objectNode());
        } catch (PolicyException e) {
            problems.add(item.mainFile() + ": wmill sync push cannot derive the app's policy: " + e.getMessage());
        }
    }

    /**
     * Why a raw app that differs from the workspace is not pushed: {@code wmill sync push} sends, beside the app,
     * the {@code js} and {@code css} parts of a bundle it builds from {@code index.tsx} with esbuild ({@code
     * bundle}, iife, es2020, minified, with its JavaScript plugins for the {@code wmill} module, Svelte and the
     * shared {@code ui/} folder) after {@code npm install} of the app's {@code package.json}. The dependencies
     * are not in the tree and the bundler is JavaScript and Go, so the bundle cannot be rebuilt without Node;
     * a raw app sent without it would not run.
     */
    public static String rawAppRefusal(Item item) {
        return item.mainFile() + ": the windmill destination does not push raw apps: wmill sync push builds their"
                + " frontend bundle (npm install, then esbuild with the CLI's plugins), which cannot be rebuilt"
                + " without Node; deploy it with wmill sync push, or leave it out of the tree"
                + " (for example with the exclude **/*.raw_app/** in wmill.yaml; skip-apps leaves raw apps in, as in"
                + " the CLI)";
    }

    /**
     * The calls that make the workspace hold the app {@code local}: {@code deployed} is the workspace's app as
     * {@code apps/get/p} answers it (null for a new app), {@code preserveAllowed} whether the pusher may keep the
     * deployed on-behalf-of identity (only asked with sync behaviour v1 and a deployed one).
     */
    public List<Request> write(Group local, JsonNode deployed, boolean syncV1, BooleanSupplier preserveAllowed) {
        Item item = local.item();
        String path = item.remotePath();
        ObjectNode app =
                (ObjectNode) PushItems.yaml(local.files().get(item.mainFile())).deepCopy();
        List<String> problems = new ArrayList<>();
        embed(app.get("value"), local, dir(item), item.mainFile(), problems);
        if (!problems.isEmpty()) {
            throw new DestinationException(String.join("; ", problems));
        }
        JsonNode deployedPolicy = deployed == null ? null : deployed.get("policy");
        if (deployedPolicy != null && deployedPolicy.isNull()) {
            deployedPolicy = null;
        }
        boolean preserve = syncV1
                && deployedPolicy != null
                && truthy(deployedPolicy.get("on_behalf_of"))
                && preserveAllowed.getAsBoolean();
        JsonNode base = basePolicy(app.get("policy"), deployedPolicy, preserve);
        ObjectNode policy;
        try {
            policy = policy(app.get("value"), base);
        } catch (PolicyException e) {
            throw new DestinationException(item.mainFile() + ": cannot derive the app's policy: " + e.getMessage());
        }
        policy.remove("triggerables");
        policy.put("execution_mode", executionMode(app, deployedPolicy));
        app.set("policy", policy);
        JsonNode localPerms = app.remove("extra_perms");

        ObjectNode body = NODES.objectNode();
        if (deployed == null) {
            body.put("path", path);
        }
        body.putNull("deployment_message"); // the CLI's undefined message: keeps the key's place, never sent
        app.fields().forEachRemaining(f -> body.set(f.getKey(), f.getValue()));
        if (!app.has("deployment_message")) {
            body.remove("deployment_message");
        }
        if (preserve) {
            body.put("preserve_on_behalf_of", true);
        }
        body.put("skip_draft_deletion", true);
        String seg = WindmillApi.pathSegments(path);
        List<Request> out = new ArrayList<>();
        out.add(new Request(
                "POST", deployed == null ? "apps/create" : "apps/update/" + seg, PushRequests.asJavaScript(body)));
        out.addAll(extraPerms("app", seg, localPerms, deployed == null ? null : deployed.get("extra_perms")));
        return out;
    }

    private String dir(Item item) {
        return item.remotePath() + appSuffix + "/";
    }

    /**
     * The CLI's {@code applyExtraPermsDiff}: grants (owner → write) the local map has and the workspace lacks or
     * holds differently, revocations of owners the local map does not name. No local map, no calls.
     */
    static List<Request> extraPerms(String kind, String seg, JsonNode local, JsonNode remote) {
        List<Request> out = new ArrayList<>();
        if (local == null || local.isNull() || !local.isObject()) {
            return out;
        }
        Map<String, Boolean> localPerms = new LinkedHashMap<>();
        Set<String> invalid = new java.util.HashSet<>();
        local.fields().forEachRemaining(f -> {
            if (f.getValue().isBoolean()) {
                localPerms.put(f.getKey(), f.getValue().asBoolean());
            } else {
                invalid.add(f.getKey());
            }
        });
        Map<String, Boolean> remotePerms = new LinkedHashMap<>();
        if (remote != null && remote.isObject()) {
            remote.fields().forEachRemaining(f -> {
                if (f.getValue().isBoolean()) {
                    remotePerms.put(f.getKey(), f.getValue().asBoolean());
                }
            });
        }
        localPerms.forEach((owner, write) -> {
            if (!write.equals(remotePerms.get(owner))) {
                ObjectNode grant = NODES.objectNode().put("owner", owner).put("write", write);
                out.add(new Request("POST", "acls/add/" + kind + "/" + seg, grant));
            }
        });
        for (String owner : remotePerms.keySet()) {
            if (!localPerms.containsKey(owner) && !invalid.contains(owner)) {
                out.add(new Request(
                        "POST",
                        "acls/remove/" + kind + "/" + seg,
                        NODES.objectNode().put("owner", owner)));
            }
        }
        return out;
    }

    /**
     * The CLI's {@code replaceInlineScripts} over an app's value, in place: an object with {@code runType} becomes
     * {@code type: path}, one with an {@code inlineScript} mapping {@code type: inline}, and its {@code !inline}
     * content and lock are read from the app's directory. A missing file is a problem (the CLI would send "").
     */
    private static void embed(JsonNode node, Group group, String dir, String owner, List<String> problems) {
        if (!(node instanceof ObjectNode) && !(node instanceof ArrayNode)) {
            return;
        }
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        if (node instanceof ObjectNode o) {
            o.fields().forEachRemaining(entries::add);
        } else {
            int i = 0;
            for (JsonNode n : node) {
                entries.add(Map.entry(String.valueOf(i++), n));
            }
        }
        for (Map.Entry<String, JsonNode> e : entries) {
            String key = e.getKey();
            JsonNode v = e.getValue();
            if (key.equals("runType") && node instanceof ObjectNode o) {
                o.put("type", "path");
            } else if (key.equals("inlineScript") && (v.isObject() || v.isArray() || v.isNull())) {
                if (v.isNull()) {
                    problems.add(owner + ": an inlineScript is null, not a mapping");
                    continue;
                }
                if (node instanceof ObjectNode o) {
                    o.put("type", "inline");
                }
                if (!v.isObject()) {
                    continue;
                }
                for (String field : List.of("content", "lock")) {
                    JsonNode ref = v.get(field);
                    if (!truthy(ref)) {
                        continue;
                    }
                    if (!ref.isTextual()) {
                        problems.add(owner + ": an inlineScript " + field + " is not text");
                        continue;
                    }
                    if (ref.asText().startsWith("!inline")) {
                        String[] words = ref.asText().split(" ", -1);
                        String file = dir + (words.length > 1 ? words[1] : "undefined");
                        String text = group.text(file);
                        if (text == null) {
                            problems.add(owner + ": the !inline file " + file + " is missing");
                        } else {
                            ((ObjectNode) v).put(field, text);
                        }
                    }
                }
            } else {
                embed(v, group, dir, owner, problems);
            }
        }
    }

    /** The CLI's {@code basePolicy}: the deployed policy (else the local one), without its identity unless kept. */
    private static JsonNode basePolicy(JsonNode localPolicy, JsonNode deployedPolicy, boolean claimsOnBehalfOf) {
        JsonNode stated = deployedPolicy != null
                ? deployedPolicy
                : localPolicy == null || localPolicy.isNull() ? null : localPolicy;
        if (stated == null || claimsOnBehalfOf || !stated.isObject()) {
            return stated;
        }
        ObjectNode base = ((ObjectNode) stated).deepCopy();
        base.remove(List.of("on_behalf_of", "on_behalf_of_email"));
        return base;
    }

    /** The CLI's {@code executionModeForPush}: what app.yaml states, else viewer if deployed so, else publisher. */
    static String executionMode(JsonNode app, JsonNode deployedPolicy) {
        String mode = app.path("policy").path("execution_mode").asText("");
        JsonNode pub = app.get("public");
        if (pub != null && !pub.isNull() ? truthy(pub) : mode.equals("anonymous")) {
            return "anonymous";
        }
        JsonNode guests = app.get("guests");
        if (guests != null && !guests.isNull() ? truthy(guests) : mode.equals("guest")) {
            return "guest";
        }
        if (app.path("policy").path("execution_mode").isTextual()
                && (mode.equals("viewer") || mode.equals("publisher"))) {
            return mode;
        }
        return deployedPolicy != null
                        && deployedPolicy.path("execution_mode").asText("").equals("viewer")
                ? "viewer"
                : "publisher";
    }

    /**
     * The policy the CLI derives from an app's value ({@code G3} of its bundled app-policy code): the base's keys,
     * then {@code allowed_s3_keys} (image, pdf and download components on workspace storage), {@code s3_inputs}
     * (S3 file inputs, and an open one when a form takes an S3 object) and {@code triggerables_v2} (one entry per
     * runnable of a component, action, menu item or hidden script: its static inputs, the choices of a select it
     * reads, the inputs that accept the user's resources).
     */
    static ObjectNode policy(JsonNode value, JsonNode base) {
        List<JsonNode> components = components(value);
        ObjectNode triggerables = NODES.objectNode();
        for (JsonNode component : components) {
            JsonNode data = component.get("data");
            if (data == null || data.isNull()) {
                throw new PolicyException("component " + jsString(component.get("id")) + " has no data");
            }
            List<JsonNode[]> inputs = new ArrayList<>();
            inputs.add(new JsonNode[] {data.get("componentInput"), component.get("id")});
            String type = data.path("type").asText("");
            if (type.equals("tablecomponent")) {
                each(data, "actionButtons", component, inputs);
            }
            if (AGGRIDS.contains(type) && data.path("actions").isArray()) {
                each(data, "actions", component, inputs);
            }
            if (type.equals("menucomponent")) {
                each(data, "menuItems", component, inputs);
            }
            if (type.equals("dbexplorercomponent")) {
                refuseDbExplorer(component, data);
            }
            for (JsonNode[] input : inputs) {
                if (truthy(input[0]) && "runnable".equals(input[0].path("type").asText(null))) {
                    entry(jsString(input[1]), input[0].get("runnable"), input[0].get("fields"), value, triggerables);
                }
            }
        }
        int i = 0;
        for (JsonNode hidden : values(value.get("hiddenInlineScripts"))) {
            entry("bg_" + i++, hidden, hidden == null ? null : hidden.get("fields"), value, triggerables);
        }
        ArrayNode s3Inputs = NODES.arrayNode();
        for (JsonNode component : components) {
            if ("s3fileinputcomponent".equals(component.get("data").path("type").asText(null))) {
                JsonNode s3 = component
                        .get("data")
                        .path("configuration")
                        .path("type")
                        .path("configuration")
                        .get("s3");
                s3Inputs.add(s3Input(s3, value));
            }
        }
        for (JsonNode component : components) {
            if (formTakesS3(component.get("data"))) {
                ObjectNode open = s3Inputs.addObject().put("allow_workspace_resource", true);
                open.putArray("allowed_resources");
                open.put("allow_user_resources", false).put("file_key_regex", "");
                break;
            }
        }
        ArrayNode keys = NODES.arrayNode();
        for (JsonNode component : components) {
            String type = component.get("data").path("type").asText("");
            if (type.equals("imagecomponent") || type.equals("pdfcomponent") || type.equals("downloadcomponent")) {
                JsonNode key = s3Key(component.get("data").get("configuration"), component);
                if (key != null) {
                    keys.add(key);
                }
            }
        }
        ObjectNode policy = base != null && base.isObject() ? ((ObjectNode) base).deepCopy() : NODES.objectNode();
        policy.set("allowed_s3_keys", keys);
        policy.set("s3_inputs", s3Inputs);
        policy.set("triggerables_v2", triggerables);
        return policy;
    }

    /** {@code grid} then every subgrid's components, as the CLI's {@code allItems} lists them. */
    private static List<JsonNode> components(JsonNode value) {
        List<JsonNode> out = new ArrayList<>();
        JsonNode grid = value.get("grid");
        if (grid != null && !grid.isNull()) {
            if (!grid.isArray()) {
                throw new PolicyException("the grid is not a list");
            }
            grid.forEach(out::add);
        }
        JsonNode subgrids = value.get("subgrids");
        if (subgrids != null && !subgrids.isNull()) {
            for (JsonNode sub : values(subgrids)) {
                if (sub.isArray()) {
                    sub.forEach(out::add); // Array.prototype.flat, one level
                } else {
                    out.add(sub);
                }
            }
        }
        for (JsonNode c : out) {
            if (c == null || !c.isObject()) {
                throw new PolicyException("a grid item is not a mapping");
            }
        }
        return out;
    }

    private static void each(JsonNode data, String field, JsonNode component, List<JsonNode[]> inputs) {
        JsonNode list = data.get(field);
        if (list == null || !list.isArray()) {
            throw new PolicyException("component " + jsString(component.get("id")) + " has no " + field + " list");
        }
        for (JsonNode e : list) {
            if (e == null || !e.isObject()) {
                throw new PolicyException("an entry of " + field + " of component " + jsString(component.get("id"))
                        + " is not a mapping");
            }
            inputs.add(new JsonNode[] {e.get("componentInput"), e.get("id")});
        }
    }

    /**
     * A database explorer bound to a table: the CLI adds grants for the SQL it generates (select, count, insert,
     * delete, update per editable column, per dialect), which this destination does not reproduce.
     */
    private static void refuseDbExplorer(JsonNode component, JsonNode data) {
        JsonNode cfg = data.get("configuration");
        JsonNode selectedNode = cfg == null ? null : cfg.path("type").get("selected");
        String selected = selectedNode == null ? null : jsString(selectedNode);
        String dialect = "datatable".equals(selected) ? "postgresql" : selected;
        JsonNode conf =
                selectedNode == null || cfg.path("type").path("configuration").isMissingNode()
                        ? null
                        : cfg.path("type").path("configuration").get(selected);
        if (truthy(conf) && truthy(selectedNode) && dialect != null && !dialect.isEmpty()) {
            throw new PolicyException("database explorer " + jsString(component.get("id"))
                    + " is bound to a database: the windmill destination does not generate the SQL grants"
                    + " the CLI adds for it; deploy this app with wmill sync push");
        }
    }

    /** One runnable's entry ({@code K3}): {@code <id>:rawscript/<sha256 of the code>} or {@code <id>:<kind>/<path>}. */
    private static void entry(String id, JsonNode runnable, JsonNode fields, JsonNode app, ObjectNode out) {
        if (fields == null || fields.isNull()) {
            throw new PolicyException("runnable " + id + " has no fields");
        }
        ObjectNode statics = NODES.objectNode();
        ArrayNode userResources = NODES.arrayNode();
        for (Map.Entry<String, JsonNode> f : entries(fields)) {
            JsonNode v = f.getValue();
            if (v == null || v.isNull()) {
                throw new PolicyException("field " + f.getKey() + " of runnable " + id + " is null");
            }
            if ("static".equals(v.path("type").asText(null)) && v.has("value")) {
                statics.set(f.getKey(), v.get("value"));
            }
            if (truthy(v.get("allowUserResources"))) {
                userResources.add(f.getKey());
            }
        }
        ObjectNode oneOf = oneOf(fields, app);
        String type = runnable == null ? "" : runnable.path("type").asText("");
        if (type.equals("runnableByName") || type.equals("inline")) {
            JsonNode script = runnable.get("inlineScript");
            JsonNode content = script == null || script.isNull() ? null : script.get("content");
            String code = content == null ? "" : jsString(content);
            ObjectNode grant = NODES.objectNode();
            grant.set("static_inputs", statics);
            grant.set("one_of_inputs", oneOf);
            grant.set("allow_user_resources", userResources);
            JsonNode tag = script == null || script.isNull() ? null : script.get("tag");
            if (truthy(tag)) {
                grant.set("tag", tag);
            }
            out.set(id + ":rawscript/" + sha256(code), grant);
        } else if (type.equals("runnableByPath") || type.equals("path")) {
            String runType = jsString(runnable.get("runType"));
            ObjectNode grant = NODES.objectNode();
            grant.set("static_inputs", statics);
            grant.set("one_of_inputs", oneOf);
            grant.set("allow_user_resources", userResources);
            out.set(
                    id + ":" + (runType.equals("hubscript") ? "script" : runType) + "/"
                            + jsString(runnable.get("path")),
                    grant);
        }
    }

    /** The CLI's {@code N3}: for an input wired to exactly one select's value, the select's static choices. */
    private static ObjectNode oneOf(JsonNode fields, JsonNode app) {
        ObjectNode out = NODES.objectNode();
        for (Map.Entry<String, JsonNode> f : entries(fields)) {
            JsonNode r = f.getValue();
            if (!"evalv2".equals(r.path("type").asText(null))) {
                continue;
            }
            JsonNode connections = r.get("connections");
            if (connections == null || !connections.isArray() || connections.size() != 1) {
                continue;
            }
            JsonNode c = connections.get(0);
            if (c == null || c.isNull() || !c.isObject()) {
                throw new PolicyException("a connection of input " + f.getKey() + " is not a mapping");
            }
            JsonNode expr = r.get("expr");
            if (expr == null
                    || !expr.isTextual()
                    || !expr.asText().equals(jsString(c.get("componentId")) + "." + jsString(c.get("id")))) {
                continue;
            }
            JsonNode target = find(app, c.get("componentId"));
            JsonNode data = target == null ? null : target.get("data");
            if (data == null || !data.isObject()) {
                continue;
            }
            String type = data.path("type").asText("");
            if (!SELECTS.contains(type)) {
                continue;
            }
            JsonNode cfg = data.path("configuration");
            if (!type.equals("resourceselectcomponent")
                    && "static".equals(cfg.path("create").path("type").asText(null))
                    && cfg.path("create").path("value").isBoolean()
                    && cfg.path("create").path("value").asBoolean()) {
                continue;
            }
            if (!"static".equals(cfg.path("items").path("type").asText(null))) {
                continue;
            }
            JsonNode items = cfg.path("items").get("value");
            if (items == null || !items.isArray()) {
                continue;
            }
            if (type.startsWith("multiselect")) {
                out.set(f.getKey(), items);
            } else {
                ArrayNode values = NODES.arrayNode();
                for (JsonNode item : items) {
                    if (item.isObject() && item.has("value") && truthy(item.get("value"))) {
                        values.add(item.get("value"));
                    }
                }
                out.set(f.getKey(), values);
            }
        }
        return out;
    }

    /** The first component with this id in the grid or any subgrid (the CLI's {@code findGridItem}). */
    private static JsonNode find(JsonNode app, JsonNode id) {
        if (id == null) {
            return null;
        }
        for (JsonNode c : components(app)) {
            JsonNode cid = c.get("id");
            if (cid != null && cid.equals(id)) {
                return c;
            }
        }
        return null;
    }

    /** An S3 file input's grant ({@code B3}): its resource, whether user resources are allowed, its key pattern. */
    private static ObjectNode s3Input(JsonNode s3, JsonNode app) {
        JsonNode resource = s3 == null || s3.isNull() ? null : s3.get("resource");
        if (resource != null && resource.isNull()) {
            resource = null;
        }
        JsonNode template = s3 == null || s3.isNull() ? null : s3.get("pathTemplate");
        boolean isStatic =
                resource != null && "static".equals(resource.path("type").asText(null));
        boolean workspace = resource == null || isStatic && !truthy(resource.get("value"));
        ArrayNode allowed = NODES.arrayNode();
        if (resource != null) {
            if (isStatic) {
                if (truthy(resource.get("value"))) {
                    allowed.add(stripRes(resource.get("value")));
                }
            } else {
                ObjectNode fields = NODES.objectNode();
                fields.set("s3_resource", resource);
                JsonNode choices = oneOf(fields, app).get("s3_resource");
                if (choices != null) {
                    for (JsonNode choice : choices) {
                        allowed.add(stripRes(choice));
                    }
                }
            }
        }
        JsonNode user = NODES.booleanNode(false);
        if (resource != null && "evalv2".equals(resource.path("type").asText(null))) {
            JsonNode a = resource.get("allowUserResources");
            user = a == null || a.isNull() ? NODES.booleanNode(false) : a;
        }
        String regex = "^.*$";
        if (truthy(template)) {
            String t = template.path("type").asText(null);
            if ("static".equals(t)) {
                JsonNode v = template.get("value");
                if (v == null || !v.isTextual()) {
                    throw new PolicyException("the path template of an S3 file input is not text");
                }
                regex = "^" + escape(v.asText()) + "$";
            } else if ("evalv2".equals(t)) {
                JsonNode connections = template.get("connections");
                JsonNode expr = template.get("expr");
                if (connections == null || !connections.isArray()) {
                    throw new PolicyException("the path template of an S3 file input has no connections");
                }
                if (connections.isEmpty() && (expr == null || !expr.isTextual())) {
                    throw new PolicyException("the path template of an S3 file input has no expr");
                }
                String e = connections.isEmpty() ? expr.asText() : "";
                if (connections.isEmpty()
                        && QUOTED.matcher(e.replace("${file.name}", "")).matches()) {
                    String inner = e.replace("${file.name}", "<file_name>");
                    inner = inner.length() < 2 ? "" : inner.substring(1, inner.length() - 1);
                    regex = "^" + escape(inner).replace("<file_name>", "[^/]+") + "$";
                }
            }
        }
        ObjectNode out = NODES.objectNode();
        out.put("allow_workspace_resource", workspace);
        out.set("allowed_resources", allowed);
        out.set("allow_user_resources", user);
        out.put("file_key_regex", regex);
        return out;
    }

    private static String stripRes(JsonNode v) {
        if (!v.isTextual()) {
            throw new PolicyException("an S3 resource of a file input is not text");
        }
        return v.asText().replaceFirst("^\\$res:", "");
    }

    private static String escape(String s) {
        return REGEX_SPECIAL.matcher(s).replaceAll(m -> java.util.regex.Matcher.quoteReplacement("\\" + m.group()));
    }

    /** Whether a form's schema takes an S3 object (then the CLI adds an open S3 input). */
    private static boolean formTakesS3(JsonNode data) {
        String type = data.path("type").asText("");
        if (!type.equals("schemaformcomponent")
                && !type.equals("formbuttoncomponent")
                && !type.equals("formcomponent")) {
            return false;
        }
        JsonNode input = data.path("componentInput");
        JsonNode properties;
        if (type.equals("schemaformcomponent")) {
            properties = input.path("value").path("properties");
        } else {
            String rt = input.path("runnable").path("type").asText("");
            properties = rt.equals("runnableByName") || rt.equals("inline")
                    ? input.path("runnable").path("inlineScript").path("schema").path("properties")
                    : input.path("runnable").path("schema").path("properties");
        }
        for (JsonNode p : values(properties)) {
            if (p != null && p.isObject()) {
                String t = p.path("type").asText("");
                if (t.equals("object")
                                && "resource-s3_object".equals(p.path("format").asText(null))
                        || t.equals("array")
                                && List.of("s3object", "s3_object")
                                        .contains(p.path("items")
                                                .path("resourceType")
                                                .asText(""))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** An image, pdf or download component's S3 key ({@code H3}), or null when it shows no workspace object. */
    private static ObjectNode s3Key(JsonNode cfg, JsonNode component) {
        JsonNode source = cfg == null || cfg.isNull() ? null : cfg.get("source");
        if (source == null || source.isNull()) {
            throw new PolicyException("component " + jsString(component.get("id")) + " has no source");
        }
        JsonNode value = source.get("value");
        String type = source.path("type").asText("");
        if (type.equals("uploadS3")
                && value != null
                && value.isObject()
                && value.path("s3").isTextual()) {
            ObjectNode key = NODES.objectNode().put("s3_path", value.get("s3").asText());
            if (value.has("storage")) {
                key.set("storage", value.get("storage"));
            }
            return key;
        }
        if (type.equals("static")
                && value != null
                && value.isTextual()
                && ("static".equals(cfg.path("sourceKind").path("type").asText(null))
                                && "s3 (workspace storage)"
                                        .equals(cfg.path("sourceKind")
                                                .path("value")
                                                .asText(null))
                        || value.asText().startsWith("s3://"))) {
            return NODES.objectNode().put("s3_path", value.asText().replaceFirst("s3://", ""));
        }
        return null;
    }

    /** {@code Object.values}: a list's elements, or a mapping's values (integer-like keys first, as JavaScript). */
    private static List<JsonNode> values(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        if (node == null || node.isNull() || node.isMissingNode()) {
            return out;
        }
        if (node.isArray()) {
            node.forEach(out::add);
        } else if (node.isObject()) {
            entries(node).forEach(e -> out.add(e.getValue()));
        }
        return out;
    }

    /** {@code Object.entries} in JavaScript's order: array-index keys ascending, then the others as written. */
    private static List<Map.Entry<String, JsonNode>> entries(JsonNode node) {
        List<Map.Entry<String, JsonNode>> indexes = new ArrayList<>();
        List<Map.Entry<String, JsonNode>> others = new ArrayList<>();
        if (node.isArray()) {
            int i = 0;
            for (JsonNode n : node) {
                indexes.add(Map.entry(String.valueOf(i++), n));
            }
            return indexes;
        }
        if (!node.isObject()) {
            return others;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            (isIndex(e.getKey()) ? indexes : others).add(e);
        }
        indexes.sort((a, b) -> Long.compare(Long.parseLong(a.getKey()), Long.parseLong(b.getKey())));
        indexes.addAll(others);
        return indexes;
    }

    private static boolean isIndex(String key) {
        return key.matches("0|[1-9][0-9]{0,9}") && Long.parseLong(key) < 4294967295L;
    }

    /** JavaScript's truthiness of a YAML value (missing is undefined). */
    static boolean truthy(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return false;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isNumber()) {
            double d = v.asDouble();
            return d != 0 && !Double.isNaN(d);
        }
        if (v.isTextual()) {
            return !v.asText().isEmpty();
        }
        return true;
    }

    /** A value as a JavaScript template literal writes it. */
    private static String jsString(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "undefined";
        }
        if (v.isNull()) {
            return "null";
        }
        if (v.isTextual()) {
            return v.asText();
        }
        if (v.isNumber()) {
            return CliYaml.jsNumber(v);
        }
        if (v.isBoolean()) {
            return String.valueOf(v.asBoolean());
        }
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(n -> parts.add(n.isNull() ? "" : jsString(n)));
            return String.join(",", parts);
        }
        return "[object Object]";
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
