package dev.workspacesync.windmill.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.ScannerException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.CoreSchema;
import org.snakeyaml.engine.v2.schema.Schema;

/**
 * Reads YAML text the way the CLI's {@code yamlParseFile} does: the {@code yaml} library's YAML 1.2 core schema
 * ({@code yes}, {@code on}, {@code 1_000} stay strings; {@code 0o17} and {@code 0x1F} are integers; U+2028, U+2029
 * and NEL are text, not line breaks), numbers as JavaScript doubles, and the CLI's two custom tags
 * {@code !inline} / {@code !inline_fileset} read as the string {@code "!inline <value>"}. Only for YAML a user
 * wrote (a raw app's {@code backend/*.yaml}); what the pull writes is never parsed back.
 */
final class CliYamlRead {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CliYamlRead() {}

    /** The tree of {@code text}; a null node for an empty document (as the CLI's parse gives {@code null}). */
    static JsonNode read(String text) {
        // The yaml library takes any character; snakeyaml-engine refuses what YAML calls unprintable (U+FFFE,
        // C0 controls…), and breaks lines at NEL, U+2028 and U+2029 inside quoted and multi-line scalars (YAML
        // 1.1), where the library reads them as text. Each such character stands in as a private-use one the
        // text lacks (text to both parsers), put back after.
        Map<Integer, Integer> back = new HashMap<>();
        StringBuilder sb = new StringBuilder(text.length());
        int spare = 0x10FFFD;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (printable(c)) {
                sb.appendCodePoint(c);
                continue;
            }
            Integer stand = null;
            for (Map.Entry<Integer, Integer> e : back.entrySet()) {
                if (e.getValue() == c) {
                    stand = e.getKey();
                }
            }
            if (stand == null) {
                while (text.indexOf(new String(Character.toChars(spare))) >= 0) {
                    spare--;
                }
                stand = spare--;
                back.put(stand, c);
            }
            sb.appendCodePoint(stand);
        }
        String source = dropByteOrderMarks(sb.toString());
        // Composed, not constructed: the values are made here as the yaml library makes them (-0 kept, numbers
        // as JavaScript doubles, custom tags as the CLI resolves them).
        while (true) {
            LoadSettings settings = LoadSettings.builder()
                    .setSchema(SCHEMA)
                    .setCodePointLimit(Integer.MAX_VALUE) // bounded by the archive limits already
                    // The whole text in one buffer: snakeyaml-engine 2.10's reader can fail on a surrogate pair that
                    // straddles its 1,024-character buffer ("Range [1025, 1026) out of bounds").
                    .setBufferSize(source.length() + 64)
                    .build();
            try {
                return new Compose(settings)
                        .composeString(source)
                        .map(n -> node(n, back))
                        .orElse(NODES.nullNode());
            } catch (ScannerException e) {
                String quoted = quoteEmptyBlockScalar(source, e);
                if (quoted == null) {
                    throw e;
                }
                source = quoted;
            }
        }
    }

    /**
     * Drops a byte-order mark at the start of each line before the document (blank and comment lines, then the
     * first content line), as the yaml library's lexer does. That library then reads a block sequence entry with
     * content on the mark's line wrongly and refuses the text ({@code Unexpected scalar at node end}): so is it
     * refused here.
     */
    private static String dropByteOrderMarks(String text) {
        if (text.indexOf('\uFEFF') < 0) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            int end = text.indexOf('\n', i);
            end = end < 0 ? text.length() : end + 1;
            String line = text.substring(i, end);
            boolean bom = line.startsWith("\uFEFF");
            if (bom) {
                // The library's lexer reads the mark as a token that ends the line's indentation: the spaces after
                // it do not count.
                line = line.substring(1);
                if (line.matches("(?s) +[^ \r\n].*") && !line.stripLeading().startsWith("-")) {
                    line = line.stripLeading();
                }
            }
            sb.append(line);
            i = end;
            String content = line.strip();
            if (!content.isEmpty() && !content.startsWith("#")) {
                if (bom && line.stripLeading().matches("(?s)-[ ]+[^ #\r\n].*")) {
                    throw new IllegalArgumentException(
                            "Unexpected scalar at node end: a sequence entry on the byte-order mark's line");
                }
                if (bom && line.stripLeading().matches("(?s):([ \t\r\n].*)?")) {
                    // The key was only the mark: the yaml library reads an empty (null) key, snakeyaml-engine
                    // needs it written out.
                    int colon = sb.length() - line.length() + line.indexOf(':');
                    sb.insert(colon, "~");
                }
                break;
            }
        }
        sb.append(text, i, text.length());
        // snakeyaml-engine drops a mark at the very start too: one left there is text to the yaml library.
        return sb.length() > 0 && sb.charAt(0) == '\uFEFF' ? "\n" + sb : sb.toString();
    }

    /**
     * snakeyaml-engine refuses a block scalar without an indentation indicator that has no content line and is
     * followed by a line less indented than its parent's (or by the end of the text): "the leading empty lines
     * contain more spaces than the first non-empty line". The yaml library reads it: {@code ""}, or with keep
     * chomping ({@code |+}) one line break per line after the header but the last (at least one). That scalar
     * stands in as the double-quoted scalar of that value; {@code null} when the refusal is another one.
     */
    private static String quoteEmptyBlockScalar(String source, ScannerException e) {
        if (e.getProblem() == null
                || !e.getProblem().contains("leading empty lines contain more spaces")
                || e.getContextMark().isEmpty()
                || e.getProblemMark().isEmpty()) {
            return null;
        }
        int header = source.offsetByCodePoints(0, e.getContextMark().get().getIndex());
        Matcher m = BLOCK_HEADER.matcher(source).region(header, source.length());
        if (!m.lookingAt()) {
            return null;
        }
        // The parent's indentation: of the key, or of the last sequence entry, before the header.
        int lineStart = source.lastIndexOf('\n', header - 1) + 1;
        String prefix = source.substring(lineStart, header);
        int pos = 0;
        while (pos < prefix.length() && prefix.charAt(pos) == ' ') {
            pos++;
        }
        int dash = -1;
        while (pos < prefix.length() - 1 && prefix.charAt(pos) == '-' && prefix.charAt(pos + 1) == ' ') {
            dash = pos++;
            while (pos < prefix.length() && prefix.charAt(pos) == ' ') {
                pos++;
            }
        }
        String rest = prefix.substring(pos);
        int parent;
        if (!rest.isEmpty() && !PROPERTIES.matcher(rest).matches()) {
            parent = pos;
        } else if (dash >= 0) {
            parent = dash;
        } else {
            return null;
        }
        int codePoints = source.codePointCount(0, source.length());
        int problemIndex = e.getProblemMark().get().getIndex();
        boolean atEnd = problemIndex >= codePoints;
        if (!atEnd && e.getProblemMark().get().getColumn() > parent) {
            return null; // a content line: the yaml library refuses it too
        }
        int problem = atEnd ? source.length() : source.offsetByCodePoints(0, problemIndex);
        int lineEnd = source.indexOf('\n', header);
        String empty;
        if (lineEnd < 0) {
            empty = "";
        } else {
            int problemLine = atEnd ? source.length() : source.lastIndexOf('\n', problem - 1) + 1;
            if (problemLine <= lineEnd) {
                return null;
            }
            empty = source.substring(lineEnd + 1, problemLine);
        }
        if (!empty.matches("[ \n]*")) {
            return null;
        }
        long breaks = empty.chars().filter(c -> c == '\n').count();
        String value = m.group(1).equals("+") && !empty.isEmpty() ? "\\n".repeat((int) Math.max(1, breaks)) : "";
        return source.substring(0, header) + '"' + value + '"' + source.substring(m.end());
    }

    private static final Pattern BLOCK_HEADER = Pattern.compile("[|>]([+-]?)(?=[ \t\r\n]|$)");
    private static final Pattern PROPERTIES = Pattern.compile("([!&][^ ]* +)+");

    /** The core schema, without merge keys ({@code <<} is a plain key in YAML 1.2 and for the yaml library). */
    private static final Schema SCHEMA = new CoreSchema() {
        private final ScalarResolver core = super.getScalarResolver();

        @Override
        public ScalarResolver getScalarResolver() {
            return (value, implicit) -> {
                Tag tag = core.resolve(value, implicit);
                return tag.equals(Tag.MERGE) ? Tag.STR : tag;
            };
        }
    };

    /** Characters snakeyaml-engine reads as the yaml library does (NEL, U+2028 and U+2029 are not). */
    private static boolean printable(int c) {
        return c == 0x9
                || c == 0xA
                || c == 0xD
                || (c >= 0x20 && c <= 0x7E)
                || (c >= 0xA0 && c <= 0xD7FF && c != 0x2028 && c != 0x2029)
                || (c >= 0xE000 && c <= 0xFFFD)
                || (c >= 0x10000 && c <= 0x10FFFF);
    }

    private static String restore(String s, Map<Integer, Integer> back) {
        if (back.isEmpty()) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(c -> sb.appendCodePoint(back.getOrDefault(c, c)));
        return sb.toString();
    }

    private static JsonNode node(Node node, Map<Integer, Integer> back) {
        if (node instanceof MappingNode mapping) {
            // A JavaScript object lists array-index keys first, ascending, then the rest in insertion order.
            TreeMap<Long, JsonNode> indices = new TreeMap<>();
            LinkedHashMap<String, JsonNode> rest = new LinkedHashMap<>();
            Set<String> seen = new HashSet<>();
            for (NodeTuple tuple : mapping.getValue()) {
                JsonNode keyNode = node(tuple.getKeyNode(), back);
                if (!seen.add(keyNode.getNodeType() + ":" + keyNode)) {
                    throw new IllegalArgumentException("Map keys must be unique: " + keyNode); // as the yaml library
                }
                String k = key(keyNode);
                JsonNode v = node(tuple.getValueNode(), back);
                Long index = arrayIndex(k);
                if (index != null) {
                    indices.put(index, v);
                } else {
                    rest.put(k, v); // a later equal key (true, "true") keeps the first place
                }
            }
            ObjectNode object = NODES.objectNode();
            indices.forEach((i, v) -> object.set(Long.toString(i), v));
            rest.forEach(object::set);
            return object;
        }
        if (node instanceof SequenceNode sequence) {
            ArrayNode array = NODES.arrayNode();
            sequence.getValue().forEach(n -> array.add(node(n, back)));
            return array;
        }
        ScalarNode scalar = (ScalarNode) node;
        String v = restore(scalar.getValue(), back);
        String tag = scalar.getTag().getValue();
        if (tag.equals("!inline") || tag.equals("!inline_fileset")) {
            return NODES.textNode(tag + " " + v);
        }
        if (tag.equals(Tag.NULL.getValue())) {
            return NODES.nullNode();
        }
        if (tag.equals(Tag.BOOL.getValue()) && v.matches("true|True|TRUE|false|False|FALSE")) {
            return NODES.booleanNode(v.charAt(0) == 't' || v.charAt(0) == 'T');
        }
        if (tag.equals(Tag.INT.getValue())) {
            JsonNode n = integer(v);
            if (n != null) {
                return n;
            }
        }
        if (tag.equals(Tag.FLOAT.getValue())) {
            JsonNode n = decimal(v);
            if (n != null) {
                return n;
            }
        }
        if (tag.equals(Tag.BINARY.getValue())) {
            // The yaml library makes a Buffer, which JSON.stringify writes as {type, data}.
            ArrayNode data = NODES.arrayNode();
            for (byte b : java.util.Base64.getMimeDecoder().decode(v)) {
                data.add(b & 0xff);
            }
            ObjectNode buffer = NODES.objectNode();
            buffer.put("type", "Buffer");
            buffer.set("data", data);
            return buffer;
        }
        // A string, or a tag the yaml library does not know: it keeps the scalar's text.
        return NODES.textNode(v);
    }

    /** The core schema's integers as the yaml library reads them: {@code parseInt}, so a double. */
    private static JsonNode integer(String v) {
        if (v.matches("0o[0-7]+")) {
            return NODES.numberNode(new BigInteger(v.substring(2), 8).doubleValue());
        }
        if (v.matches("0x[0-9a-fA-F]+")) {
            return NODES.numberNode(new BigInteger(v.substring(2), 16).doubleValue());
        }
        if (v.matches("[-+]?[0-9]+")) {
            return NODES.numberNode(Double.parseDouble(v)); // "-0" is -0, as parseInt gives
        }
        return null;
    }

    /** The core schema's floats: {@code .inf}/{@code .nan} and {@code parseFloat}. */
    private static JsonNode decimal(String v) {
        if (v.matches("[-+]?\\.(inf|Inf|INF)")) {
            return NODES.numberNode(v.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        }
        if (v.matches("\\.(nan|NaN|NAN)")) {
            return NODES.numberNode(Double.NaN);
        }
        if (v.matches("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?")) {
            return NODES.numberNode(Double.parseDouble(v));
        }
        return null;
    }

    private static Long arrayIndex(String k) {
        if (k.isEmpty() || k.length() > 10 || (k.length() > 1 && k.charAt(0) == '0')) {
            return null;
        }
        for (int i = 0; i < k.length(); i++) {
            if (k.charAt(i) < '0' || k.charAt(i) > '9') {
                return null;
            }
        }
        long v = Long.parseLong(k);
        return v < 0xFFFF_FFFFL ? v : null;
    }

    /** A JavaScript object's key is the string of the YAML key. */
    private static String key(JsonNode k) {
        if (k.isNull()) {
            return "";
        }
        if (k.isNumber()) {
            double d = k.doubleValue();
            // String(Infinity) and String(NaN), not YAML's .inf/.nan.
            return Double.isNaN(d)
                    ? "NaN"
                    : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity") : CliYaml.jsNumber(k);
        }
        return k.isTextual() ? k.asText() : k.toString();
    }
}
