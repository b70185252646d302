package dev.workspacesync.git.internal;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Anchored globs over {@code /}-separated relative paths: {@code *} and {@code ?} stay inside one
 * segment, {@code **} crosses segments ({@code .github/**} is everything below {@code .github}), and a
 * pattern without a slash names a top-level file only ({@code README.md}).
 */
public final class Glob {
    private final List<Pattern> patterns;

    private Glob(List<Pattern> patterns) {
        this.patterns = patterns;
    }

    public static Glob of(List<String> globs) {
        return new Glob(globs.stream().map(Glob::compile).toList());
    }

    public boolean matches(String path) {
        for (Pattern pattern : patterns) {
            if (pattern.matcher(path).matches()) {
                return true;
            }
        }
        return false;
    }

    static Pattern compile(String glob) {
        String g = glob.startsWith("/") ? glob.substring(1) : glob;
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < g.length(); i++) {
            char c = g.charAt(i);
            if (c == '*' && i + 1 < g.length() && g.charAt(i + 1) == '*') {
                boolean slashAfter = i + 2 < g.length() && g.charAt(i + 2) == '/';
                regex.append(slashAfter ? "(?:.*/)?" : ".*");
                i += slashAfter ? 2 : 1;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
