package dev.workspacesync.windmill.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded hostile JSON texts for the YAML differential test: keys and strings from every Unicode plane (no lone
 * surrogates: archive JSON is UTF-8), line and paragraph separators, NEL, BOM, control characters, quotes, YAML
 * indicators, document markers, leading and trailing spaces, long lines and keys (past 1,024 characters),
 * deep nesting, empty collections and every class of number (integers past 2^53 and 2^64, {@code -0},
 * subnormals, powers of ten around the exponent thresholds, random bit patterns).
 */
public final class RandomJson {
    private static final String[] WORDS = {
        "yes",
        "no",
        "on",
        "off",
        "null",
        "Null",
        "NULL",
        "true",
        "True",
        "false",
        "FALSE",
        "~",
        "-",
        "--",
        "---",
        "...",
        "?",
        "? x",
        "- x",
        ":",
        "::",
        "a:b",
        "key: value",
        "#",
        "a #b",
        "#x",
        "'",
        "\"",
        "it's",
        "\"q\"",
        "'q'",
        "0",
        "-0",
        "+1",
        "007",
        "0o17",
        "0x1F",
        "1e3",
        "1E3",
        "1.",
        ".5",
        "-.5",
        "1_000",
        "12:30",
        ".inf",
        "-.Inf",
        ".NaN",
        "nan",
        "@x",
        "`x`",
        "*x",
        "&x",
        "!x",
        "!!str",
        "%x",
        "[x]",
        "{x}",
        "[",
        "]",
        "{",
        "}",
        ",",
        ", ",
        "|",
        "|-",
        ">",
        ">+",
        "<<",
        "=",
        "\\",
        "\\n",
        "/",
        "$var:f/x",
        "Déjà",
        "🚀",
        "日本語",
        "Ω",
        "€",
        "ß",
        "é",
        "É",
        "ǅ",
        "ꟀA",
        "word",
        "lorem",
        "ipsum",
        "dolor",
        "sit",
        "amet",
        "consectetur",
        "adipiscing",
        "elit",
        "x",
        "a1",
        "a10",
        "a2",
        "Z",
        "z",
        "_a",
        "A_b",
        "id",
        "name",
        "value",
        "type",
        "version",
        "summary",
        "content",
        "modules",
        "lock",
        "locks",
        "description",
        "display_name",
        "input_transforms",
        "failure_module"
    };
    private static final String[] SPECIALS = {
        "\u2028",
        "\u2029",
        "\u0085",
        "\uFEFF",
        "\u00A0",
        "\t",
        "\n",
        "\n",
        "\n\n",
        "\r",
        "\r\n",
        "\u0000",
        "\u0001",
        "\u0007",
        "\u0008",
        "\u000B",
        "\u000C",
        "\u001B",
        "\u001F",
        "\u007F",
        "\u0080",
        "\u009F",
        " ",
        " ",
        "  ",
        "\"",
        "'",
        "\\",
        "-",
        "?",
        ":",
        ",",
        "[",
        "]",
        "{",
        "}",
        "#",
        "&",
        "*",
        "!",
        "|",
        ">",
        "%",
        "@",
        "`",
        "---",
        "...",
        "\n---\n",
        "\n...",
        "\u200B",
        "\u3000",
        "\uFFFD",
        "\uFFFE",
        "\uFFFF",
        "\uD83D\uDE00",
        "\uDBFF\uDFFF",
        "\uD800\uDC00",
        "e\u0301",
        "\u0130",
        "\u03A3"
    };

    private RandomJson() {}

    /** A random JSON object text. */
    public static String document(SplittableRandom r) {
        StringBuilder out = new StringBuilder();
        int shape = r.nextInt(20);
        if (shape == 0) {
            deep(r, out, r.nextInt(20, 70));
        } else {
            object(r, out, 0, r.nextInt(1, 6));
        }
        return out.toString();
    }

    /** An object holding {@code count} random numbers of every class, as a list. */
    public static String numbers(SplittableRandom r, int count) {
        StringBuilder out = new StringBuilder("{\"numbers\":[");
        for (int i = 0; i < count; i++) {
            out.append(i > 0 ? "," : "").append(number(r));
        }
        return out.append("]}").toString();
    }

