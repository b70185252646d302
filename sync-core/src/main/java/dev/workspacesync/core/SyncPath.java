package dev.workspacesync.core;

import java.nio.file.Path;
import java.text.Normalizer;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A validated relative path: {@code /}-separated, in Unicode NFC, with no empty, {@code .} or {@code ..}
 * segment, no leading or trailing {@code /}, no backslash, no control character, no drive letter, and
 * nothing named {@code .git} (in any case). Every path a source produces is one of these; this single
 * check is the library's defence against path traversal and zip-slip.
 *
 * @param value the normalised path text
 */
public record SyncPath(String value) implements Comparable<SyncPath> {
    private static final Pattern DRIVE = Pattern.compile("[A-Za-z]:.*");

    /**
     * Validates and normalises a path.
     *
     * @throws InvalidPathException naming the path (with control characters escaped) and the rule broken
     */
    public SyncPath {
        value = validate(value);
    }

    /** Same as the constructor; reads better at call sites. */
    public static SyncPath of(String value) {
        return new SyncPath(value);
    }

    private static String validate(String raw) {
        if (raw == null || raw.isEmpty()) {
            throw new InvalidPathException(raw, "it is empty");
        }
        boolean ascii = true;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            ascii &= c < 0x80;
            if (Character.getType(c) == Character.CONTROL) {
                throw new InvalidPathException(raw, "it contains a control character (U+%04X)".formatted((int) c));
            }
            if (c == '\\') {
                throw new InvalidPathException(raw, "it contains a backslash");
            }
            if (Character.isSurrogate(c)
                    && !(Character.isHighSurrogate(c)
                            && i + 1 < raw.length()
                            && Character.isLowSurrogate(raw.charAt(i + 1)))
                    && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(raw.charAt(i - 1)))) {
                throw new InvalidPathException(raw, "it contains an unpaired surrogate");
            }
        }
        if (raw.startsWith("/")) {
            throw new InvalidPathException(raw, "it is absolute");
        }
        // ASCII is already NFC; state files hold tens of thousands of paths, so skip the normaliser.
        String value = ascii ? raw : Normalizer.normalize(raw, Normalizer.Form.NFC);
        if (DRIVE.matcher(value).matches()) {
            throw new InvalidPathException(raw, "it starts with a drive letter");
        }
        for (String segment : value.split("/", -1)) {
            if (segment.isEmpty()) {
                throw new InvalidPathException(raw, "it has an empty segment");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new InvalidPathException(raw, "it has a '" + segment + "' segment");
            }
            if (segment.equalsIgnoreCase(".git")) {
                throw new InvalidPathException(raw, "it is inside .git");
            }
        }
        return value;
    }

    /** The segments, in order. */
    public List<String> segments() {
        return List.of(value.split("/"));
    }

    /** The last segment. */
    public String name() {
        return value.substring(value.lastIndexOf('/') + 1);
    }

    /** The containing directory, or empty at the top level. */
    public Optional<SyncPath> parent() {
        int slash = value.lastIndexOf('/');
        return slash < 0 ? Optional.empty() : Optional.of(new SyncPath(value.substring(0, slash)));
    }

    /** This path with a further relative path appended. */
    public SyncPath resolve(String relative) {
        return new SyncPath(value + "/" + relative);
    }

    /** Whether this path is {@code dir} or lies below it. */
    public boolean startsWith(SyncPath dir) {
        return value.equals(dir.value) || value.startsWith(dir.value + "/");
    }

    /**
     * This path under a local directory. The result is checked to stay below {@code root} even if a
     * platform treats some character specially.
     */
    public Path under(Path root) {
        Path base = root.toAbsolutePath().normalize();
        Path resolved = base.resolve(value).normalize();
        if (!resolved.startsWith(base) || resolved.equals(base)) {
            throw new InvalidPathException(value, "it escapes " + root);
        }
        return resolved;
    }

    /** The path relative to {@code root}, as a SyncPath (rejected if it is not below root). */
    public static SyncPath relativize(Path root, Path file) {
        Path relative = root.toAbsolutePath()
                .normalize()
                .relativize(file.toAbsolutePath().normalize());
        return new SyncPath(relative.toString().replace(java.io.File.separatorChar, '/'));
    }

    @Override
    public int compareTo(SyncPath other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }

    /** A path was rejected. The message names the path, with control characters made visible. */
    public static final class InvalidPathException extends SyncException {
        private static final long serialVersionUID = 1L;

        private final String path;

        InvalidPathException(String path, String reason) {
            super("Invalid path " + quote(path) + ": " + reason);
            this.path = path;
        }

        /** The rejected path as given. */
        public String path() {
            return path;
        }

        private static String quote(String path) {
            if (path == null) {
                return "null";
            }
            StringBuilder out = new StringBuilder("\"");
            for (int i = 0; i < path.length(); i++) {
                char c = path.charAt(i);
                if (Character.getType(c) == Character.CONTROL) {
                    out.append("\\u%04x".formatted((int) c));
                } else if (c == '"') {
                    out.append("\\\"");
                } else {
                    out.append(c);
                }
            }
            return out.append('"').toString();
        }
    }
}
