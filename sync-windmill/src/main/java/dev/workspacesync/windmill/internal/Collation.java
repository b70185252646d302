package dev.workspacesync.windmill.internal;

/**
 * An approximation of ICU root collation ({@code String.prototype.localeCompare} in Node), enough for the
 * ASCII keys Windmill uses: spaces, then punctuation and symbols in ICU's order, then digits, then letters
 * compared without case first; lower case before upper case breaks ties.
 */
final class Collation {
    private static final String PUNCTUATION = "\t\n\r _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$";

    private Collation() {}

    static int compare(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            int cmp = Integer.compare(primary(a.charAt(i)), primary(b.charAt(i)));
            if (cmp != 0) {
                return cmp;
            }
        }
        if (a.length() != b.length()) {
            return Integer.compare(a.length(), b.length());
        }
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                // Lower case first.
                boolean xl = Character.isLowerCase(x);
                boolean yl = Character.isLowerCase(y);
                if (xl != yl) {
                    return xl ? -1 : 1;
                }
                return Character.compare(x, y);
            }
        }
        return 0;
    }

    private static int primary(char c) {
        int p = PUNCTUATION.indexOf(c);
        if (p >= 0) {
            return p;
        }
        if (c >= '0' && c <= '9') {
            return 100 + (c - '0');
        }
        char lower = Character.toLowerCase(c);
        if (lower >= 'a' && lower <= 'z') {
            return 200 + (lower - 'a');
        }
        // Other characters after ASCII letters, in code point order.
        return 1000 + lower;
    }
}
