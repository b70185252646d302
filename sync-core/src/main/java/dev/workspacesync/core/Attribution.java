package dev.workspacesync.core;

import java.util.List;
import java.util.Optional;

/**
 * What a source knows about who changed its items, carried by a {@link Snapshot} for destinations that can
 * credit people (the git destination writes one commit per author). The source knows its own layout, so it
 * maps a destination's changed paths to its items; the destination decides how to write them.
 *
 * <p>Attribution never changes content: a destination writes exactly the same files with or without it. It must
 * never make a sync fail either: a destination that catches an exception from {@link #attribute} writes as if
 * there were no attribution, and says so.
 */
public interface Attribution {
    /**
     * The items {@code changes} (a plan's changes, any order) belong to, each with its files, author and time
     * as far as known. A changed path that belongs to no item is simply left out (the destination credits it
     * to no one). May ask the source's server for what its lists lacked, for the changed items only.
     *
     * @throws SyncException when the metadata cannot be read; the destination then credits no one
     */
    List<AttributedItem> attribute(List<Change> changes);

    /**
     * The tag the source's own tools put at the head of a commit summary ({@code WM} for Windmill, giving
     * {@code [WM]: Deployed 2 scripts}), or empty for none.
     */
    default String tag() {
        return "";
    }

    /** Why this attribution credits no one (the metadata could not be read), or empty when it works. */
    default Optional<String> unavailableBecause() {
        return Optional.empty();
    }

    /** An attribution that credits no one, for {@code reason} (said in the destination's report). */
    static Attribution unavailable(String reason) {
        return new Attribution() {
            @Override
            public List<AttributedItem> attribute(List<Change> changes) {
                return List.of();
            }

            @Override
            public Optional<String> unavailableBecause() {
                return Optional.of(reason);
            }

            @Override
            public String toString() {
                return "attribution unavailable: " + reason;
            }
        };
    }
}
