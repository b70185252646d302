package dev.workspacesync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.testing.CapturedOutput;
import dev.workspacesync.core.testing.InMemoryDestination;
import dev.workspacesync.core.testing.InMemorySource;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {
    private static final String TOKEN = "tok+en/with=chars&1234567890";
    private static final String PASSWORD = "hunter2-password";

    @Test
    void scrubsRawAndUrlEncodedValues() {
        Redactor redactor = Redactor.of(List.of(Secret.of(TOKEN), Secret.of(PASSWORD)));
        String encoded = URLEncoder.encode(TOKEN, StandardCharsets.UTF_8);
        assertThat(redactor.redact("auth " + TOKEN + " url ?t=" + encoded + " pw " + PASSWORD))
                .isEqualTo("auth **** url ?t=**** pw ****");
        assertThat(redactor.redact((String) null)).isNull();
        assertThat(Redactor.none().redact("x " + TOKEN)).isEqualTo("x " + TOKEN);
    }

    @Test
    void aSecretContainingAnotherIsRemovedWhole() {
        Redactor redactor = Redactor.of(List.of(Secret.of("abcd"), Secret.of("xxabcdyy")));
        assertThat(redactor.redact("[xxabcdyy] [abcd]")).isEqualTo("[****] [****]");
    }

    @Test
    void scrubsWholeCauseChainsAndKeepsTypesAndStackTraces() {
        IOException root = new IOException("401 for https://user:" + TOKEN + "@git.example.invalid/repo");
        SyncException wrapped = new DestinationException("push failed: " + TOKEN, new UncheckedIOException(root));
        SyncException redacted = Redactor.of(List.of(Secret.of(TOKEN))).redact(wrapped);
        assertThat(redacted.getMessage()).isEqualTo("push failed: ****");
        assertThat(redacted.getCause().getMessage())
                .isEqualTo(
                        "java.io.UncheckedIOException: java.io.IOException: 401 for https://user:****@git.example.invalid/repo");
        assertThat(redacted.getCause().getCause().getMessage())
                .isEqualTo("java.io.IOException: 401 for https://user:****@git.example.invalid/repo");
        assertThat(redacted.getStackTrace()).isEqualTo(wrapped.getStackTrace());
        assertThat(stackTrace(redacted)).doesNotContain(TOKEN);
        assertThat(redacted).isInstanceOf(DestinationException.class);
    }

    @Test
    void keepsTheExceptionTypeAndRetryability() {
        Redactor redactor = Redactor.of(List.of(Secret.of(TOKEN)));
        SyncException source = redactor.redact(
                SourceException.transientFailure("429 for " + TOKEN, null, java.time.Duration.ofSeconds(3)));
        assertThat(source).isInstanceOf(SourceException.class).hasMessage("429 for ****");
        assertThat(source.isRetryable()).isTrue();
        assertThat(source.retryAfter()).contains(java.time.Duration.ofSeconds(3));
        assertThat(redactor.redact(new SyncConfigException("bad " + TOKEN)))
                .isInstanceOf(SyncConfigException.class)
                .hasMessage("bad ****");
    }

    @Test
    void secretsNeverPrintThemselves() {
        Secret secret = Secret.of(TOKEN);
        assertThat(secret.toString()).isEqualTo("****");
        assertThat(String.valueOf(List.of(secret))).doesNotContain(TOKEN);
        assertThat(secret.matches(TOKEN)).isTrue();
        assertThat(secret.matches(TOKEN + "x")).isFalse();
        assertThat(secret.matches(null)).isFalse();
        assertThatThrownBy(() -> Secret.of(" ")).hasMessage("a secret must not be empty");
    }

    /**
     * Secrets known to a source and a destination leak through nothing a pipeline produces: not the
     * report, not the destination reports, not the causes or their stack traces, not a log line.
     */
    @Test
    void noSecretReachesAReportAnExceptionOrALogLine() {
        InMemorySource failingSource = new InMemorySource("s")
                .secret(Secret.of(TOKEN))
                .failWith(() -> new SourceException(
                        "GET https://api.invalid/whoami?token=" + URLEncoder.encode(TOKEN, StandardCharsets.UTF_8)
                                + " failed",
                        new IOException("Authorization: Bearer " + TOKEN)));
        InMemorySource source = new InMemorySource("s").secret(Secret.of(TOKEN)).put("a.txt", "a");
        InMemoryDestination destination = new InMemoryDestination("d")
                .secret(Secret.of(PASSWORD))
                .failOn(p -> true)
                .failPlanWith(null);
        InMemoryDestination planFails = new InMemoryDestination("p")
                .failPlanWith(new DestinationException("cannot read state with " + PASSWORD + " and " + TOKEN));
        try (CapturedOutput out = new CapturedOutput()) {
            List<SyncReport> reports = List.of(
                    SyncPipeline.builder()
                            .source(failingSource)
                            .destination(destination)
                            .retryPolicy(RetryPolicy.none())
                            .build()
                            .run(),
                    SyncPipeline.builder()
                            .source(source)
                            .destination(new InMemoryDestination("ok").failOn(p -> {
                                throw new IllegalStateException("disk full writing " + PASSWORD);
                            }))
                            .destination(destination)
                            .destination(planFails)
                            .secrets(List.of(Secret.of(PASSWORD)))
                            .retryPolicy(RetryPolicy.none())
                            .build()
                            .run());
            for (SyncReport report : reports) {
                assertThat(report.status()).isEqualTo(SyncStatus.FAILED);
                assertNoSecret(report.message());
                assertNoSecret(String.valueOf(report));
                if (report.cause() != null) {
                    assertNoSecret(stackTrace(report.cause()));
                }
                for (DestinationReport d : report.destinations()) {
                    assertNoSecret(d.message());
                    if (d.cause() != null) {
                        assertNoSecret(stackTrace(d.cause()));
                    }
                }
            }
            assertThat(reports.get(1).destinations().get(0).message()).isEqualTo("disk full writing ****");
            assertThat(out.text()).contains("WARN").contains("****");
            assertNoSecret(out.text());
        }
    }

    private static void assertNoSecret(String text) {
        assertThat(text).doesNotContain(TOKEN, PASSWORD, URLEncoder.encode(TOKEN, StandardCharsets.UTF_8));
    }

    private static String stackTrace(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
