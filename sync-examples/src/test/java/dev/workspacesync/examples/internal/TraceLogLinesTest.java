package dev.workspacesync.examples.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A sync's trace id in both log formats, and nothing of it outside a sync. */
class TraceLogLinesTest {
    private static final Logger LOG = LoggerFactory.getLogger("dev.workspacesync.test.TraceLogLinesTest");

    @AfterEach
    void reset() {
        Logging.configure(Map.of(), Logging.Format.TEXT);
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

    private static void logBoth() {
        LOG.warn("outside");
        try (var traced = TraceIds.inContext("deploy-42.step:3")) {
            LOG.warn("inside");
        }
    }

    @Test
    void textLinesShowTheIdBeforeTheMessage() {
        Logging.configure(Map.of(), Logging.Format.TEXT);
        String[] lines = capture(TraceLogLinesTest::logBoth).split("\n");
        assertThat(lines[0]).endsWith("TraceLogLinesTest - outside");
        assertThat(lines[1]).endsWith("TraceLogLinesTest - [deploy-42.step:3] inside");
    }

    @Test
    void jsonLinesHaveATraceIdMember() throws Exception {
        Logging.configure(Map.of(), Logging.Format.JSON);
        String[] lines = capture(TraceLogLinesTest::logBoth).split("\n");
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(lines[0]).has("traceId")).isFalse();
        assertThat(json.readTree(lines[1]).path("traceId").asText()).isEqualTo("deploy-42.step:3");
        assertThat(json.readTree(lines[1]).path("message").asText()).isEqualTo("inside");
    }
}
