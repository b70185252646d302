package dev.workspacesync.core;

import java.nio.file.Path;
import java.text.Normalizer;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A validated relative path: {@code /}-separated, with no empty, {@code .} or {@code ..} segment, no
 * leading or trailing {@code /}, no NUL, and nothing named {@code .git} (in any case). Every path a source
 * produces is one of these; this check is the library's defence against path traversal and zip-slip.
 *
 * <p>Two strengths:
 *
 * <ul>
 *   <li>{@link #of} (and the constructor), for names from archives and APIs: also refuses backslashes,
 *       control characters and drive letters, and normalises to Unicode NFC. A name such as {@code ..\x}
 *       can never pass.
 *   <li>{@link #exact}, for names a local file system or a git tree spells: keeps the name exactly (no
 *       normalisation) and allows backslashes and control characters other than NUL, which such systems
 *       can hold. Whether a destination can hold such a name is its own {@linkplain
 *       dev.workspacesync.core.spi.Destination#cannotHold decision}; {@link #portabilityProblem} is the
 *       conservative answer.
 * </ul>
 *
 * <p>{@link #toString()} shows the path with control characters and backslashes escaped (see {@link
 * #escape}), so a log line or report can never be split or forged by a file name.
 */
public final class SyncPath implements Comparable<SyncPath> {
    private static final Pattern DRIVE = Pattern.compile("[A-Za-z]:.*");

    private final String value;

    /**
     * Validates (strictly) and normalises a path.
     *
     * @throws InvalidPathException naming the path (with control characters escaped) and the rule broken
     */
    public SyncPath(String value) {
        this.value = validate(value, true);
    }

    private SyncPath(String value, boolean unused) {
        this.value = value;
    }

    /** Same as the constructor; reads better at call sites. */
    public static SyncPath of(String value) {
        return new SyncPath(value);
    }

    /**
     * A name exactly as a file system or git tree spells it: no normalisation; backslashes and control
     * characters other than NUL allowed; empty, {@code .} and {@code ..} segments, a leading {@code /},
     * NUL, unpaired surrogates and {@code .git} still refused.
     *
     * @throws InvalidPathException naming the path and the rule broken
     */
    public static SyncPath exact(String value) {
        return new SyncPath(validate(value, false), false);
    }

    /** The path text (for {@link #exact} paths, exactly as given). */
    public String value() {
        return value;
    }

    private static String validate(String raw, boolean strict) {
        if (raw == null || raw.isEmpty()) {
            throw new InvalidPathException(raw, "it is empty");
        }
        boolean ascii = true;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            ascii &= c < 0x80;
            if (c == 0 || (strict && Character.getType(c) == Character.CONTROL)) {
                throw new InvalidPathException(raw, "it contains a control character (U+%04X)".formatted((int) c));
            }
            if (strict && c == '\\') {
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
        String value = ascii || !strict ? raw : Normalizer.normalize(raw, Normalizer.Form.NFC);
        if (strict && DRIVE.matcher(value).matches()) {
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

    /**
     * Why a conservative destination (one that only promises to hold what {@link #of} accepts) may not
     * hold this path: a control character, a backslash, a drive letter. Empty when it is portable. A
     * name that is not in Unicode NFC is portable: such destinations store its NFC spelling.
     */
    public Optional<String> portabilityProblem() {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.getType(c) == Character.CONTROL) {
                return Optional.of("its name contains a control character (U+%04X)".formatted((int) c));
            }
            if (c == '\\') {
                return Optional.of("its name contains a backslash");
            }
        }
        if (DRIVE.matcher(value).matches()) {
            return Optional.of("its name starts with a drive letter");
        }
        return Optional.empty();
    }

    /** Whether the text is in Unicode NFC (what {@link #of} produces). */
    public boolean isNfc() {
        return Normalizer.isNormalized(value, Normalizer.Form.NFC);
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
        // A prefix of a valid path is valid under the same rules.
        return slash < 0 ? Optional.empty() : Optional.of(new SyncPath(value.substring(0, slash), false));
    }

    /** This path with a further relative path appended (the appended part is checked strictly). */
    public SyncPath resolve(String relative) {
        return new SyncPath(value + "/" + validate(relative, true), false);
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

    /** The path relative to {@code root}, as a strict SyncPath (rejected if it is not below root). */
    public static SyncPath relativize(Path root, Path file) {
        Path relative = root.toAbsolutePath()
                .normalize()
                .relativize(file.toAbsolutePath().normalize());
        return new SyncPath(relative.toString().replace(java.io.File.separatorChar, '/'));
    }

    /** The path with control characters and backslashes escaped: safe in a log line, a report, a terminal. */
    public String escaped() {
        return escape(value);
    }

    /**
     * Java-style escapes for text shown to people or stored line by line: {@code \\}, {@code \n},
     * {@code \t}, {@code \r}, and {@code \}{@code uXXXX} for every other control character (C0, DEL,
     * C1). Reversible with {@link #unescape}. Text without backslashes and control characters (every
     * path {@link #of} accepts) is unchanged, so {@code toString()} equals {@link #value()} for those.
     */
    public static String escape(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = switch (c) {
                case '\\' -> "\\\\";
                case '\n' -> "\\n";
                case '\t' -> "\\t";
                case '\r' -> "\\r";
                default -> Character.getType(c) == Character.CONTROL ? "\\u%04x".formatted((int) c) : null;
            };
            if (replacement != null && out == null) {
                out = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (out != null) {
                if (replacement != null) {
                    out.append(replacement);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    /**
     * Reverses {@link #escape}.
     *
     * @throws IllegalArgumentException on a malformed escape
     */
    public static String unescape(String text) {
        if (text.indexOf('\\') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (i + 1 >= text.length()) {
                throw new IllegalArgumentException("a trailing backslash");
            }
            char next = text.charAt(++i);
            switch (next) {
                case '\\' -> out.append('\\');
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'u' -> {
                    if (i + 4 >= text.length()) {
                        throw new IllegalArgumentException("a truncated \\u escape");
                    }
                    out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> throw new IllegalArgumentException("an unknown escape \\" + next);
            }
        }
        return out.toString();
    }

    @Override
    public int compareTo(SyncPath other) {
        return value.compareTo(other.value);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SyncPath path && value.equals(path.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    /** The path, {@linkplain #escaped() escaped}; equal to {@link #value()} for every ordinary name. */
    @Override
    public String toString() {
        return escaped();
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
