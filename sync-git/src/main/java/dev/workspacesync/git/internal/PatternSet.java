package dev.workspacesync.git.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jgit.ignore.IgnoreNode;

/**
 * A list of gitignore-style patterns ({@code build/}, {@code *.log}, {@code !keep.log}, {@code docs/**})
 * matched against paths relative to one root. As in git, a path matches when it or one of its parent
 * directories matches, and the last matching pattern wins (so {@code !} negates).
 */
public final class PatternSet {
    private static final PatternSet EMPTY = new PatternSet(new IgnoreNode(), true);

    private final IgnoreNode node;
    private final boolean empty;

    private PatternSet(IgnoreNode node, boolean empty) {
        this.node = node;
        this.empty = empty;
    }

    /** The patterns, one per item (blank items and {@code #} comments are ignored). */
    public static PatternSet of(List<String> patterns) {
        if (patterns.isEmpty()) {
            return EMPTY;
        }
        IgnoreNode node = new IgnoreNode();
        try {
            node.parse(new ByteArrayInputStream(String.join("\n", patterns).getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen for an in-memory stream
        }
        return new PatternSet(node, node.getRules().isEmpty());
    }

    public boolean isEmpty() {
        return empty;
    }

    /** Whether a file, or one of the directories that contain it, matches. */
    public boolean matchesFile(String path) {
        if (empty) {
            return false;
        }
        int slash = path.indexOf('/');
        while (slash > 0) {
            if (Boolean.TRUE.equals(node.checkIgnored(path.substring(0, slash), true))) {
                return true;
            }
            slash = path.indexOf('/', slash + 1);
        }
        return Boolean.TRUE.equals(node.checkIgnored(path, false));
    }

    /** Whether a directory itself matches (its content then matches too). */
    public boolean matchesDirectory(String path) {
        return !empty && Boolean.TRUE.equals(node.checkIgnored(path, true));
    }
}
