package dev.workspacesync.examples.internal;

import dev.workspacesync.core.SyncConfigException;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Repository;

/**
 * Checks of the backup service's request fields, one sentence each naming the field at fault. A value is
 * repeated in a message only when it cannot be a secret, and then bounded.
 */
public final class RequestChecks {
    /** The longest URL a request may name. */
    public static final int MAX_URL = 2048;
    /** The longest token a request may carry. */
    public static final int MAX_TOKEN = 4096;
    /** The longest branch name (git allows more; nobody needs it). */
    public static final int MAX_BRANCH = 255;
    /** The longest author name or email. */
    public static final int MAX_AUTHOR = 256;
    /** The longest workspace id. */
    public static final int MAX_WORKSPACE = 64;

    // Windmill workspace ids: letters, digits, '_' and '-', not starting with '-'.
    private static final Pattern WORKSPACE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]*");
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]+");
    private static final Pattern EMAIL = Pattern.compile("[^\\s<>@,;\"]+@[^\\s<>@,;\"]+");

    private RequestChecks() {}

    /** A token: visible ASCII only (it becomes an HTTP header), bounded; the value is never shown. */
    public static void token(String field, String value) {
        if (value.length() > MAX_TOKEN) {
            throw new SyncConfigException(field + " is longer than " + MAX_TOKEN + " characters");
        }
        if (!TOKEN.matcher(value).matches()) {
            throw new SyncConfigException(
                    field + " holds a space, control or non-ASCII character; a token is printable ASCII");
        }
    }

    /** A Windmill workspace id. */
    public static void workspace(String value) {
        if (value.length() > MAX_WORKSPACE || !WORKSPACE.matcher(value).matches()) {
            throw new SyncConfigException("workspace '" + shown(value) + "' is not a Windmill workspace id"
                    + " (letters, digits, '_' and '-', at most " + MAX_WORKSPACE + ", not starting with '-')");
        }
    }

    /** A branch name by git's own rules, and none git would read as an option or a full ref. */
    public static void branch(String value) {
        String problem = null;
        if (value.length() > MAX_BRANCH) {
            problem = "is longer than " + MAX_BRANCH + " characters";
        } else if (value.startsWith("-")) {
            problem = "starts with '-'";
        } else if (value.startsWith("refs/")) {
            problem = "starts with 'refs/' (name the branch, e.g. main)";
        } else if (value.contains("..")) {
            problem = "contains '..'";
        } else if (value.equals("HEAD") || value.equals("@")) {
            problem = "is reserved by git";
        } else if (!Repository.isValidRefName(Constants.R_HEADS + value)) {
            problem = "is not a valid git branch name (see git check-ref-format)";
        }
        if (problem != null) {
            throw new SyncConfigException("git_branch '" + shown(value) + "' " + problem);
        }
    }

    /** A commit author's name: one line of text, no '<' or '>' (they delimit the email in a commit). */
    public static void authorName(String value) {
        if (value.length() > MAX_AUTHOR) {
            throw new SyncConfigException("git_user_name is longer than " + MAX_AUTHOR + " characters");
        }
        if (hasControl(value) || value.indexOf('<') >= 0 || value.indexOf('>') >= 0) {
            throw new SyncConfigException("git_user_name holds a line break, control character, '<' or '>'");
        }
    }

    /** A commit author's email: name@domain, no spaces, controls or angle brackets. */
    public static void authorEmail(String value) {
        if (value.length() > MAX_AUTHOR) {
            throw new SyncConfigException("git_user_email is longer than " + MAX_AUTHOR + " characters");
        }
        if (hasControl(value) || !EMAIL.matcher(value).matches()) {
            throw new SyncConfigException("git_user_email '" + shown(value) + "' is not an address like"
                    + " name@example.com (no spaces, control characters or angle brackets)");
        }
    }

    private static boolean hasControl(String value) {
        return value.codePoints()
                .anyMatch(c -> Character.isISOControl(c)
                        || Character.getType(c) == Character.FORMAT
                        || c == 0x2028
                        || c == 0x2029);
    }

    /** At most 60 characters, control and format characters as '?'. */
    static String shown(String value) {
        StringBuilder out = new StringBuilder();
        value.codePoints().limit(60).forEach(c -> {
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                out.append('?');
            } else {
                out.appendCodePoint(c);
            }
        });
        if (value.codePointCount(0, value.length()) > 60) {
            out.append('…');
        }
        return out.toString();
    }
}
