package dev.workspacesync.windmill.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes JSON trees as YAML the way {@code wmill} does ({@code yaml} 2.x, {@code singleQuote: true}, keys in
 * the CLI's {@code prioritizeName} order): YAML 1.2 core schema, block style, single quotes where a plain
 * scalar would be misread, literal or folded blocks for multi-line text, long lines folded at 80 columns as
 * the library folds them, keys over 1,024 characters in the explicit {@code ? key} form. Checked byte for byte
 * against the library by {@code CliYamlDifferentialTest}.
 */
public final class CliYaml {
    private static final Pattern NEEDS_QUOTES = Pattern.compile(
            "^[\\n\\t ,\\[\\]{}#&*!|>'\"%@`]|^[?-]\\z|^[?-][ \\t]|[\\n:][ \\t]|[ \\t]\\n|[\\n\\t ]#|[\\n\\t :]\\z");
    // YAML 1.2 core schema scalars that a plain string would be read as.
    private static final Pattern CORE_SCALAR = Pattern.compile("(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE"
            + "|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"
            + "|[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            + "|[-+]?\\.(?:inf|Inf|INF)|\\.nan|\\.NaN|\\.NAN)");
    private static final Pattern DOUBLE_ONLY = Pattern.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f]");
    // The library's containsDocumentMarker, /^(%|---|\.\.\.)/m: a line starts after JavaScript's line
    // terminators (not after NEL, as Java's MULTILINE would have it).
    private static final Pattern DOC_MARKER = Pattern.compile("(?:^|(?<=[\\n\\r\\u2028\\u2029]))(?:%|---|\\.\\.\\.)");
    private static final Pattern NEWLINES = Pattern.compile("\\n+");
    private static final Pattern SPACE_AT_BREAK = Pattern.compile("[ \\t]\\n|\\n[ \\t]");
    private static final Pattern TRAILING_INDENTED_LINE = Pattern.compile("\\n[\\t ]+\\z");
    private static final int LINE_WIDTH = 80;
    /** Longer keys are written in the explicit form ({@code ? key}), as YAML limits implicit keys to 1024. */
    private static final int MAX_IMPLICIT_KEY = 1024;

    private static final int FLOW = 0;
    private static final int BLOCK = 1;
    private static final int QUOTED = 2;

    /** The CLI's key order: its priority list, then ICU-like collation. */
    public static final Comparator<String> KEY_ORDER =
            Comparator.comparing(CliYaml::prioritizeName, Collation::compare);

    private CliYaml() {}

    /** The YAML text of a JSON object or array, ending with a newline. */
    public static String write(JsonNode node) {
        StringBuilder out = new StringBuilder();
        if (node.isObject()) {
            if (node.isEmpty()) {
                return "{}\n";
            }
            writeMap(node, "", out);
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                return "[]\n";
            }
            writeSeq(node, "", out);
        } else {
            out.append(scalar(node, "", false, -1)).append('\n');
        }
        return out.toString();
    }

    static String prioritizeName(String name) {
        return switch (name) {
            case "version" -> "aaa";
            case "id" -> "aa";
            case "type" -> "ab";
            case "summary" -> "ad";
            case "name" -> "ae";
            case "display_name" -> "af";
            case "description" -> "ag";
            case "value" -> "ah";
            case "content" -> "ai";
            case "modules" -> "aj";
            case "failure_module" -> "ak";
            case "input_transforms" -> "al";
            case "lock" -> "az";
            case "locks" -> "azz";
            default -> name;
        };
    }

    private static List<Map.Entry<String, JsonNode>> sortedFields(JsonNode map) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
        map.fields().forEachRemaining(fields::add);
        // JSON.parse gives an object its array-index keys first, in numeric order, then the others in document
        // order; keys that collate equal keep that order through the stable sort (like Array.prototype.sort).
        fields.sort(Comparator.comparingLong(f -> arrayIndex(f.getKey())));
        fields.sort(Map.Entry.comparingByKey(KEY_ORDER));
        return fields;
    }

    /** A key's place among JavaScript's integer-like property keys: its value if it is an array index. */
    private static long arrayIndex(String key) {
        int n = key.length();
        if (n == 0 || n > 10 || (n > 1 && key.charAt(0) == '0')) {
            return Long.MAX_VALUE;
        }
        long value = 0;
        for (int i = 0; i < n; i++) {
            char c = key.charAt(i);
            if (c < '0' || c > '9') {
                return Long.MAX_VALUE;
            }
            value = value * 10 + (c - '0');
        }
        return value < 0xFFFFFFFFL ? value : Long.MAX_VALUE;
    }

    /** Writes the entries of a non-empty map; the first line starts where the caller left off. */
    private static void writeMap(JsonNode map, String indent, StringBuilder out) {
        boolean first = true;
        for (Map.Entry<String, JsonNode> field : sortedFields(map)) {
            if (!first) {
                out.append(indent);
            }
            first = false;
            String key = key(field.getKey(), indent);
            if (key.length() > MAX_IMPLICIT_KEY) {
                // The library's explicit form: "? key", then the value after ":" on the next line, as in a list.
                out.append("? ").append(key).append('\n').append(indent).append(':');
                writeValue(field.getValue(), indent, true, false, -1, out);
            } else {
                out.append(key).append(':');
                writeValue(field.getValue(), indent, false, false, key.length() + 2, out);
            }
        }
    }

    private static void writeSeq(JsonNode seq, String indent, StringBuilder out) {
        boolean first = true;
        for (JsonNode item : seq) {
            if (!first) {
                out.append(indent);
            }
            first = false;
            out.append('-');
            writeValue(item, indent, true, true, -1, out);
        }
    }

    /**
     * Writes a value after "key:", "? key / :" ({@code inSeq}) or "-" ({@code inSeq} and {@code seqItem}) on the
     * current line.
     */
    private static void writeValue(
            JsonNode value, String indent, boolean inSeq, boolean seqItem, int indentAtStart, StringBuilder out) {
        String child = indent + "  ";
        if (value.isObject() && !value.isEmpty()) {
            if (inSeq) {
                out.append(' ');
                writeMap(value, child, out);
            } else {
                out.append('\n').append(child);
                writeMap(value, child, out);
            }
        } else if (value.isArray() && !value.isEmpty()) {
            if (inSeq) {
                out.append(' ');
                writeSeq(value, child, out);
            } else {
                out.append('\n').append(child);
                writeSeq(value, child, out);
            }
        } else {
            String text = scalar(value, child, true, indentAtStart);
            // A value folded before its first word starts on the next line: no space after "key:" (the library's
            // stringifyPair), but "- " stays (its block sequence always writes the item prefix whole).
            out.append(seqItem || !text.startsWith("\n") ? " " : "")
                    .append(text)
                    .append('\n');
        }
    }

    private static String scalar(JsonNode value, String indent, boolean blockAllowed, int indentAtStart) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "null";
        }
        if (value.isObject()) {
            return "{}";
        }
        if (value.isArray()) {
            return "[]";
        }
        if (value.isBoolean()) {
            return value.booleanValue() ? "true" : "false";
        }
        if (value.isNumber()) {
            return jsNumber(value);
        }
        return string(value.asText(), indent, blockAllowed, indentAtStart);
    }

    /** A key as the library writes it as an implicit key, in a map at {@code indent}. */
    private static String key(String key, String indent) {
        if (DOUBLE_ONLY.matcher(key).find()) {
            return doubleQuoted(key);
        }
        if (key.isEmpty()) {
            return "''";
        }
        if (key.contains("\n")
                || NEEDS_QUOTES.matcher(key).find()
                // A top-level key starting a line with "---" or "..." would end the document.
                || indent.isEmpty() && DOC_MARKER.matcher(key).find()
                || CORE_SCALAR.matcher(key).matches()) {
            return quoted(key, "", -1, false);
        }
        return key;
    }

    static String string(String value, String indent, boolean blockAllowed, int indentAtStart) {
        if (DOUBLE_ONLY.matcher(value).find()) {
            return doubleQuoted(value, indent, indentAtStart, false);
        }
        if (value.isEmpty()) {
            return "''";
        }
        boolean multiline = value.indexOf('\n') >= 0;
        if (NEEDS_QUOTES.matcher(value).find()) {
            return !multiline || !blockAllowed
                    ? quoted(value, indent, indentAtStart, true)
                    : block(value, indent, indentAtStart);
        }
        if (multiline && blockAllowed) {
            return block(value, indent, indentAtStart);
        }
        if (DOC_MARKER.matcher(value).find() && indent.isEmpty()) {
            return quoted(value, indent, indentAtStart, true);
        }
        if (CORE_SCALAR.matcher(value).matches()) {
            return quoted(value, indent, indentAtStart, true);
        }
        String str = NEWLINES.matcher(value).replaceAll("$0\n" + indent);
        return fold(str, indent, indentAtStart);
    }

    private static String quoted(String value, String indent, int indentAtStart, boolean foldable) {
        boolean hasDouble = value.indexOf('"') >= 0;
        boolean hasSingle = value.indexOf('\'') >= 0;
        if (hasSingle && !hasDouble
                || !foldable && value.indexOf('\n') >= 0
                || SPACE_AT_BREAK.matcher(value).find()) {
            return doubleQuoted(value, indent, indentAtStart, !foldable);
        }
        String ind = indent.isEmpty() && DOC_MARKER.matcher(value).find() ? "  " : indent;
        // In single quotes a line break is written as an empty line (folding).
        String body = "'" + NEWLINES.matcher(value.replace("'", "''")).replaceAll("$0\n" + ind) + "'";
        return foldable ? fold(body, ind, indentAtStart) : body;
    }

    /** The {@code yaml} library's {@code foldFlowLines} in flow mode: wrap at spaces past 80 columns. */
    static String fold(String text, String indent, int indentAtStart) {
        return foldLines(text, indent, indentAtStart, FLOW);
    }

    private static char at(String text, int i) {
        return i >= 0 && i < text.length() ? text.charAt(i) : 0;
    }

    private static int consumeMoreIndentedLines(String text, int i, int indent) {
        int end = i;
        int start = i + 1;
        char ch = at(text, start);
        while (ch == ' ' || ch == '\t') {
            if (i < start + indent) {
                ch = at(text, ++i);
            } else {
                do {
                    ch = at(text, ++i);
                } while (ch != 0 && ch != '\n');
                end = i;
                start = i + 1;
                ch = at(text, start);
            }
        }
        return end;
    }

    /**
     * A port of the {@code yaml} library's {@code foldFlowLines} (flow or block mode, line width 80, minimum
     * content width 20); returns null when a block line cannot be folded (the library then writes a literal).
     */
    static String foldLines(String text, String indent, int indentAtStart, int mode) {
        boolean blockMode = mode == BLOCK;
        int lineWidth = LINE_WIDTH;
        int minContentWidth = 20;
        int endStep = Math.max(1 + minContentWidth, 1 + lineWidth - indent.length());
        if (text.length() <= endStep) {
            return text;
        }
        List<Integer> folds = new ArrayList<>();
        int end = lineWidth - indent.length();
        if (indentAtStart >= 0) {
            if (indentAtStart > lineWidth - Math.max(2, minContentWidth)) {
                folds.add(0);
            } else {
                end = lineWidth - indentAtStart;
            }
        }
        int split = -1;
        char prev = 0;
        boolean overflow = false;
        int i = -1;
        if (blockMode) {
            i = consumeMoreIndentedLines(text, i, indent.length());
            if (i != -1) {
                end = i + endStep;
            }
        }
        int escStart = -1;
        int escEnd = -1;
        Set<Integer> escapedFolds = new HashSet<>();
        for (char ch; (ch = at(text, i += 1)) != 0; ) {
            if (mode == QUOTED && ch == '\\') {
                escStart = i;
                switch (at(text, i + 1)) {
                    case 'x' -> i += 3;
                    case 'u' -> i += 5;
                    case 'U' -> i += 9;
                    default -> i += 1;
                }
                escEnd = i;
            }
            if (ch == '\n') {
                if (blockMode) {
                    i = consumeMoreIndentedLines(text, i, indent.length());
                }
                end = i + indent.length() + endStep;
                split = -1;
            } else {
                if (ch == ' ' && prev != 0 && prev != ' ' && prev != '\n' && prev != '\t') {
                    char next = at(text, i + 1);
                    if (next != 0 && next != ' ' && next != '\n' && next != '\t') {
                        split = i;
                    }
                }
                if (i >= end) {
                    if (split > 0) {
                        folds.add(split);
                        end = split + endStep;
                        split = -1;
                    } else if (mode == QUOTED) {
                        while (prev == ' ' || prev == '\t') {
                            prev = ch;
                            ch = at(text, i += 1);
                            overflow = true;
                        }
                        int j = i > escEnd + 1 ? i - 2 : escStart - 1;
                        if (escapedFolds.contains(j)) {
                            return text;
                        }
                        folds.add(j);
                        escapedFolds.add(j);
                        end = j + endStep;
                        split = -1;
                    } else {
                        overflow = true;
                    }
                }
            }
            prev = ch;
        }
        if (overflow && blockMode) {
            return null;
        }
        if (folds.isEmpty()) {
            return text;
        }
        // JavaScript semantics on purpose: in deep indentation a fold index can be negative, where slice()
        // counts from the end and text[fold] is "undefined"; the library's output is what the CLI writes.
        StringBuilder res = new StringBuilder(slice(text, 0, folds.get(0)));
        for (int k = 0; k < folds.size(); k++) {
            int fold = folds.get(k);
            int stop = k + 1 < folds.size() && folds.get(k + 1) != 0 ? folds.get(k + 1) : text.length();
            if (fold == 0) {
                res = new StringBuilder("\n").append(indent).append(slice(text, 0, stop));
            } else {
                if (mode == QUOTED && escapedFolds.contains(fold)) {
                    res.append(fold >= 0 && fold < text.length() ? String.valueOf(text.charAt(fold)) : "undefined")
                            .append('\\');
                }
                res.append('\n').append(indent).append(slice(text, fold + 1, stop));
            }
        }
        return res.toString();
    }

    /** JavaScript's {@code String.prototype.slice}. */
    private static String slice(String text, int from, int to) {
        int len = text.length();
        int start = from < 0 ? Math.max(len + from, 0) : Math.min(from, len);
        int end = to < 0 ? Math.max(len + to, 0) : Math.min(to, len);
        return start < end ? text.substring(start, end) : "";
    }

    private static String doubleQuoted(String value) {
        return doubleQuoted(value, "", -1, true);
    }

    /** JavaScript's {@code JSON.stringify} of a string. */
    static String jsonString(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    boolean loneSurrogate = Character.isSurrogate(c)
                            && !(Character.isHighSurrogate(c)
                                    && i + 1 < value.length()
                                    && Character.isLowSurrogate(value.charAt(i + 1)))
                            && !(Character.isLowSurrogate(c)
                                    && i > 0
                                    && Character.isHighSurrogate(value.charAt(i - 1)));
                    if (c < 0x20 || loneSurrogate) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** A port of the {@code yaml} library's {@code doubleQuotedString} (minimum multi-line length 40). */
    private static String doubleQuoted(String value, String ctxIndent, int indentAtStart, boolean implicitKey) {
        String json = jsonString(value);
        String indent =
                !ctxIndent.isEmpty() ? ctxIndent : DOC_MARKER.matcher(value).find() ? "  " : "";
        StringBuilder str = new StringBuilder();
        int start = 0;
        for (int i = 0; at(json, i) != 0; i++) {
            char ch = at(json, i);
            if (ch == ' ' && at(json, i + 1) == '\\' && at(json, i + 2) == 'n') {
                str.append(json, start, i).append("\\ ");
                i += 1;
                start = i;
                ch = '\\';
            }
            if (ch == '\\') {
                char next = at(json, i + 1);
                if (next == 'u') {
                    str.append(json, start, i);
                    String code = json.substring(i + 2, i + 6);
                    switch (code) {
                        case "0000" -> str.append("\\0");
                        case "0007" -> str.append("\\a");
                        case "000b" -> str.append("\\v");
                        case "001b" -> str.append("\\e");
                        case "0085" -> str.append("\\N");
                        case "00a0" -> str.append("\\_");
                        case "2028" -> str.append("\\L");
                        case "2029" -> str.append("\\P");
                        default -> {
                            if (code.startsWith("00")) {
                                str.append("\\x").append(code.substring(2));
                            } else {
                                str.append(json, i, i + 6);
                            }
                        }
                    }
                    i += 5;
                    start = i + 1;
                } else if (next == 'n') {
                    if (implicitKey || at(json, i + 2) == '"' || json.length() < 40) {
                        i += 1;
                    } else {
                        str.append(json, start, i).append("\n\n");
                        while (at(json, i + 2) == '\\' && at(json, i + 3) == 'n' && at(json, i + 4) != '"') {
                            str.append('\n');
                            i += 2;
                        }
                        str.append(indent);
                        if (at(json, i + 2) == ' ') {
                            str.append('\\');
                        }
                        i += 1;
                        start = i + 1;
                    }
                } else {
                    i += 1;
                }
            }
        }
        String result = start != 0 ? str.append(json.substring(start)).toString() : json;
        return implicitKey ? result : foldLines(result, indent, indentAtStart, QUOTED);
    }

    private static String block(String original, String indent, int indentAtStart) {
        if (TRAILING_INDENTED_LINE.matcher(original).find()) {
            return quoted(original, indent, indentAtStart, true);
        }
        String ind = indent.isEmpty() ? "  " : indent;
        boolean literal = !lineLengthOverLimit(original, LINE_WIDTH, ind.length());
        String value = original;
        int endStart = value.length();
        while (endStart > 0) {
            char ch = value.charAt(endStart - 1);
            if (ch != '\n' && ch != '\t' && ch != ' ') {
                break;
            }
            endStart--;
        }
        String end = value.substring(endStart);
        int endNl = end.indexOf('\n');
        String chomp;
        if (endNl == -1) {
            chomp = "-";
        } else if (value.equals(end) || endNl != end.length() - 1) {
            chomp = "+";
        } else {
            chomp = "";
        }
        if (!end.isEmpty()) {
            value = value.substring(0, value.length() - end.length());
            if (end.endsWith("\n")) {
                end = end.substring(0, end.length() - 1);
            }
            end = BLOCK_END_NEWLINES.matcher(end).replaceAll("$0" + java.util.regex.Matcher.quoteReplacement(ind));
        }
        boolean startsWithSpace = false;
        int startEnd;
        int startNl = -1;
        for (startEnd = 0; startEnd < value.length(); startEnd++) {
            char ch = value.charAt(startEnd);
            if (ch == ' ') {
                startsWithSpace = true;
            } else if (ch == '\n') {
                startNl = startEnd;
            } else {
                break;
            }
        }
        String start = value.substring(0, startNl < startEnd ? startNl + 1 : startEnd);
        if (!start.isEmpty()) {
            value = value.substring(start.length());
            start = NEWLINES.matcher(start).replaceAll("$0" + java.util.regex.Matcher.quoteReplacement(ind));
        }
        String header = (startsWithSpace ? (ind.isEmpty() ? "1" : "2") : "") + chomp;
        if (!literal) {
            String folded = NEWLINES.matcher(value).replaceAll("\n$0");
            folded = MORE_INDENTED
                    .matcher(folded)
                    .replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                            m.group(1) + (m.group(2) == null ? "" : m.group(2))));
            folded = NEWLINES.matcher(folded).replaceAll("$0" + java.util.regex.Matcher.quoteReplacement(ind));
            String body = foldLines(start + folded + end, ind, ind.length(), BLOCK);
            if (body != null) {
                return ">" + header + "\n" + ind + body;
            }
        }
        value = NEWLINES.matcher(value).replaceAll("$0" + java.util.regex.Matcher.quoteReplacement(ind));
        return "|" + header + "\n" + ind + start + value + end;
    }

    private static final Pattern BLOCK_END_NEWLINES = Pattern.compile("(?:^|(?<!\\n))\\n+(?!\\n|\\z)");
    private static final Pattern MORE_INDENTED =
            Pattern.compile("(?:^|\\n)([\\t ].*)(?:([\\n\\t ]*)\\n(?![\\n\\t ]))?");

    static boolean lineLengthOverLimit(String str, int lineWidth, int indentLength) {
        int limit = lineWidth - indentLength;
        int len = str.length();
        if (len <= limit) {
            return false;
        }
        for (int i = 0, start = 0; i < len; ++i) {
            if (str.charAt(i) == '\n') {
                if (i - start > limit) {
                    return true;
                }
                start = i + 1;
                if (len - start <= limit) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * A number as the {@code yaml} library writes it: {@code JSON.stringify} of the double JavaScript's
     * {@code JSON.parse} made of it (integers beyond 2^53 lose their low digits), {@code -0} kept, YAML's
     * {@code .nan}/{@code .inf} for what JSON cannot say.
     */
    static String jsNumber(JsonNode value) {
        return jsNumber(value.doubleValue());
    }

    /** {@link #jsNumber(JsonNode)} of a double. */
    static String jsNumber(double d) {
        if (Double.isNaN(d)) {
            return ".nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? ".inf" : "-.inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        if (d == Math.rint(d) && Math.abs(d) < 0x1p53) {
            return Long.toString((long) d);
        }
        return numberToString(d);
    }

    /**
     * ECMAScript's {@code Number::toString} (radix 10): the fewest significant digits that read back as the
     * same double, the closer one when two candidates of that length do (the even one on a tie), in plain
     * notation from 1e-6 up to 1e21 and in exponent notation outside. JDK 17's {@code Double.toString} is
     * not always the shortest, so the digits are searched for.
     */
    static String numberToString(double d) {
        double abs = Math.abs(d);
        BigDecimal exact = new BigDecimal(abs);
        // If some decimal of n digits reads back, the closest one of n + 1 digits does too; Double.toString
        // reads back (with a digit too many at times on JDK 17): start from its length and step down while
        // a shorter length still reads back.
        BigDecimal javaDigits = new BigDecimal(Double.toString(abs)).stripTrailingZeros();
        int len = javaDigits.precision();
        BigDecimal best = closest(exact, abs, len);
        for (BigDecimal shorter; len > 1 && (shorter = closest(exact, abs, len - 1)) != null; len--) {
            best = shorter;
        }
        if (best == null) {
            best = javaDigits; // unreachable: Double.toString's digits read back
        }
        best = best.stripTrailingZeros();
        String digits = best.unscaledValue().toString();
        int k = digits.length();
        int n = k - best.scale(); // the value is 0.<digits> x 10^n
        StringBuilder out = new StringBuilder(d < 0 ? "-" : "");
        if (k <= n && n <= 21) {
            out.append(digits).append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            out.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            int e = n - 1;
            out.append(digits.charAt(0));
            if (k > 1) {
                out.append('.').append(digits, 1, k);
            }
            out.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
        }
        return out.toString();
    }

    /**
     * Of the {@code k}-significant-digit decimals next to the exact value, the one that reads back as the
     * double, the closer one if both do (the even one on a tie); null if neither does.
     */
    private static BigDecimal closest(BigDecimal exact, double abs, int k) {
        BigDecimal down = exact.round(new java.math.MathContext(k, java.math.RoundingMode.DOWN));
        BigDecimal up = exact.round(new java.math.MathContext(k, java.math.RoundingMode.UP));
        boolean downOk = Double.parseDouble(down.toString()) == abs;
        boolean upOk = down.compareTo(up) != 0 && Double.parseDouble(up.toString()) == abs;
        if (downOk && upOk) {
            int closer = exact.subtract(down).compareTo(up.subtract(exact));
            if (closer == 0) {
                return down.unscaledValue().testBit(0) ? up : down;
            }
            return closer < 0 ? down : up;
        }
        return downOk ? down : upOk ? up : null;
    }
}
