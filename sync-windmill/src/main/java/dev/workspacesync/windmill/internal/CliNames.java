package dev.workspacesync.windmill.internal;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.util.ULocale;
import dev.workspacesync.core.SourceException;
import dev.workspacesync.core.SyncPath;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The file names the {@code wmill} CLI (windmill-cli 1.819.0) derives from item data, with JavaScript's
 * semantics: its {@code toLowerCase} is ICU's locale-independent full mapping (ICU4J here, the release of the
 * Node.js that runs the CLI, so Unicode 14+ capitals such as U+A7C0 fold as they do there); its {@code $}
 * without the {@code m} flag matches only at the very end ({@code \z} here, never Java's {@code $}, which
 * also matches before a final line terminator); its {@code .} excludes only {@code \n \r U+2028 U+2029}
 * ({@link #JS_DOT}, where Java's also excludes NEL). The differential test {@code CliNamingDifferentialTest}
 * holds each function to the CLI's own code on random names.
 */
final class CliNames {
    private CliNames() {}

    /** JavaScript's {@code .} (no {@code s} flag): any UTF-16 unit but the four ECMAScript line terminators. */
    static final String JS_DOT = "[^\\n\\r\\u2028\\u2029]";

    private static final Pattern UNSAFE_CHARS = Pattern.compile("[/\\\\:*?\"<>|\\x00-\\x1f\\x7f]");
    private static final Pattern UNDERSCORES = Pattern.compile("_+");
    private static final Pattern EDGE_DOTS = Pattern.compile("^[._]+|[._]+\\z");
    private static final Pattern WINDOWS_RESERVED = Pattern.compile("(con|prn|aux|nul|com[0-9]|lpt[0-9])");
    private static final Pattern WORKSPACE_UNSAFE = Pattern.compile("[/\\\\:*?\"<>|.]");
    private static final int NAME_MAX = 255;

    /** JavaScript's {@code String.prototype.toLowerCase}: full, context-sensitive (final sigma), no locale. */
    static String lowerCase(String s) {
        return UCharacter.toLowerCase(ULocale.ROOT, s);
    }

    /** The CLI's {@code sanitizeForFilesystem} (path-assigner.ts): a step summary or id as a file name. */
    static String sanitizeForFilesystem(String summary, boolean preserveCase) {
        String name = summary.replace(" ", "_");
        name = UNSAFE_CHARS.matcher(name).replaceAll("");
        name = UNDERSCORES.matcher(name).replaceAll("_");
        name = EDGE_DOTS.matcher(name).replaceAll("");
        if (!preserveCase) {
            name = lowerCase(name);
        }
        // The CLI tests the lower-cased name even when it keeps case, so CON becomes _CON in a raw app.
        return WINDOWS_RESERVED.matcher(lowerCase(name)).matches() ? "_" + name : name;
    }

    /**
     * The CLI's {@code newPathAssigner} / {@code newRawAppPathAssigner} name part: unique per flow or app, case
     * folded as JavaScript folds it, numbered {@code _N} on a clash, {@code prefix_0} when the name is empty.
     */
    static final class Assigner {
        private final boolean preserveCase;
        private final String prefix;
        private final Set<String> seen = new HashSet<>();
        private int counter;

        /** {@code inline_script} names (lower-cased) for flows and apps; {@code runnable} (case kept) for raw apps. */
        Assigner(boolean rawApp) {
            this.preserveCase = rawApp;
            this.prefix = rawApp ? "runnable" : "inline_script";
        }

        /** The name for the next script; {@code summary} as JavaScript tests it (null and empty are falsy). */
        String assign(String summary) {
            String name = summary == null || summary.isEmpty() ? "" : sanitizeForFilesystem(summary, preserveCase);
            String original = name;
            if (name.isEmpty()) {
                original = prefix;
                name = prefix + "_0";
            }
            while (seen.contains(lowerCase(name))) {
                counter++;
                name = original + "_" + counter;
            }
            seen.add(lowerCase(name));
            return name;
        }
    }

    /** The CLI's sanitised workspace (branch) name in workspace-specific file names. */
    static String workspaceSuffix(String workspace) {
        return WORKSPACE_UNSAFE.matcher(workspace).replaceAll("_");
    }

    /**
     * A path the CLI would write, checked for what no common file system can hold: it is kept exactly as the
     * CLI spells it (no Unicode normalisation; NEL, U+2028, other control characters, backslashes and
     * Windows-reserved names pass, since git trees and Linux and macOS work trees hold them; a destination that
     * cannot hold one lists it as skipped). Refused, naming {@code item}: NUL, an empty, {@code .} or {@code ..}
     * segment, an absolute path, an unpaired surrogate (not UTF-8), {@code .git}, and a name over 255 UTF-8
     * bytes (NAME_MAX of Linux and macOS file systems; the CLI's own write fails there too).
     *
     * @throws SourceException naming the item and the rule broken
     */
    static SyncPath safe(String path, String item) {
        SyncPath checked;
        try {
            checked = SyncPath.exact(path);
        } catch (SyncPath.InvalidPathException e) {
            throw new SourceException(
                    item + " would be written to an unsafe path, so the pull stops rather than drop it: "
                            + e.getMessage() + ". Rename it in Windmill.",
                    e);
        }
        for (String segment : checked.segments()) {
            int bytes = segment.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > NAME_MAX) {
                throw new SourceException(item + " would be written to " + checked + ", a name of " + bytes
                        + " UTF-8 bytes; file systems hold at most " + NAME_MAX + ". Shorten it in Windmill.");
            }
        }
        return checked;
    }
}
