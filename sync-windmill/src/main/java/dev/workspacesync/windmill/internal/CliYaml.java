package dev.workspacesync.windmill.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes JSON trees as YAML the way {@code wmill} does ({@code yaml} 2.x, {@code singleQuote: true}, keys in
 * the CLI's {@code prioritizeName} order): YAML 1.2 core schema, block style, single quotes where a plain
 * scalar would be misread, literal blocks for multi-line text. Long lines are not folded (push compares YAML
 * semantically, so only byte identity suffers).
 */
public final class CliYaml {
    private static final Pattern NEEDS_QUOTES = Pattern.compile(
            "^[\\n\\t ,\\[\\]{}#&*!|>'\"%@`]|^[?-]$|^[?-][ \\t]|[\\n:][ \\t]|[ \\t]\\n|[\\n\\t ]#|[\\n\\t :]$");
    // YAML 1.2 core schema scalars that a plain string would be read as.
    private static final Pattern CORE_SCALAR = Pattern.compile("(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE"
            + "|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"
            + "|[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            + "|[-+]?\\.(?:inf|Inf|INF)|\\.nan|\\.NaN|\\.NAN)");
    private static final Pattern DOUBLE_ONLY = Pattern.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f]");
    private static final Pattern DOC_MARKER = Pattern.compile("^(?:---|\\.\\.\\.)", Pattern.MULTILINE);
    private static final int LINE_WIDTH = 80;

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
            out.append(scalar(node, "", false)).append('\n');
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
        // A stable sort, like Array.prototype.sort.
        fields.sort(Map.Entry.comparingByKey(KEY_ORDER));
        return fields;
    }

    /** Writes the entries of a non-empty map; the first line starts where the caller left off. */
    private static void writeMap(JsonNode map, String indent, StringBuilder out) {
        boolean first = true;
        for (Map.Entry<String, JsonNode> field : sortedFields(map)) {
            if (!first) {
                out.append(indent);
            }
            first = false;
            out.append(key(field.getKey())).append(':');
            writeValue(field.getValue(), indent, false, out);
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
            writeValue(item, indent, true, out);
        }
    }

    /** Writes a value after "key:" or "-" on the current line. */
    private static void writeValue(JsonNode value, String indent, boolean inSeq, StringBuilder out) {
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
            out.append(' ').append(scalar(value, child, true)).append('\n');
        }
    }

    private static String scalar(JsonNode value, String indent, boolean blockAllowed) {
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
        return string(value.asText(), indent, blockAllowed);
    }

    private static String key(String key) {
        if (key.isEmpty() || DOUBLE_ONLY.matcher(key).find()) {
            return doubleQuoted(key);
        }
        if (key.contains("\n")
                || NEEDS_QUOTES.matcher(key).find()
                || CORE_SCALAR.matcher(key).matches()) {
            return quoted(key, "");
        }
        return key;
    }

    static String string(String value, String indent, boolean blockAllowed) {
        if (DOUBLE_ONLY.matcher(value).find()) {
            return doubleQuoted(value);
        }
        if (value.isEmpty()) {
            return "''";
        }
        boolean multiline = value.indexOf('\n') >= 0;
        if (NEEDS_QUOTES.matcher(value).find()) {
            return !multiline || !blockAllowed ? quoted(value, indent) : block(value, indent);
        }
        if (multiline && blockAllowed) {
            return block(value, indent);
        }
        if (DOC_MARKER.matcher(value).find() || CORE_SCALAR.matcher(value).matches()) {
            return quoted(value, indent);
        }
        return value;
    }

    private static String quoted(String value, String indent) {
        boolean hasDouble = value.indexOf('"') >= 0;
        boolean hasSingle = value.indexOf('\'') >= 0;
        if (hasSingle && !hasDouble) {
            return doubleQuoted(value);
        }
        if (Pattern.compile("[ \\t]\\n|\\n[ \\t]").matcher(value).find()) {
            return doubleQuoted(value);
        }
        // In single quotes a line break is written as an empty line (folding).
        String body = value.replace("'", "''").replaceAll("\\n+", "$0\n" + indent);
        return "'" + body + "'";
    }

    private static String doubleQuoted(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                case '\0' -> out.append("\\0");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                        out.append(String.format("\\x%02X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static String block(String value, String indent) {
        if (Pattern.compile("\\n[\\t ]+$").matcher(value).find()) {
            return quoted(value, indent);
        }
        String ind = indent.isEmpty() ? "  " : indent;
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
        String body = value.substring(0, endStart);
        if (!end.isEmpty() && end.endsWith("\n")) {
            end = end.substring(0, end.length() - 1);
        }
        boolean startsWithSpace = false;
        for (int i = 0; i < body.length(); i++) {
            char ch = body.charAt(i);
            if (ch == ' ') {
                startsWithSpace = true;
            } else if (ch != '\n') {
                break;
            }
        }
        String header = (startsWithSpace ? (indent.isEmpty() ? "1" : "2") : "") + chomp;
        StringBuilder out = new StringBuilder("|").append(header).append('\n');
        String[] lines = body.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].isEmpty()) {
                out.append(ind).append(lines[i]);
            }
            if (i < lines.length - 1) {
                out.append('\n');
            }
        }
        // Trailing newlines kept by "+" chomping.
        out.append(end);
        return out.toString();
    }

    /** Formats a number as JavaScript's {@code String(number)} does (every JSON number is a double there). */
    static String jsNumber(JsonNode value) {
        double d =
                value.isIntegralNumber() && value.canConvertToLong() ? (double) value.longValue() : value.doubleValue();
        if (Double.isNaN(d)) {
            return ".nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? ".inf" : "-.inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e21) {
            return new BigDecimal(d).toPlainString();
        }
        String java = Double.toString(d);
        BigDecimal exact = new BigDecimal(java);
        double abs = Math.abs(d);
        if (abs >= 1e-6 && abs < 1e21) {
            return exact.stripTrailingZeros().toPlainString();
        }
        BigDecimal stripped = exact.stripTrailingZeros();
        String digits = stripped.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - stripped.scale();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (d < 0 ? "-" : "") + mantissa + "e" + (exponent >= 0 ? "+" : "") + exponent;
    }

    /** True if a line of the text is longer than the CLI's 80 columns at this indent (it would fold). */
    static boolean overLimit(String value, int indent) {
        int limit = LINE_WIDTH - indent;
        for (String line : value.split("\n", -1)) {
            if (line.length() > limit) {
                return true;
            }
        }
        return false;
    }
}
