package dev.workspacesync.windmill.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspacesync.windmill.internal.PushItems.Group;
import dev.workspacesync.windmill.internal.PushItems.Item;
import dev.workspacesync.windmill.internal.PushItems.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How {@code wmill sync push} (1.819.0) reads the scripts whose files are more than code, metadata and lock:
 * multi-file scripts ({@code <path>__mod/script.<ext>} and its module files), dbt projects ({@code
 * <path>__dbt/}, descriptor {@code wm_dbt.yaml}, sent verbatim as modules) and scripts whose metadata points at
 * a shared lock ({@code lock: '!inline locks/<dependency file>.lock'}, {@code dedupeLockfiles}): which file is the
 * metadata and which the code ({@code findContentFile}), the {@code modules} of the request
 * ({@code readModulesFromDisk}), and which files of a dbt folder the CLI neither compares nor sends.
 */
public final class ScriptFolders {
    static final String MOD = "__mod";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ScriptFolders() {}

    /** Whether {@code p} is the descriptor {@code <path>__dbt/wm_dbt.yaml} of a dbt project. */
    public static boolean isDbtDescriptor(String p) {
        return Dbt.isDescriptor(p);
    }

    /**
     * Whether a file is content the CLI never parses: a dbt project's files, module files and fileset files
     * (a module folder's {@code script.yaml} is metadata).
     */
    public static boolean isVerbatim(String p) {
        String base = Dbt.scriptBase(p);
        return p.contains(".fileset/") || base != null && !p.equals(base + MOD + "/script.yaml");
    }

    /** The script a file of a {@code __mod/} or {@code __dbt/} folder belongs to. */
    static PushItems.Classified classify(String p) {
        String base = Dbt.scriptBase(p);
        boolean dbt = p.startsWith(base + Dbt.SUFFIX + "/");
        String main = dbt ? base + ".script.yaml" : base + MOD + "/script.yaml";
        return new PushItems.Classified(new Item(Kind.SCRIPT, base, main, ""), null);
    }

    /** A shared lock file: {@code locks/<dependency file>.lock}, as the CLI's {@code isSharedLockPath}. */
    public static boolean isSharedLock(String p) {
        if (!p.startsWith("locks/") || !p.endsWith(".lock")) {
            return false;
        }
        String name = p.substring("locks/".length(), p.length() - ".lock".length());
        String[] info = name.contains("/") ? null : WmillLock.dependencyInfo("dependencies/" + name);
        return info != null && !info[0].equals("powershell");
    }

    /**
     * Finishes the script groups of a tree: the metadata file the CLI reads ({@code <path>.script.yaml}, else
     * {@code <path>__mod/script.yaml}) becomes the main file, the shared lock a script references joins its group
     * (so it is compared and sent with the script), and the files of a dbt folder the CLI leaves out (generated
     * directories, local secret files, binary files) are dropped.
     */
    static void finish(Map<String, Group> groups, Map<String, byte[]> sharedLocks) {
        for (Map.Entry<String, Group> e : groups.entrySet()) {
            Group group = e.getValue();
            Item item = group.item();
            if (item.kind() != Kind.SCRIPT) {
                continue;
            }
            String base = item.remotePath();
            String main = item.mainFile();
            for (String candidate : List.of(base + ".script.yaml", base + MOD + "/script.yaml")) {
                if (group.files().containsKey(candidate)) {
                    main = candidate;
                    break;
                }
            }
            Map<String, byte[]> files = new TreeMap<>(group.files());
            dropUnbundled(base, files);
            String lock = lockReference(files.get(main));
            if (lock != null && lock.startsWith("locks/") && sharedLocks.containsKey(lock)) {
                files.put(lock, sharedLocks.get(lock));
            }
            e.setValue(new Group(new Item(Kind.SCRIPT, base, main, ""), files));
        }
    }

    /** The file a metadata's {@code lock: '!inline <file>'} names, or null. */
    static String lockReference(byte[] metadata) {
        if (metadata == null) {
            return null;
        }
        try {
            JsonNode lock = PushItems.yaml(metadata).path("lock");
            return lock.isTextual() && lock.asText().startsWith("!inline ")
                    ? lock.asText().split(" ")[1]
                    : null;
        } catch (RuntimeException e) {
            return null; // reported by validation as unparsable
        }
    }

    private static void dropUnbundled(String base, Map<String, byte[]> files) {
        String root = base + Dbt.SUFFIX + "/";
        byte[] project = files.get(root + "dbt_project.yml");
        Set<String> generated = Dbt.generatedDirs(project == null ? null : utf8(project));
        files.keySet().removeIf(p -> {
            if (!p.startsWith(root)) {
                return false;
            }
            String rel = p.substring(root.length());
            return Dbt.isUnder(rel, generated)
                    || Dbt.isLocalSecretFile(rel.substring(rel.lastIndexOf('/') + 1))
                    || Dbt.isBinary(files.get(p));
        });
    }

