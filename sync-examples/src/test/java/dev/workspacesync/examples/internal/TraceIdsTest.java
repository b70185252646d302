package dev.workspacesync.examples.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceIdsTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @Test
    void takesTheTraceIdOfAValidTraceparentBeforeARequestId() {
        assertThat(TraceIds.of("00-" + TRACE + "-00f067aa0ba902b7-01", "req-1")).isEqualTo(TRACE);
        // A later version may append fields (W3C: parse the known ones).
        assertThat(TraceIds.of("01-" + TRACE + "-00f067aa0ba902b7-00-extra", null))
                .isEqualTo(TRACE);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "00-" + TRACE + "-00f067aa0ba902b7-01-extra", // version 00 has exactly four parts
                "ff-" + TRACE + "-00f067aa0ba902b7-01", // version ff is invalid
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // all-zero trace-id
                "00-" + TRACE + "-0000000000000000-01", // all-zero parent-id
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // upper case
                "00-" + TRACE + "-00f067aa0ba902b7",
                "garbage\r\nX-Injected: 1"
            })
    void aMalformedTraceparentFallsBackToTheRequestIdOrANewId(String traceparent) {
        assertThat(TraceIds.of(traceparent, "req-1")).isEqualTo("req-1");
        assertThat(TraceIds.of(traceparent, null)).matches("[0-9a-f]{32}").isNotEqualTo(TRACE);
    }

    @Test
    void aSafeRequestIdIsTakenAndAnythingElseReplaced() {
        assertThat(TraceIds.of(null, "  build-42.step:7_a  ")).isEqualTo("build-42.step:7_a");
        assertThat(TraceIds.of(null, "x".repeat(TraceIds.MAX_REQUEST_ID))).hasSize(TraceIds.MAX_REQUEST_ID);
        for (String hostile : new String[] {
            "x".repeat(TraceIds.MAX_REQUEST_ID + 1), "a b", "id\"}{\"level\":\"ERROR", "id\nforged line", "", "ü"
        }) {
            assertThat(TraceIds.of(null, hostile)).as(hostile).matches("[0-9a-f]{32}");
        }
        assertThat(TraceIds.of(null, null)).matches("[0-9a-f]{32}").isNotEqualTo(TraceIds.of(null, null));
    }
}
