package dev.workspacesync.windmill.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code dedupeLockfiles: true}: the CLI moves the lock most scripts of a workspace dependency file agree on
 * to {@code locks/<dependency file>.lock} and points those scripts' metadata at it. Applied to a freshly
 * pulled tree, before {@link WmillLock} hashes it.
 */
public final class SharedLocks {
    /** Content files that can carry a lock, in the order the CLI looks for them. */
    private static final List<String> LOCKABLE_EXTS =
            List.of(".fetch.ts", ".deno.ts", ".bun.ts", ".playbook.yml", ".ts", ".py", ".go", ".php", ".rs");

    private static final Set<String> NEEDS_LOCK = Set.of("bun", "python3", "php", "go", "deno", "rust", "ansible");
    /** Leading-comment flags that change how a lock resolves, so such a script keeps its own. */
    private static final Map<String, Set<String>> LOCK_FLAGS = Map.of(
            "python3",
            Set.of(
                    "no_cache",
                    "no_postinstall",
                    "py_select_latest",
                    "skip_result_postprocessing",
                    "py310",
                    "py311",
                    "py312",
                    "py313",
                    "sandbox"),
            "bun",
            Set.of("npm", "nodejs", "native", "nobundling", "sandbox"),
            "nativets",
            Set.of("npm", "nodejs", "native", "nobundling", "sandbox"),
            "deno",
            Set.of("npm", "nodejs", "native", "nobundling", "sandbox"),
            "go",
            Set.of("go1_22_compat"));

    private static final Pattern PYTHON_INLINE = Pattern.compile("^#\\s?(\\S+)\\s*$");
    private static final Pattern PYTHON_VERSION = Pattern.compile("^#\\s?py:");

    private final Path tree;
    private final String defaultTs;

    private SharedLocks(Path tree, String defaultTs) {
        this.tree = tree;
        this.defaultTs = defaultTs;
    }

    /** One script that may share: its metadata, its own lock file and the lock text. */
    private record Candidate(String metadata, String ownLock, String lock) {}

    /** Moves shared locks to {@code locks/} in a freshly pulled tree. */
    public static void apply(Path tree, String defaultTs) throws IOException {
        new SharedLocks(tree, defaultTs).apply();
    }

    private void apply() throws IOException {
        Map<String, String> depFiles = dependencyFiles();
        if (depFiles.isEmpty()) {
            return;
        }
        Map<String, List<Candidate>> groups = new TreeMap<>();
        List<String> metadataFiles;
        try (Stream<Path> walk = Files.walk(tree)) {
            metadataFiles = walk.filter(Files::isRegularFile)
                    .map(f -> tree.relativize(f).toString().replace('\\', '/'))
                    .filter(p -> p.endsWith(".script.yaml") || p.endsWith("__mod/script.yaml"))
                    .sorted()
                    .toList();
        }
        for (String metadata : metadataFiles) {
            String base = metadata.endsWith("__mod/script.yaml")
                    ? metadata.substring(0, metadata.length() - ".yaml".length())
                    : metadata.substring(0, metadata.length() - ".script.yaml".length());
            String ownLock = base + (base.endsWith("__mod/script") ? ".lock" : ".script.lock");
            // Only metadata that points at its own, non-empty lock file takes part (not '' or a codebase's).
            if (!exists(ownLock)
                    || !lockEntry(read(metadata)).equals(lockLine("!inline " + ownLock))
                    || read(ownLock).isEmpty()) {
                continue;
            }
            String content = LOCKABLE_EXTS.stream()
                    .map(ext -> base + ext)
                    .filter(this::exists)
                    .findFirst()
                    .orElse(null);
            if (content == null) {
                continue;
            }
            String language = language(content);
            if (!NEEDS_LOCK.contains(language)) {
                continue;
            }
            String depFile = shareableDependencyFile(read(content), language, depFiles);
            if (depFile != null) {
                groups.computeIfAbsent(depFile, d -> new ArrayList<>())
                        .add(new Candidate(metadata, ownLock, read(ownLock)));
            }
        }
        for (Map.Entry<String, List<Candidate>> group : groups.entrySet()) {
            Map<String, Integer> votes = new LinkedHashMap<>();
            group.getValue().forEach(c -> votes.merge(c.lock(), 1, Integer::sum));
            // Most scripts win; a tie goes to the smallest text, so the outcome does not depend on order.
            String winner = votes.entrySet().stream()
                    .min(Comparator.comparing((Map.Entry<String, Integer> e) -> -e.getValue())
                            .thenComparing(Map.Entry::getKey))
                    .orElseThrow()
                    .getKey();
            String shared = "locks/" + group.getKey().substring(group.getKey().lastIndexOf('/') + 1) + ".lock";
            Files.createDirectories(tree.resolve("locks"));
            write(shared, winner);
            for (Candidate c : group.getValue()) {
                if (c.lock().equals(winner)) {
                    String text = read(c.metadata());
                    write(c.metadata(), text.replace(lockEntry(text), lockLine("!inline " + shared)));
                    Files.delete(tree.resolve(c.ownLock()));
                }
            }
        }
    }