    /**
     * The code file of a script, as the CLI's {@code findContentFile}: {@code <path><ext>} or {@code
     * <path>__mod/script<ext>}; for a dbt project its descriptor, also when only {@code dbt_project.yml}
     * exists (the descriptor then reads as empty). Null when there is none; {@link #codeFiles} lists them all.
     */
    static String codeFile(Group group) {
        List<String> found = codeFiles(group);
        if (found.size() == 1) {
            return found.get(0);
        }
        String base = group.item().remotePath();
        if (found.isEmpty() && group.files().containsKey(base + Dbt.SUFFIX + "/dbt_project.yml")) {
            return base + Dbt.SUFFIX + "/" + Dbt.DESCRIPTOR;
        }
        return null;
    }

    /** Every candidate code file of a script group that exists. */
    static List<String> codeFiles(Group group) {
        String base = group.item().remotePath();
        List<String> found = new ArrayList<>();
        for (String ext : PullTransformer.scriptExtensions()) {
            for (String candidate : List.of(base + ext, base + MOD + "/script" + ext)) {
                if (group.files().containsKey(candidate)) {
                    found.add(candidate);
                }
            }
        }
        String descriptor = base + Dbt.SUFFIX + "/" + Dbt.DESCRIPTOR;
        if (group.files().containsKey(descriptor)) {
            found.add(descriptor);
        }
        return found;
    }

    /** Whether a script group holds a module folder ({@code __mod/} or {@code __dbt/}). */
    static boolean hasFolder(Group group) {
        String base = group.item().remotePath();
        return group.files().keySet().stream()
                .anyMatch(p -> p.startsWith(base + MOD + "/") || p.startsWith(base + Dbt.SUFFIX + "/"));
    }

    /**
     * The {@code modules} of the script request ({@code readModulesFromDisk}), or null when there are none: for a
     * dbt project every file of its folder but the descriptor, verbatim, in language {@code dbt}; otherwise the
     * code files of {@code <path>__mod/} (not {@code script.*} when the code lives there), each with its
     * language and the {@code <name>.lock} beside it. Throws for a module whose language cannot be inferred.
     */
    static ObjectNode modules(Group group, String code, String defaultTs) {
        String base = group.item().remotePath();
        boolean dbt = Dbt.isDescriptor(code);
        String folder = base + (dbt ? Dbt.SUFFIX : MOD) + "/";
        boolean folderLayout = code.startsWith(folder);
        List<String> paths = new ArrayList<>();
        for (String p : group.files().keySet()) {
            if (p.startsWith(folder)) {
                paths.add(p.substring(folder.length()));
            }
        }
        paths.sort(SEGMENTS);
        ObjectNode out = NODES.objectNode();
        for (String rel : paths) {
            String name = rel.substring(rel.lastIndexOf('/') + 1);
            boolean topLevel = !rel.contains("/");
            String content = utf8(group.files().get(folder + rel));
            if (dbt) {
                if (!(topLevel && name.equals(Dbt.DESCRIPTOR))) {
                    out.putObject(rel).put("content", content).put("language", "dbt");
                }
                continue;
            }
            boolean entry = topLevel
                    && folderLayout
                    && (name.startsWith("script.")
                            || name.equals("script.lock")
                            || name.equals("script.yaml")
                            || name.equals("script.json"));
            if (name.endsWith(".lock") || entry || !PullTransformer.hasScriptExt(name)) {
                continue;
            }
            ObjectNode module =
                    out.putObject(rel).put("content", content).put("language", PushRequests.language(name, defaultTs));
            String lock = folder + rel.replaceFirst("\\.[^./]+\\z", "") + ".lock";
            if (group.files().containsKey(lock)) {
                module.put("lock", utf8(group.files().get(lock)));
            }
        }
        return out.isEmpty() ? null : out;
    }

    /**
     * Problems of a script the CLI fails on: two code files for one script, a dbt file over 5 MB, a module of no
     * known language. False when the script has more than one code file (nothing else can be checked).
     */
    public static boolean validate(Group group, String code, String defaultTs, List<String> problems) {
        List<String> candidates = codeFiles(group);
        if (candidates.size() > 1) {
            problems.add(group.item().mainFile() + ": multiple script files (" + String.join(", ", candidates)
                    + "): keep exactly one");
            return false;
        }
        String base = group.item().remotePath();
        for (Map.Entry<String, byte[]> f : group.files().entrySet()) {
            if (f.getKey().startsWith(base + Dbt.SUFFIX + "/") && f.getValue().length > Dbt.MAX_FILE_BYTES) {
                problems.add(f.getKey() + ": over the 5 MB per-file limit for a dbt project file");
            }
        }
        if (code != null && !Dbt.isDescriptor(code)) {
            try {
                modules(group, code, defaultTs);
            } catch (RuntimeException e) {
                problems.add(group.item().mainFile() + ": " + e.getMessage());
            }
        }
        return true;
    }

    /** The order {@code readdir} walks a folder in: segment by segment, each by its UTF-8 bytes. */
    static final Comparator<String> SEGMENTS = (a, b) -> {
        String[] x = a.split("/", -1);
        String[] y = b.split("/", -1);
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = Arrays.compare(
                    x[i].codePoints().toArray(), y[i].codePoints().toArray());
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    };

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
