package dev.workspacesync.windmill.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CLI's rules for dbt scripts: a project whose files live in {@code <path>__dbt/}, with the descriptor
 * {@code wm_dbt.yaml} and the dbt-generated directories left out.
 */
final class Dbt {
    static final String SUFFIX = "__dbt";
    static final String DESCRIPTOR = "wm_dbt.yaml";
    /** dbt projects over this size per file are not bundled. */
    static final long MAX_FILE_BYTES = 5L * 1024 * 1024;

    private static final List<String> GENERATED_DIRS =
            List.of("target", "dbt_packages", "logs", ".git", ".venv", "__pycache__");
    private static final Pattern PATH_SETTING =
            Pattern.compile("^\\s*(?:target-path|packages-install-path)\\s*:\\s*([^\\n#]+)", Pattern.MULTILINE);
    private static final Pattern CLEAN_TARGETS = Pattern.compile("^\\s*clean-targets\\s*:\\s*(.*)$");
    private static final Pattern INLINE_LIST = Pattern.compile("^\\[([^\\]]*)\\]");
    private static final Pattern LIST_ITEM = Pattern.compile("^\\s+-\\s*([^\\n#]+)$");
    private static final Pattern ENV_VAR_CALL = Pattern.compile(
            "\\{\\{\\s*env_var\\(\\s*['\"]([^'\"]+)['\"]\\s*(?:,\\s*['\"]([^'\"]*)['\"]\\s*)?\\)\\s*\\}\\}");

    private Dbt() {}

    /** Whether a script's {@code modules} are a dbt project: {@code dbt_project.yml} in language dbt. */
    static boolean isProject(JsonNode modules) {
        JsonNode project = modules == null ? null : modules.get("dbt_project.yml");
        return project != null
                && project.isObject()
                && project.path("language").isTextual()
                && project.get("language").asText().equals("dbt");
    }

    /** The script path before the first {@code __mod/} or {@code __dbt/}, or null outside a module folder. */
    static String scriptBase(String p) {
        int mod = p.indexOf("__mod/");
        int dbt = p.indexOf(SUFFIX + "/");
        int first = mod < 0 ? dbt : dbt < 0 ? mod : Math.min(mod, dbt);
        return first < 0 ? null : p.substring(0, first);
    }

    /** Whether {@code p} is the descriptor {@code <base>__dbt/wm_dbt.yaml}. */
    static boolean isDescriptor(String p) {
        String base = scriptBase(p);
        return base != null && p.equals(base + SUFFIX + "/" + DESCRIPTOR);
    }

    /** What a pull into an empty directory drops from a project: generated directories and local secrets. */
    static boolean isPulledAway(String p) {
        String base = scriptBase(p);
        if (base == null || !p.startsWith(base + SUFFIX + "/")) {
            return false;
        }
        String rel = p.substring(base.length() + SUFFIX.length() + 1);
        return isUnder(rel, Set.copyOf(GENERATED_DIRS)) || isLocalSecretFile(p.substring(p.lastIndexOf('/') + 1));
    }

    static boolean isLocalSecretFile(String name) {
        return name.equals(".env") || name.startsWith(".env.") || name.equals(".envrc");
    }

    static boolean isUnder(String rel, Set<String> dirs) {
        return dirs.stream().anyMatch(d -> rel.equals(d) || rel.startsWith(d + "/"));
    }

    /** The default generated directories plus those {@code dbt_project.yml} names (target, packages, clean). */
    static Set<String> generatedDirs(Path projectRoot) throws IOException {
        Path file = projectRoot.resolve("dbt_project.yml");
        return generatedDirs(Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : null);
    }

    /** {@link #generatedDirs(Path)} for the text of {@code dbt_project.yml} (null: the project has none). */
    static Set<String> generatedDirs(String yml) {
        Set<String> dirs = new LinkedHashSet<>(GENERATED_DIRS);
        if (yml == null) {
            return dirs;
        }
        Matcher settings = PATH_SETTING.matcher(yml);
        while (settings.find()) {
            add(dirs, settings.group(1));
        }
        String[] lines = yml.split("\\r?\\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher head = CLEAN_TARGETS.matcher(lines[i]);
            if (!head.matches()) {
                continue;
            }
            Matcher inline = INLINE_LIST.matcher(head.group(1));
            if (inline.find()) {
                for (String item : inline.group(1).split(",", -1)) {
                    add(dirs, item);
                }
                continue;
            }
            for (int j = i + 1; j < lines.length; j++) {
                Matcher item = LIST_ITEM.matcher(lines[j]);
                if (!item.matches()) {
                    break;
                }
                add(dirs, item.group(1));
            }
        }
        return dirs;
    }

    private static void add(Set<String> dirs, String raw) {
        String v = ENV_VAR_CALL.matcher(raw).replaceAll(m -> {
            String value = System.getenv(m.group(1));
            return Matcher.quoteReplacement(value != null ? value : m.group(2) != null ? m.group(2) : m.group());
        });
        v = v.strip().replaceAll("^[\"']|[\"']\\z", "").replace('\\', '/');
        v = v.replaceFirst("^\\./", "").replaceAll("/+\\z", "");
        if (!v.isEmpty() && !v.startsWith("/") && !List.of(v.split("/", -1)).contains("..")) {
            dirs.add(v);
        }
    }

    /** The CLI bundles a project file unless it is binary (a NUL in its first 8,000 bytes) or too large. */
    static boolean isBundled(Path file) throws IOException {
        if (Files.size(file) > MAX_FILE_BYTES) {
            return false;
        }
        try (var in = Files.newInputStream(file)) {
            return !isBinary(in.readNBytes(8000));
        }
    }

    /** Whether a file is binary to the CLI: a NUL in its first 8,000 bytes. */
    static boolean isBinary(byte[] content) {
        for (int i = 0; i < Math.min(8000, content.length); i++) {
            if (content[i] == 0) {
                return true;
            }
        }
        return false;
    }
}
