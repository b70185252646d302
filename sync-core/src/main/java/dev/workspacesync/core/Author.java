package dev.workspacesync.core;

import java.util.Objects;

/**
 * A person who changed something at a source, as a destination should credit them (a git commit's author).
 *
 * @param id the source's stable name for them (a Windmill username): what changes are grouped by
 * @param name their display name
 * @param email their email, or a stand-in the source made up when it may not see the real one
 */
public record Author(String id, String name, String email) {
    public Author {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(email, "email");
        if (id.isBlank()) {
            throw new IllegalArgumentException("an author needs an id");
        }
    }
}