    /** {@code "<language> <name or default>"} to the dependency files that can own a shared lock. */
    private Map<String, String> dependencyFiles() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        Path dir = tree.resolve("dependencies");
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child :
                    (Iterable<Path>) children.filter(Files::isRegularFile).sorted()::iterator) {
                String p = "dependencies/" + child.getFileName();
                String[] info = WmillLock.dependencyInfo(p);
                if (info != null && NEEDS_LOCK.contains(info[0])) {
                    files.put(info[0] + " " + (info[1] == null ? "default" : info[1]), p);
                }
            }
        }
        return files;
    }

    /** The dependency file whose shared lock this script may use, or null if it must keep its own. */
    private static String shareableDependencyFile(String content, String language, Map<String, String> depFiles) {
        if (hasLockFlag(content, language)) {
            return null;
        }
        List<String> names = List.of("default");
        String[] config = WmillLock.annotationConfig(language);
        if (config != null) {
            String comment = config[0];
            String keyword = config[1];
            String[] lines = content.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                if (!line.startsWith(comment)) {
                    continue;
                }
                String rest = WmillLock.jsTrimStart(line.substring(comment.length()));
                if (rest.startsWith("extra_" + keyword + ":") || rest.startsWith("extra-" + keyword + ":")) {
                    return null; // extra dependencies resolve on top of the file: a lock of its own
                }
                if (!rest.startsWith(keyword + ":")) {
                    continue;
                }
                if (hasInlineRequirements(lines, i + 1, comment, language)) {
                    return null;
                }
                names = WmillLock.annotationNames(line, keyword + ":", comment);
                break;
            }
        }
        return names.size() == 1 ? depFiles.get(language + " " + names.get(0)) : null;
    }

    /** Whether a manual annotation is followed by inline requirement lines. */
    private static boolean hasInlineRequirements(String[] lines, int from, String comment, String language) {
        StringBuilder inline = new StringBuilder();
        for (int j = from; j < lines.length; j++) {
            if (language.equals("python3")) {
                Matcher m = PYTHON_INLINE.matcher(lines[j]);
                if (!m.matches()) {
                    break;
                }
                inline.append(m.group(1)).append('\n');
            } else {
                if (!lines[j].startsWith(comment)) {
                    break;
                }
                inline.append(lines[j].substring(comment.length())).append('\n');
            }
        }
        return !inline.toString().isBlank();
    }

    /** A flag in the leading comment block that changes how the lock resolves. */
    private static boolean hasLockFlag(String content, String language) {
        String comment = switch (language) {
            case "python3", "ansible", "powershell" -> "#";
            case "rust" -> "//!";
            default -> "//";
        };
        Set<String> flags = LOCK_FLAGS.getOrDefault(language, Set.of());
        for (String line : content.split("\n", -1)) {
            String trimmed = WmillLock.jsTrim(line);
            if (trimmed.isEmpty()) {
                continue;
            }
            if (!trimmed.startsWith(comment)) {
                return false;
            }
            if (language.equals("python3") && PYTHON_VERSION.matcher(line).find()) {
                return true;
            }
            String key = WmillLock.jsTrim(
                    WmillLock.jsTrim(trimmed.substring(comment.length())).split("=", -1)[0]);
            if (flags.contains(key)) {
                return true;
            }
        }
        return false;
    }

    private String language(String file) {
        if (file.endsWith(".fetch.ts")) {
            return "nativets";
        }
        if (file.endsWith(".deno.ts")) {
            return "deno";
        }
        if (file.endsWith(".bun.ts")) {
            return "bun";
        }
        if (file.endsWith(".playbook.yml")) {
            return "ansible";
        }
        if (file.endsWith(".ts")) {
            return defaultTs;
        }
        return switch (file.substring(file.lastIndexOf('.'))) {
            case ".py" -> "python3";
            case ".go" -> "go";
            case ".php" -> "php";
            default -> "rust";
        };
    }

    /** The top-level {@code lock:} entry of a metadata file as written, continuation lines included. */
    private static String lockEntry(String yaml) {
        int start = yaml.startsWith("lock:") ? 0 : yaml.indexOf("\nlock:") + 1;
        if (start == 0 && !yaml.startsWith("lock:")) {
            return "";
        }
        int end = yaml.indexOf('\n', start) + 1;
        while (end > 0 && end < yaml.length() && yaml.charAt(end) == ' ') {
            end = yaml.indexOf('\n', end) + 1;
        }
        return yaml.substring(start, end == 0 ? yaml.length() : end);
    }

    /** How the pull's YAML writer puts a top-level {@code lock} with this value. */
    private static String lockLine(String value) {
        return CliYaml.write(new ObjectMapper().createObjectNode().put("lock", value));
    }

    private boolean exists(String p) {
        return Files.isRegularFile(tree.resolve(p));
    }

    private String read(String p) throws IOException {
        return new String(Files.readAllBytes(tree.resolve(p)), StandardCharsets.UTF_8);
    }

    private void write(String p, String text) throws IOException {
        Files.writeString(tree.resolve(p), text, StandardCharsets.UTF_8);
    }
}
