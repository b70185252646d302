package dev.workspacesync.git.internal;

import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills {@code {name}} placeholders. Known names without a value become empty; unknown names stay as
 * written, so a typo is visible in the commit message rather than silently dropped.
 */
public final class MessageTemplate {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_.-]+)}");

    /** Placeholders that always exist, even without a value. */
    public static final Set<String> KNOWN = Set.of(
            "source",
            "workspace",
            "added",
            "updated",
            "deleted",
            "branch",
            "revision",
            "target",
            "summary",
            "items",
            "author",
            "author-email");

    private MessageTemplate() {}

    public static String render(String template, Map<String, String> values) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String value = values.get(name);
            if (value == null) {
                value = KNOWN.contains(name) ? "" : matcher.group();
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