    /** Documents for cases found once, kept so every run covers them. */
    public static List<String> fixedDocuments() {
        List<String> docs = new ArrayList<>();
        docs.add("{\"id\":1234567890123456789,\"n\":-0,\"m\":-0.0,\"z\":0.0,\"big\":18446744073709551616}");
        docs.add("{\"a\":1e21,\"b\":1e-7,\"c\":1e-6,\"d\":123456789012345678901234567890,\"e\":5e-324,\"f\":1e400}");
        docs.add("{\"" + "k".repeat(59) + "\":\"" + "word ".repeat(40) + "\"}");
        docs.add("{\"" + "k".repeat(1025) + "\":{\"a\":1},\"" + "q".repeat(1024) + "\":[1]}");
        docs.add("{\"summary\":\"a\\u2028b\\u2029c\",\"value\":{\"modules\":[{\"id\":\"x\\u2028\"}]}}");
        // Keys that collate equal keep JSON.parse's property order: array indices first.
        docs.add("{\"1\\u0000\":\"a\",\"1\":\"b\",\"4294967295\":0,\"4294967294\\u0000\":1,\"4294967294\":2,"
                + "\"01\\u0000\":3,\"01\":4,\"b\":5,\"10\":6,\"9\":7}");
        // A double-quoted item folded before its first character, deep in a list: the library keeps "- " before
        // the line break (a map value drops the space after "key:").
        for (int depth = 37; depth <= 41; depth++) {
            String quoted = "\"\\u001f" + " lorem ipsum".repeat(8) + "\"";
            docs.add("{\"k\":" + "[".repeat(depth) + quoted + "]".repeat(depth) + "}");
            docs.add("{\"k\":" + "[{\"a\":".repeat(depth / 2) + quoted + "}]".repeat(depth / 2) + "}");
        }
        return docs;
    }

    private static void deep(SplittableRandom r, StringBuilder out, int depth) {
        if (depth == 0) {
            scalar(r, out);
            return;
        }
        if (r.nextBoolean()) {
            out.append('{').append(CliYaml.jsonString(key(r))).append(':');
            deep(r, out, depth - 1);
            out.append('}');
        } else {
            out.append('[');
            deep(r, out, depth - 1);
            out.append(']');
        }
    }

