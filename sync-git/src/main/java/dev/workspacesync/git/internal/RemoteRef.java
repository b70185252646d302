package dev.workspacesync.git.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;

/**
 * What the git source's {@code git.ref} names on a remote: a branch, a tag, or a commit id. A short name
 * is looked up as a branch first, then as a tag (as {@code git clone --branch} does); {@code refs/…} names
 * exactly one ref; 40 hexadecimal digits are a commit id.
 *
 * @param name the remote's ref ({@code refs/heads/main}), or the commit id itself
 * @param id what the remote advertises for it (for a tag, the tag object), or the commit id
 */
public record RemoteRef(String name, ObjectId id) {
    private static final Pattern COMMIT_ID = Pattern.compile("[0-9a-fA-F]{40}");

    /** Whether {@code ref} is a full commit id. */
    public static boolean isCommitId(String ref) {
        return COMMIT_ID.matcher(ref).matches();
    }

    /** Whether this is a commit id rather than a ref. */
    public boolean isCommit() {
        return !name.startsWith(Constants.R_REFS);
    }

    /** The kind, for people: {@code branch}, {@code tag}, {@code commit} or {@code ref}. */
    public String kind() {
        if (isCommit()) {
            return "commit";
        }
        return name.startsWith(Constants.R_HEADS) ? "branch" : name.startsWith(Constants.R_TAGS) ? "tag" : "ref";
    }

    /**
     * Finds {@code ref} among the advertised refs (by name), or empty when the remote has no such branch or
     * tag. A commit id is always found (whether the remote has it is known only by fetching).
     */
    public static Optional<RemoteRef> find(String ref, Map<String, Ref> advertised) {
        if (isCommitId(ref)) {
            return Optional.of(new RemoteRef(ref.toLowerCase(java.util.Locale.ROOT), ObjectId.fromString(ref)));
        }
        List<String> candidates = ref.startsWith(Constants.R_REFS)
                ? List.of(ref)
                : List.of(Constants.R_HEADS + ref, Constants.R_TAGS + ref);
        for (String name : candidates) {
            Ref found = advertised.get(name);
            if (found != null && found.getObjectId() != null) {
                return Optional.of(new RemoteRef(name, found.getObjectId()));
            }
        }
        return Optional.empty();
    }

    /** A few of the remote's branches and tags, for an error message: {@code branches: main, dev; tags: v1}. */
    public static String existing(Map<String, Ref> advertised) {
        String branches = names(advertised, Constants.R_HEADS);
        String tags = names(advertised, Constants.R_TAGS);
        return "branches: " + (branches.isEmpty() ? "none" : branches) + (tags.isEmpty() ? "" : "; tags: " + tags);
    }

    private static String names(Map<String, Ref> advertised, String prefix) {
        List<String> all = advertised.keySet().stream()
                .filter(n -> n.startsWith(prefix) && !n.endsWith("^{}"))
                .map(Repository::shortenRefName)
                .sorted()
                .toList();
        String shown = String.join(", ", all.subList(0, Math.min(10, all.size())));
        return all.size() > 10 ? shown + ", … (" + all.size() + " in all)" : shown;
    }
}
