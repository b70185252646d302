package dev.workspacesync.windmill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.workspacesync.core.SyncConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What {@code wmill sync pull} would pull: the {@code wmill.yaml} keys and pull flags that change the
 * result. {@link #noConfig()} is the CLI without a {@code wmill.yaml}; {@link #initDefaults()} is what
 * {@code wmill init --use-default} writes; {@link #fromWmillYaml(Path)} reads a file. Change one value with
 * the {@code with…} methods: {@code noConfig().with(Flag.INCLUDE_SCHEDULES, true)}.
 *
 * @param defaultTs {@code bun} or {@code deno}: the runtime that gets the plain {@code .ts} extension
 * @param includes minimatch globs a file must match (empty: everything)
 * @param excludes minimatch globs a file must not match
 * @param extraIncludes a second set of globs a file must also match (empty: none)
 * @param flags the {@code wmill.yaml} switches that are on
 * @param syncBehavior {@code v0} or {@code v1} ({@code v1} replaces on-behalf-of identities with flags)
 */
public record WindmillPullOptions(
        String defaultTs,
        List<String> includes,
        List<String> excludes,
        List<String> extraIncludes,
        Set<Flag> flags,
        String syncBehavior) {

    /** The include glob that stands for the CLI's explicit, empty {@code includes: []}. */
    public static final String MATCH_NOTHING = "!**";

    /** The {@code wmill.yaml} switches, all off by default. */
    public enum Flag {
        SKIP_SECRETS("Drop secret variables."),
        SKIP_VARIABLES("Drop all variables."),
        SKIP_RESOURCES("Drop resources."),
        SKIP_RESOURCE_TYPES("Drop resource types."),
        SKIP_SCRIPTS("Drop scripts."),
        SKIP_FLOWS("Drop flows."),
        SKIP_APPS("Drop apps."),
        SKIP_FOLDERS("Drop folder metadata."),
        SKIP_WORKSPACE_DEPENDENCIES("Drop dependencies/."),
        SKIP_DATATABLE_MIGRATIONS("Drop migrations/datatable/."),
        INCLUDE_SCHEDULES("Keep schedules."),
        INCLUDE_TRIGGERS("Keep triggers."),
        INCLUDE_USERS("Keep users."),
        INCLUDE_GROUPS("Keep groups."),
        INCLUDE_SETTINGS("Keep workspace settings."),
        INCLUDE_KEY("Keep the workspace encryption key (admin only)."),
        PLAIN_SECRETS("Pull secrets decrypted."),
        NON_DOTTED_PATHS("Use __flow/__app directories and inline files without .inline_script."),
        DEDUPE_LOCKFILES("Move the lock most scripts of a workspace dependency file share to locks/.");

        private final String description;

        Flag(String description) {
            this.description = description;
        }

        /** The key in {@code wmill.yaml}, e.g. {@code skipSecrets}. */
        public String wmillKey() {
            StringBuilder key = new StringBuilder();
            boolean upper = false;
            for (char c : name().toLowerCase(Locale.ROOT).toCharArray()) {
                if (c == '_') {
                    upper = true;
                } else {
                    key.append(upper ? Character.toUpperCase(c) : c);
                    upper = false;
                }
            }
            return key.toString();
        }

        /** The setting of the {@code windmill} provider, e.g. {@code windmill.skip-secrets}. */
        public String settingKey() {
            return "windmill." + name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** What the switch does, for help texts. */
        public String description() {
            return description;
        }
    }

    public WindmillPullOptions {
        Objects.requireNonNull(defaultTs, "defaultTs");
        if (!defaultTs.equals("bun") && !defaultTs.equals("deno")) {
            throw new SyncConfigException("defaultTs must be bun or deno, not " + defaultTs);
        }
        includes = List.copyOf(includes);
        excludes = List.copyOf(excludes);
        extraIncludes = List.copyOf(extraIncludes);
        flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
        Objects.requireNonNull(syncBehavior, "syncBehavior");
        if (!syncBehavior.matches("v[0-9]+")) {
            throw new SyncConfigException("syncBehavior must look like v0 or v1, not " + syncBehavior);
        }
    }

    /** The CLI with no {@code wmill.yaml}: everything under {@code u/}, {@code f/}, {@code g/}, encrypted secrets, dotted dirs. */
    public static WindmillPullOptions noConfig() {
        return new WindmillPullOptions("bun", List.of(), List.of(), List.of(), Set.of(), "v0");
    }

    /** What {@code wmill init --use-default} writes: {@code f/**}, no secrets, non-dotted paths, sync behaviour v1. */
    public static WindmillPullOptions initDefaults() {
        return new WindmillPullOptions(
                "bun", List.of("f/**"), List.of(), List.of(), Set.of(Flag.SKIP_SECRETS, Flag.NON_DOTTED_PATHS), "v1");
    }

    /** Whether a switch is on. */
    public boolean has(Flag flag) {
        return flags.contains(flag);
    }

    /** These options with one switch turned on or off. */
    public WindmillPullOptions with(Flag flag, boolean on) {
        EnumSet<Flag> changed = flags.isEmpty() ? EnumSet.noneOf(Flag.class) : EnumSet.copyOf(flags);
        if (on) {
            changed.add(flag);
        } else {
            changed.remove(flag);
        }
        return new WindmillPullOptions(defaultTs, includes, excludes, extraIncludes, changed, syncBehavior);
    }

    /** These options with other globs. */
    public WindmillPullOptions withGlobs(List<String> includes, List<String> excludes, List<String> extraIncludes) {
        return new WindmillPullOptions(defaultTs, includes, excludes, extraIncludes, flags, syncBehavior);
    }

    /** These options with another {@code defaultTs}. */
    public WindmillPullOptions withDefaultTs(String defaultTs) {
        return new WindmillPullOptions(defaultTs, includes, excludes, extraIncludes, flags, syncBehavior);
    }

    /** These options with another {@code syncBehavior}. */
    public WindmillPullOptions withSyncBehavior(String syncBehavior) {
        return new WindmillPullOptions(defaultTs, includes, excludes, extraIncludes, flags, syncBehavior);
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
        EnumSet<Flag> flags = EnumSet.noneOf(Flag.class);
        for (Flag flag : Flag.values()) {
            JsonNode v = root.get(flag.wmillKey());
            if (v != null && v.asBoolean()) {
                flags.add(flag);
            }
        }
        List<String> includes = list(root, "includes");
        List<String> excludes = list(root, "excludes");
        if (includes.isEmpty() && !excludes.isEmpty() && root.path("includes").isArray()) {
            // The CLI reads an explicit `includes: []` as a list nothing matches (JavaScript's [] is truthy),
            // so with excludes only what bypasses the filter is pulled. "!**" says the same to both tools.
            includes = List.of(MATCH_NOTHING);
        }
        return new WindmillPullOptions(
                text(root, "defaultTs", "bun"),
                includes,
                excludes,
                list(root, "extraIncludes"),
                flags,
                text(root, "syncBehavior", "v0"));
    }

    /** These options with a {@code workspaces.<name>.overrides} mapping applied on top, as the CLI applies it. */
    WindmillPullOptions withOverrides(JsonNode overrides) {
        EnumSet<Flag> changed = flags.isEmpty() ? EnumSet.noneOf(Flag.class) : EnumSet.copyOf(flags);
        for (Flag flag : Flag.values()) {
            JsonNode v = overrides.get(flag.wmillKey());
            if (v != null) {
                if (v.asBoolean()) {
                    changed.add(flag);
                } else {
                    changed.remove(flag);
                }
            }
        }
        return new WindmillPullOptions(
                text(overrides, "defaultTs", defaultTs),
                overrides.has("includes") ? list(overrides, "includes") : includes,
                overrides.has("excludes") ? list(overrides, "excludes") : excludes,
                overrides.has("extraIncludes") ? list(overrides, "extraIncludes") : extraIncludes,
                changed,
                text(overrides, "syncBehavior", syncBehavior));
    }

    /** These options as a {@code wmill.yaml} (for CLI mode when no file was given). */
    public String toWmillYaml() {
        StringBuilder y = new StringBuilder("# Generated by workspace-sync from its windmill.* settings\n");
        y.append("defaultTs: ").append(defaultTs).append('\n');
        if (!includes.isEmpty()) {
            // The CLI reads `includes: []` as a list nothing matches, not as "no include filter".
            list(y, "includes", includes);
        }
        list(y, "excludes", excludes);
        if (!extraIncludes.isEmpty()) {
            list(y, "extraIncludes", extraIncludes);
        }
        for (Flag flag : Flag.values()) {
            y.append(flag.wmillKey()).append(": ").append(has(flag)).append('\n');
        }
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
