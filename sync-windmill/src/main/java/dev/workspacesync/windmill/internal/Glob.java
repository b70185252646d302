package dev.workspacesync.windmill.internal;

import java.util.List;
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

    /** The CLI's include/exclude/extra-include approval. */
    static final class Filter {
        private final List<Pattern> includes;
        private final List<Pattern> excludes;
        private final List<Pattern> extraIncludes;

        Filter(List<String> includes, List<String> excludes, List<String> extraIncludes) {
            this.includes = includes.stream().map(Glob::compile).toList();
            this.excludes = excludes.stream().map(Glob::compile).toList();
            this.extraIncludes = extraIncludes.stream().map(Glob::compile).toList();
        }

        boolean approve(String file) {
            return (includes.isEmpty()
                            || includes.stream().anyMatch(p -> p.matcher(file).matches()))
                    && excludes.stream().noneMatch(p -> p.matcher(file).matches())
                    && (extraIncludes.isEmpty()
                            || extraIncludes.stream()
                                    .anyMatch(p -> p.matcher(file).matches()));
        }
    }
}