    private static void object(SplittableRandom r, StringBuilder out, int depth, int size) {
        out.append('{');
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(CliYaml.jsonString(key(r))).append(':');
            value(r, out, depth + 1);
        }
        out.append('}');
    }

    private static void value(SplittableRandom r, StringBuilder out, int depth) {
        int kind = r.nextInt(depth > 5 ? 6 : 10);
        if (kind < 6) {
            scalar(r, out);
        } else if (kind < 8) {
            object(r, out, depth, r.nextInt(5) == 0 ? 0 : r.nextInt(1, 5));
        } else {
            int size = r.nextInt(5) == 0 ? 0 : r.nextInt(1, 5);
            out.append('[');
            for (int i = 0; i < size; i++) {
                if (i > 0) {
                    out.append(',');
                }
                value(r, out, depth + 1);
            }
            out.append(']');
        }
    }

    private static void scalar(SplittableRandom r, StringBuilder out) {
        switch (r.nextInt(8)) {
            case 0, 1 -> out.append(number(r));
            case 2 -> out.append(r.nextBoolean() ? "true" : "false");
            case 3 -> out.append("null");
            default -> out.append(CliYaml.jsonString(string(r)));
        }
    }

    private static String key(SplittableRandom r) {
        int kind = r.nextInt(40);
        if (kind == 0) {
            return "";
        }
        if (kind == 1) {
            return longText(r, r.nextInt(1000, 1100));
        }
        if (kind < 4) {
            return longText(r, r.nextInt(50, 100));
        }
        if (kind < 20) {
            return WORDS[r.nextInt(WORDS.length)];
        }
        return text(r, r.nextInt(1, 4));
    }

    private static String string(SplittableRandom r) {
        int kind = r.nextInt(10);
        if (kind == 0) {
            return longText(r, r.nextInt(60, 400));
        }
        if (kind == 1) {
            // Multi-line text with indented lines, as scripts and descriptions are.
            StringBuilder sb = new StringBuilder();
            int lines = r.nextInt(1, 8);
            for (int i = 0; i < lines; i++) {
                sb.append(" ".repeat(r.nextInt(3) == 0 ? r.nextInt(1, 6) : 0))
                        .append(text(r, r.nextInt(0, 12)))
                        .append("\n".repeat(r.nextInt(4) == 0 ? r.nextInt(0, 3) : 1));
            }
            return sb.toString();
        }
        if (kind == 2) {
            return "x".repeat(r.nextInt(70, 200)); // a long word: nothing to fold at
        }
        return text(r, r.nextInt(0, 8));
    }

    /** Words and spaces up to about {@code length} characters. */
    private static String longText(SplittableRandom r, int length) {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < length) {
            sb.append(r.nextInt(8) == 0 ? piece(r) : WORDS[r.nextInt(WORDS.length)]);
            sb.append(r.nextInt(6) == 0 ? "  " : " ");
        }
        return r.nextBoolean() ? sb.toString().trim() : sb.toString();
    }

    private static String text(SplittableRandom r, int pieces) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pieces; i++) {
            sb.append(piece(r));
        }
        return sb.toString();
    }

    private static String piece(SplittableRandom r) {
        return switch (r.nextInt(6)) {
            case 0, 1 -> WORDS[r.nextInt(WORDS.length)];
            case 2, 3 -> SPECIALS[r.nextInt(SPECIALS.length)];
            case 4 -> " ";
            default -> codePoint(r);
        };
    }

    /** A code point from any plane; surrogate code points are skipped. */
    private static String codePoint(SplittableRandom r) {
        int cp;
        do {
            cp = switch (r.nextInt(4)) {
                case 0 -> r.nextInt(0x20, 0x250);
                case 1 -> r.nextInt(0, 0x10000);
                case 2 -> r.nextInt(0x10000, 0x30000);
                default -> r.nextInt(0, 0x110000);
            };
        } while (cp >= 0xD800 && cp <= 0xDFFF);
        return new String(Character.toChars(cp));
    }

    /** A JSON number text of one of the classes that print differently. */
    static String number(SplittableRandom r) {
        return switch (r.nextInt(14)) {
            case 0 -> Integer.toString(r.nextInt(-1000, 1000));
            case 1 -> r.nextBoolean() ? "-0" : "-0.0";
            case 2 -> Long.toString(r.nextLong());
            case 3 -> new BigInteger(r.nextInt(54, 130), new java.util.Random(r.nextLong())).toString();
            case 4 -> Long.toString((1L << 53) + r.nextInt(-20, 20));
            case 5 -> (r.nextBoolean() ? "" : "-") + "1" + (r.nextBoolean() ? "e" : "E") + r.nextInt(-330, 330);
            case 6 -> (r.nextInt(10) + 1) + "e" + (r.nextBoolean() ? "-" : "") + r.nextInt(5, 8);
            case 7 -> (r.nextInt(10) + 1) + "e" + r.nextInt(19, 23);
            case 8 -> Double.toString(finite(r)); // any exponent
            case 9 -> Double.toString(Double.longBitsToDouble(r.nextLong(0, 1L << 52))); // subnormal
            case 10 -> new BigDecimal(r.nextDouble() * Math.pow(10, r.nextInt(-10, 25))).toString();
            case 11 -> r.nextInt(1000) + "." + r.nextInt(1000);
            case 12 -> Double.toString(r.nextDouble());
            default -> new BigDecimal(finite(r)).toString(); // every digit of the binary value
        };
    }

    private static double finite(SplittableRandom r) {
        double d;
        do {
            d = Double.longBitsToDouble(r.nextLong());
        } while (!Double.isFinite(d));
        return d;
    }
}
