package dev.workspacesync.examples.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncConfigException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Logging} in this JVM: what reaches standard error in each format, with secrets of every shape
 * placed in messages, arguments, exceptions (and their causes) and key-value pairs.
 */
class LoggingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger("dev.workspacesync.test.LoggingTest");
    private static final Pattern TEXT_LINE = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) (INFO|WARN|ERROR) +\\S+ - .*");

    @AfterEach
    void reset() {
        Logging.verbosity(0);
        Logging.configure(Map.of(), Logging.Format.TEXT);
    }

    /** A secret with characters JSON, URLs and regular expressions treat specially. */
    private static String secret(SplittableRandom random) {
        String alphabet = "abcXYZ0189-_.~+/=\"\\'{}[]:,%&?#@ \t\u00e9\u2603$^*()|";
        StringBuilder out = new StringBuilder("s");
        int length = 6 + random.nextInt(30);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    private static String capture(Runnable logging) {
        PrintStream original = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            logging.run();
        } finally {
            System.setErr(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /** Logs each secret every way a library might: message, argument, exception, cause, key-value pair. */
    private static void logEverywhere(List<String> secrets) {
        for (String s : secrets) {
            LOG.warn("token " + s + " in the message");
            LOG.warn("token {} as an argument, and encoded {}", s, URLEncoder.encode(s, StandardCharsets.UTF_8));
            LOG.error(
                    "a library failed",
                    new IllegalStateException("bad token " + s, new RuntimeException("cause " + s)));
            LOG.atWarn().addKeyValue("token", s).log("as a key-value pair");
            LOG.warn("a URL https://user:{}@example.com/x", s);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void jsonLinesParseAndHoldNoSecret(long seed) throws Exception {
        System.out.println("seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        List<String> secrets = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            secrets.add(secret(random));
        }
        Logging.configure(Map.of(Logging.FORMAT_VARIABLE, "json"), null);
        Logging.redact(secrets.stream().map(Secret::of).toList());
        String output = capture(() -> logEverywhere(secrets));

        List<String> lines = output.lines().toList();
        assertThat(lines).hasSize(secrets.size() * 5);
        for (String line : lines) {
            JsonNode json = JSON.readTree(line);
            assertThat(json.path("timestamp").isNumber()).as(line).isTrue();
            assertThat(json.path("time").asText()).as(line).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            assertThat(json.path("level").asText()).as(line).isIn("WARN", "ERROR");
            assertThat(json.path("message").asText()).as(line).isNotEmpty();
            // Parsed (unescaped) and raw: no form of any secret survives.
            for (String s : secrets) {
                assertThat(json.toString()).as("seed %d, secret %s", seed, s).doesNotContain(s);
                assertThat(line).doesNotContain(s).doesNotContain(URLEncoder.encode(s, StandardCharsets.UTF_8));
                assertThat(allText(json)).as("seed %d, secret %s", seed, s).doesNotContain(s);
            }
        }
        assertThat(lines.get(2)).contains("\"exception\":").contains("IllegalStateException");
    }

    private static String allText(JsonNode node) {
        StringBuilder out = new StringBuilder();
        node.forEach(child -> out.append(child.isValueNode() ? child.asText() : allText(child))
                .append('\n'));
        return out.toString();
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14})
    void textLinesHaveATimestampAndLevelAndHoldNoSecret(long seed) {
        System.out.println("seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        List<String> secrets = List.of(secret(random), secret(random), secret(random));
        Logging.configure(Map.of(), Logging.Format.TEXT);
        Logging.redact(secrets.stream().map(Secret::of).toList());
        String output = capture(() -> logEverywhere(secrets));

        for (String s : secrets) {
            assertThat(output).as("seed %d", seed).doesNotContain(s);
        }
        // Stack trace lines follow their line; every other line starts with time and level.
        output.lines()
                .filter(l -> !l.startsWith("\t") && !l.startsWith("Caused by") && !l.startsWith("java."))
                .forEach(l -> assertThat(l).matches(TEXT_LINE));
    }

    @Test
    void secretsOfTheEnvironmentAreMaskedWithoutBeingNamed() throws Exception {
        Logging.configure(
                Map.of(
                        Logging.FORMAT_VARIABLE,
                        "JSON",
                        "DATABRICKS_TOKEN",
                        "dapi-env-0123456789",
                        "SLACK_WEBHOOK_URL",
                        "https://hooks.slack.com/services/T000/B000/XXXXsecret",
                        "GIT_BRANCH",
                        "main"),
                null);
        String output = capture(() ->
                LOG.warn("sent dapi-env-0123456789 to https://hooks.slack.com/services/T000/B000/XXXXsecret on main"));
        JsonNode line = JSON.readTree(output);
        assertThat(line.path("message").asText()).isEqualTo("sent **** to **** on main");
    }

    @Test
    void theLevelFollowsTheEnvironmentTheServiceAndTheVerbosity() {
        assertThat(Logging.rootLevelFor(null, 0, false)).isEqualTo(Level.WARN);
        assertThat(Logging.rootLevelFor(null, 0, true)).isEqualTo(Level.INFO);
        assertThat(Logging.rootLevelFor(null, 1, false)).isEqualTo(Level.INFO);
        assertThat(Logging.rootLevelFor(null, 2, true)).isEqualTo(Level.DEBUG);
        assertThat(Logging.rootLevelFor(null, 5, false)).isEqualTo(Level.TRACE);
        assertThat(Logging.rootLevelFor(null, -1, true)).isEqualTo(Level.ERROR);
        assertThat(Logging.rootLevelFor(Level.DEBUG, 1, false)).isEqualTo(Level.DEBUG);
        assertThat(Logging.rootLevelFor(Level.ERROR, 0, true)).isEqualTo(Level.ERROR);
        assertThat(Logging.rootLevelFor(Level.ERROR, -1, true)).isEqualTo(Level.ERROR);

        Logging.configure(Map.of(Logging.LEVEL_VARIABLE, "debug"), null);
        assertThat(LoggerFactory.getLogger("any").isDebugEnabled()).isTrue();
        // Jetty's debug output carries request headers: never below INFO.
        assertThat(LoggerFactory.getLogger("org.eclipse.jetty.server.Server").isInfoEnabled())
                .isFalse();
        Logging.verbosity(2);
        assertThat(LoggerFactory.getLogger("org.eclipse.jetty.server.Server").isDebugEnabled())
                .isFalse();
        assertThat(LoggerFactory.getLogger("org.eclipse.jetty.server.Server").isInfoEnabled())
                .isTrue();
    }

    @Test
    void badValuesNameTheirVariable() {
        assertThatThrownBy(() -> Logging.configure(Map.of(Logging.FORMAT_VARIABLE, "xml"), null))
                .isInstanceOf(SyncConfigException.class)
                .hasMessage("WORKSPACE_SYNC_LOG_FORMAT must be 'text' or 'json', got 'xml'");
        assertThatThrownBy(() -> Logging.configure(Map.of(Logging.LEVEL_VARIABLE, "loud"), null))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("WORKSPACE_SYNC_LOG_LEVEL")
                .hasMessageContaining("'loud'");
        // The option wins over the variable, whatever the variable says.
        Logging.configure(Map.of(Logging.FORMAT_VARIABLE, "text"), Logging.Format.JSON);
        assertThat(Logging.format()).isEqualTo(Logging.Format.JSON);
    }

    @Test
    void theDatabricksHostMetadataWarningShowsOnlyAtDebug() {
        Logger sdk = LoggerFactory.getLogger(Logging.DATABRICKS_CONFIG);
        Logging.configure(Map.of(), Logging.Format.TEXT);
        String quiet = capture(() -> {
            sdk.warn("Failed to resolve host metadata: {}. Falling back to user config.", "HTTP 404");
            sdk.warn("Another warning");
        });
        assertThat(quiet).doesNotContain("host metadata").contains("Another warning");
        Logging.verbosity(2);
        String verbose = capture(() -> sdk.warn("Failed to resolve host metadata: {}.", "HTTP 404"));
        assertThat(verbose).contains("Failed to resolve host metadata: HTTP 404");
    }
}
