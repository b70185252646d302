package dev.workspacesync.windmill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.workspacesync.core.SyncConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@code wmill sync pull} would pull: the {@code wmill.yaml} keys and pull flags that change the
 * result. {@link #noConfig()} is the CLI without a {@code wmill.yaml}; {@link #initDefaults()} is what
 * {@code wmill init --use-default} writes; {@link #fromWmillYaml(Path)} reads a file.
 *
 * @param defaultTs {@code bun} or {@code deno}: the runtime that gets the plain {@code .ts} extension
 * @param includes minimatch globs a file must match (empty: everything)
 * @param excludes minimatch globs a file must not match
 * @param extraIncludes a second set of globs a file must also match (empty: none)
 * @param skipSecrets drop secret variables
 * @param skipVariables drop all variables
 * @param skipResources drop resources
 * @param skipResourceTypes drop resource types
 * @param skipScripts drop scripts
 * @param skipFlows drop flows
 * @param skipApps drop apps
 * @param skipFolders drop folder metadata
 * @param skipWorkspaceDependencies drop {@code dependencies/}
 * @param includeSchedules keep schedules
 * @param includeTriggers keep triggers
 * @param includeUsers keep users
 * @param includeGroups keep groups
 * @param includeSettings keep workspace settings
 * @param includeKey keep the workspace encryption key
 * @param plainSecrets ask the server for decrypted secrets
 * @param nonDottedPaths {@code __flow}/{@code __app} directories and inline files without {@code .inline_script}
 * @param syncBehavior {@code v0} or {@code v1} ({@code v1} replaces on-behalf-of identities with flags)
 */
public record WindmillPullOptions(
        String defaultTs,
        List<String> includes,
        List<String> excludes,
        List<String> extraIncludes,
        boolean skipSecrets,
        boolean skipVariables,
        boolean skipResources,
        boolean skipResourceTypes,
        boolean skipScripts,
        boolean skipFlows,
        boolean skipApps,
        boolean skipFolders,
        boolean skipWorkspaceDependencies,
        boolean includeSchedules,
        boolean includeTriggers,
        boolean includeUsers,
        boolean includeGroups,
        boolean includeSettings,
        boolean includeKey,
        boolean plainSecrets,
        boolean nonDottedPaths,
        String syncBehavior) {

    public WindmillPullOptions {
        Objects.requireNonNull(defaultTs, "defaultTs");
        if (!defaultTs.equals("bun") && !defaultTs.equals("deno")) {
            throw new SyncConfigException("defaultTs must be bun or deno, not " + defaultTs);
        }
        includes = List.copyOf(includes);
        excludes = List.copyOf(excludes);
        extraIncludes = List.copyOf(extraIncludes);
        Objects.requireNonNull(syncBehavior, "syncBehavior");
        if (!syncBehavior.matches("v[0-9]+")) {
            throw new SyncConfigException("syncBehavior must look like v0 or v1, not " + syncBehavior);
        }
    }

    /** The CLI with no {@code wmill.yaml}: everything under {@code u/}, {@code f/}, {@code g/}, encrypted secrets, dotted dirs. */
    public static WindmillPullOptions noConfig() {
        return new WindmillPullOptions(
                "bun", List.of(), List.of(), List.of(), false, false, false, false, false, false, false, false, false,
                false, false, false, false, false, false, false, false, "v0");
    }

    /** What {@code wmill init --use-default} writes: {@code f/**}, no secrets, non-dotted paths, sync behaviour v1. */
    public static WindmillPullOptions initDefaults() {
        return new WindmillPullOptions(
                "bun",
                List.of("f/**"),
                List.of(),
                List.of(),
                true,
                false,
                false,
                false,
                false,
                false,
                false,
                false,
                false,
                false,
                false,
                false,
                false,
                false,
                false,
                false,
                true,
                "v1");
    }

    /** Whether {@code syncBehavior} is v1 or later. */
    public boolean stripsOnBehalfOf() {
        return Integer.parseInt(syncBehavior.substring(1)) >= 1;
    }

    /** Reads a {@code wmill.yaml}; keys it does not name keep the no-config defaults. */
    public static WindmillPullOptions fromWmillYaml(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new SyncConfigException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            root = new ObjectMapper().createObjectNode();
        }
        if (!root.isObject()) {
            throw new SyncConfigException(file + " is not a YAML mapping");
        }
        WindmillPullOptions d = noConfig();
        return new WindmillPullOptions(
                text(root, "defaultTs", d.defaultTs),
                list(root, "includes"),
                list(root, "excludes"),
                list(root, "extraIncludes"),
                bool(root, "skipSecrets", d.skipSecrets),
                bool(root, "skipVariables", false),
                bool(root, "skipResources", false),
                bool(root, "skipResourceTypes", false),
                bool(root, "skipScripts", false),
                bool(root, "skipFlows", false),
                bool(root, "skipApps", false),
                bool(root, "skipFolders", false),
                bool(root, "skipWorkspaceDependencies", false),
                bool(root, "includeSchedules", false),
                bool(root, "includeTriggers", false),
                bool(root, "includeUsers", false),
                bool(root, "includeGroups", false),
                bool(root, "includeSettings", false),
                bool(root, "includeKey", false),
                bool(root, "plainSecrets", false),
                bool(root, "nonDottedPaths", false),
                text(root, "syncBehavior", "v0"));
    }

    /** These options as a {@code wmill.yaml} (for CLI mode when no file was given). */
    public String toWmillYaml() {
        StringBuilder y = new StringBuilder("# Generated by workspace-sync from its windmill.* settings\n");
        y.append("defaultTs: ").append(defaultTs).append('\n');
        list(y, "includes", includes);
        list(y, "excludes", excludes);
        if (!extraIncludes.isEmpty()) {
            list(y, "extraIncludes", extraIncludes);
        }
        y.append("skipSecrets: ").append(skipSecrets).append('\n');
        y.append("skipVariables: ").append(skipVariables).append('\n');
        y.append("skipResources: ").append(skipResources).append('\n');
        y.append("skipResourceTypes: ").append(skipResourceTypes).append('\n');
        y.append("skipScripts: ").append(skipScripts).append('\n');
        y.append("skipFlows: ").append(skipFlows).append('\n');
        y.append("skipApps: ").append(skipApps).append('\n');
        y.append("skipFolders: ").append(skipFolders).append('\n');
        y.append("skipWorkspaceDependencies: ")
                .append(skipWorkspaceDependencies)
                .append('\n');
        y.append("includeSchedules: ").append(includeSchedules).append('\n');
        y.append("includeTriggers: ").append(includeTriggers).append('\n');
        y.append("includeUsers: ").append(includeUsers).append('\n');
        y.append("includeGroups: ").append(includeGroups).append('\n');
        y.append("includeSettings: ").append(includeSettings).append('\n');
        y.append("includeKey: ").append(includeKey).append('\n');
        y.append("plainSecrets: ").append(plainSecrets).append('\n');
        y.append("nonDottedPaths: ").append(nonDottedPaths).append('\n');
        y.append("syncBehavior: ").append(syncBehavior).append('\n');
        return y.toString();
    }

    private static void list(StringBuilder y, String key, List<String> values) {
        y.append(key).append(':');
        if (values.isEmpty()) {
            y.append(" []\n");
            return;
        }
        y.append('\n');
        for (String v : values) {
            y.append("  - '").append(v.replace("'", "''")).append("'\n");
        }
    }

    private static String text(JsonNode root, String key, String fallback) {
        JsonNode v = root.get(key);
        return v == null || v.isNull() ? fallback : v.asText();
    }

    private static boolean bool(JsonNode root, String key, boolean fallback) {
        JsonNode v = root.get(key);
        return v == null || v.isNull() ? fallback : v.asBoolean();
    }

    private static List<String> list(JsonNode root, String key) {
        JsonNode v = root.get(key);
        List<String> out = new ArrayList<>();
        if (v != null && v.isArray()) {
            v.forEach(item -> out.add(item.asText()));
        } else if (v != null && v.isTextual()) {
            out.add(v.asText());
        }
        return out;
    }
}
