package dev.workspacesync.windmill.internal;

import dev.workspacesync.core.SourceException;
import java.util.ArrayDeque;
import java.util.Deque;

/** Checks a path taken from inside an item (raw app files, runnable ids, script modules) before it is a name. */
final class SyncPathCheck {
    private SyncPathCheck() {}

    /**
     * {@code relative} as the CLI's {@code rawAppPathWithinFolder} (raw apps) and {@code path.join} (script
     * modules) resolve it: empty and {@code .} segments dropped, {@code ..} taken back; kept exactly otherwise (no Unicode normalisation, so
     * the name matches the CLI's byte for byte); a {@link SourceException} naming the folder when it leaves
     * {@code dir}, is the folder itself, or names a directory (a trailing {@code /}, which the CLI cannot
     * write either). The rest of the name is checked by {@link CliNames#safe} with every other path.
     */
    static String relative(String relative, String dir) {
        if (relative.endsWith("/")) {
            throw unsafe(relative, dir, "it ends with '/'");
        }
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : relative.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (segments.isEmpty()) {
                    throw unsafe(relative, dir, "it leads out of the folder");
                }
                segments.removeLast();
            } else {
                segments.addLast(segment);
            }
        }
        if (segments.isEmpty()) {
            throw unsafe(relative, dir, "it names the folder itself");
        }
        return String.join("/", segments);
    }

    private static SourceException unsafe(String relative, String dir, String why) {
        return new SourceException("The item folder " + dir + " would hold an unsafe path \""
                + dev.workspacesync.core.SyncPath.escape(relative) + "\": " + why + ". Rename it in Windmill.");
    }
}
