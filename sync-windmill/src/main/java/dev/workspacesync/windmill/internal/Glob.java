package dev.workspacesync.windmill.internal;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** The subset of minimatch that {@code wmill.yaml} globs use: {@code **}, {@code *}, {@code ?}, {@code {a,b}}. */
final class Glob {
    private Glob() {}

    static Pattern compile(String glob) {
        StringBuilder re = new StringBuilder();
        int braces = 0;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    i++;
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
                        i++;
                        re.append("(?:(?!\\.)[^/]*/)*");
                    } else {
                        re.append("(?:(?!\\.)[^/]*(?:/(?!\\.)[^/]*)*)?");
                    }
                } else {
                    re.append("[^/]*");
                }
            } else if (c == '?') {
                re.append("[^/]");
            } else if (c == '[' && glob.indexOf(']', i + 2) > 0) {
                int close = glob.indexOf(']', i + 2);
                String set = glob.substring(i + 1, close);
                boolean negated = set.startsWith("!") || set.startsWith("^");
                re.append(negated ? "[^/" : "[");
                for (char m : (negated ? set.substring(1) : set).toCharArray()) {
                    re.append(m == '-' ? "-" : Character.isLetterOrDigit(m) ? String.valueOf(m) : "\\" + m);
                }
                re.append(']');
                i = close;
            } else if (c == '{') {
                braces++;
                re.append("(?:");
            } else if (c == '}' && braces > 0) {
                braces--;
                re.append(')');
            } else if (c == ',' && braces > 0) {
                re.append('|');
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }

    /** minimatch of one glob: a leading {@code !} negates it, a leading {@code #} matches nothing. */
    static boolean matches(String glob, String path) {
        return matcher(glob).test(path);
    }

    static Predicate<String> matcher(String glob) {
        if (glob.startsWith("#")) {
            return path -> false;
        }
        boolean negated = false;
        while (glob.startsWith("!")) {
            negated = !negated;
            glob = glob.substring(1);
        }
        Pattern pattern = compile(glob);
        boolean invert = negated;
        return path -> pattern.matcher(path).matches() != invert;
    }

    /** The CLI's include/exclude/extra-include approval. */
    static final class Filter {
        private final List<Predicate<String>> includes;
        private final List<Predicate<String>> excludes;
        private final List<Predicate<String>> extraIncludes;

        Filter(List<String> includes, List<String> excludes, List<String> extraIncludes) {
            this.includes = includes.stream().map(Glob::matcher).toList();
            this.excludes = excludes.stream().map(Glob::matcher).toList();
            this.extraIncludes = extraIncludes.stream().map(Glob::matcher).toList();
        }

        boolean approve(String file) {
            return (includes.isEmpty() || includes.stream().anyMatch(p -> p.test(file)))
                    && excludes.stream().noneMatch(p -> p.test(file))
                    && (extraIncludes.isEmpty() || extraIncludes.stream().anyMatch(p -> p.test(file)));
        }
    }
}
