package dev.workspacesync.windmill.internal;

import java.text.Normalizer;

/**
 * An approximation of ICU root collation ({@code String.prototype.localeCompare} in Node), enough for the
 * keys found in Windmill objects: whitespace and punctuation first (ASCII in ICU's order), then symbols
 * (emoji included), then digits, then letters compared without accents and case; accents, then lower case
 * before upper case, break ties.
 */
final class Collation {
    private static final String ASCII_PUNCTUATION = "\t\n\r _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$";

    private Collation() {}

    static int compare(String a, String b) {
        int[] pa = a.codePoints().toArray();
        int[] pb = b.codePoints().toArray();
        long[] wa = primaries(pa);
        long[] wb = primaries(pb);
        int m = Math.min(wa.length, wb.length);
        for (int i = 0; i < m; i++) {
            int cmp = Long.compare(wa[i], wb[i]);
            if (cmp != 0) {
                return cmp;
            }
        }
        if (wa.length != wb.length) {
            return Integer.compare(wa.length, wb.length);
        }
        int n = Math.min(pa.length, pb.length);
        if (pa.length != pb.length) {
            return Integer.compare(pa.length, pb.length);
        }
        for (int i = 0; i < n; i++) {
            int cmp = accents(pa[i]).compareTo(accents(pb[i]));
            if (cmp != 0) {
                return cmp;
            }
        }
        for (int i = 0; i < n; i++) {
            if (pa[i] != pb[i]) {
                boolean la = Character.isLowerCase(pa[i]);
                boolean lb = Character.isLowerCase(pb[i]);
                if (la != lb) {
                    return la ? -1 : 1;
                }
                return Integer.compare(pa[i], pb[i]);
            }
        }
        return 0;
    }

    /**
     * Letters ICU sorts as two letters ({@code ß} as "ss", {@code æ} as "ae") or as a base letter that NFD
     * does not reveal ({@code ø} as "o"): their primary weights expand.
     */
    private static String expansion(int cp) {
        return switch (cp) {
            case 'ß' -> "ss";
            case 'ẞ' -> "SS";
            case 'æ' -> "ae";
            case 'Æ' -> "AE";
            case 'œ' -> "oe";
            case 'Œ' -> "OE";
            case 'ĳ' -> "ij";
            case 'Ĳ' -> "IJ";
            case 'ø' -> "o";
            case 'Ø' -> "O";
            case 'đ' -> "d";
            case 'Đ' -> "D";
            case 'ł' -> "l";
            case 'Ł' -> "L";
            case 'ħ' -> "h";
            case 'Ħ' -> "H";
            default -> null;
        };
    }

    private static long[] primaries(int[] codePoints) {
        long[] weights = new long[codePoints.length * 2];
        int count = 0;
        for (int cp : codePoints) {
            String expanded = expansion(cp);
            if (expanded == null) {
                weights[count++] = primary(cp);
            } else {
                for (int i = 0; i < expanded.length(); i++) {
                    weights[count++] = primary(expanded.charAt(i));
                }
            }
        }
        return java.util.Arrays.copyOf(weights, count);
    }

    private static String decomposed(int cp) {
        return Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFD);
    }

    private static String accents(int cp) {
        String d = decomposed(cp);
        return d.length() > 1 && Character.isLetter(d.codePointAt(0))
                ? d.substring(Character.charCount(d.codePointAt(0)))
                : "";
    }

    private static long primary(int cp) {
        long group;
        long within;
        int ascii = cp < 128 ? ASCII_PUNCTUATION.indexOf(cp) : -1;
        if (ascii >= 0) {
            group = 1;
            within = ascii;
        } else if (Character.isDigit(cp)) {
            group = 3;
            within = Character.digit(cp, 10);
        } else if (Character.isLetter(cp)) {
            String d = decomposed(cp);
            group = 4;
            within = Character.toLowerCase(d.codePointAt(0));
        } else {
            switch (Character.getType(cp)) {
                case Character.MATH_SYMBOL,
                        Character.CURRENCY_SYMBOL,
                        Character.MODIFIER_SYMBOL,
                        Character.OTHER_SYMBOL -> {
                    group = 2;
                    within = cp;
                }
                case Character.SPACE_SEPARATOR,
                        Character.CONNECTOR_PUNCTUATION,
                        Character.DASH_PUNCTUATION,
                        Character.START_PUNCTUATION,
                        Character.END_PUNCTUATION,
                        Character.INITIAL_QUOTE_PUNCTUATION,
                        Character.FINAL_QUOTE_PUNCTUATION,
                        Character.OTHER_PUNCTUATION -> {
                    group = 1;
                    within = 100 + cp;
                }
                default -> {
                    group = 5;
                    within = cp;
                }
            }
        }
        return (group << 32) | within;
    }
}
