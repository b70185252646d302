package dev.workspacesync.examples.internal;

import dev.workspacesync.core.Change;
import dev.workspacesync.core.Redactor;
import java.util.ArrayList;
import java.util.List;

/**
 * A plan's files as people read them, one a line, as rclone and {@code wmill sync pull --dry-run} show
 * them: {@code + path} added, {@code ~ path} updated, {@code - path} deleted. Paths are escaped ({@link
 * dev.workspacesync.core.SyncPath#escaped()}: a newline in a name shows as {@code \n}) and redacted, so a
 * file name can neither break nor forge a line.
 */
public final class PlanListing {
    /** How many files a listing shows unless asked for all (-v). */
    public static final int DEFAULT_LIMIT = 20;

    private PlanListing() {}

    /** One changed file, e.g. {@code "+ src/app.py"}. */
    public static String line(Change change, Redactor redactor) {
        char mark = switch (change.kind()) {
            case ADD -> '+';
            case UPDATE -> '~';
            case DELETE -> '-';
        };
        return mark + " " + redactor.redact(change.path().escaped());
    }

    /**
     * The lines for {@code changes}, each prefixed by {@code indent}: all of them, or the first {@code
     * limit} and then {@code "… and N more (use -v to list all)"}.
     */
    public static List<String> lines(List<Change> changes, int limit, String indent, Redactor redactor) {
        List<String> lines = new ArrayList<>();
        int shown = Math.min(limit, changes.size());
        for (int i = 0; i < shown; i++) {
            lines.add(indent + line(changes.get(i), redactor));
        }
        if (changes.size() > shown) {
            lines.add(indent + "… and " + (changes.size() - shown) + " more (use -v to list all)");
        }
        return lines;
    }
}
