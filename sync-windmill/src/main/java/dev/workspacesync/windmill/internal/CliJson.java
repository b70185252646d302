package dev.workspacesync.windmill.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * Reads archive JSON into a tree as Jackson's {@code readTree} does, except where JavaScript's {@code JSON.parse}
 * (the CLI's reader) differs: the integer {@code -0} stays a negative zero (the CLI's YAML writer prints
 * {@code -0}, where Jackson would make it the integer 0), and a number literal of any length is read (Jackson
 * refuses more than 1,000 digits; {@code JSON.parse} rounds it to a double, {@code Infinity} past the range, which
 * the CLI writes as {@code .inf}).
 */
public final class CliJson {
    // Not canonicalizing names: archive keys are as varied as the data they describe.
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNumberLength(Integer.MAX_VALUE)
                    .build())
            .build();
    /** Longer integer literals go straight to a double, as JSON.parse does (no quadratic BigInteger parse). */
    private static final int LONG_LITERAL = 40;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CliJson() {}

    /** The tree of a JSON text; a missing node for empty input (as {@code readTree}). */
    public static JsonNode read(byte[] json) throws IOException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            JsonToken token = parser.nextToken();
            return token == null ? MissingNode.getInstance() : value(parser, token);
        }
    }

    private static JsonNode value(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String name = parser.currentName();
                    object.set(name, value(parser, parser.nextToken()));
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    array.add(value(parser, t));
                }
                return array;
            }
            case VALUE_STRING -> {
                return NODES.textNode(parser.getText());
            }
            case VALUE_NUMBER_INT -> {
                if (parser.getTextLength() > LONG_LITERAL) {
                    return NODES.numberNode(Double.parseDouble(parser.getText()));
                }
                if (parser.getNumberType() == JsonParser.NumberType.INT
                        && parser.getIntValue() == 0
                        && parser.getText().startsWith("-")) {
                    return NODES.numberNode(-0.0);
                }
                return switch (parser.getNumberType()) {
                    case INT -> NODES.numberNode(parser.getIntValue());
                    case LONG -> NODES.numberNode(parser.getLongValue());
                    default -> NODES.numberNode(parser.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                // Double.parseDouble rounds correctly at any length, as JSON.parse does.
                return NODES.numberNode(Double.parseDouble(parser.getText()));
            }
            case VALUE_TRUE -> {
                return NODES.booleanNode(true);
            }
            case VALUE_FALSE -> {
                return NODES.booleanNode(false);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> throw new com.fasterxml.jackson.core.JsonParseException(parser, "Unexpected token " + token);
        }
    }
}
