package dev.workspacesync.databricks;

import static dev.workspacesync.databricks.testing.WorkspaceEmulator.Fault.kind;
import static org.assertj.core.api.Assertions.assertThat;

import dev.workspacesync.core.DestinationException;
import dev.workspacesync.core.RetryPolicy;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncPipeline;
import dev.workspacesync.core.SyncPlan;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncStatus;
import dev.workspacesync.core.spi.Destination;
import dev.workspacesync.core.testing.CapturedOutput;
import dev.workspacesync.core.testing.InMemorySource;
import dev.workspacesync.databricks.testing.WorkspaceEmulator;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.Fault;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.Kind;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens never appear in logs, exception messages, reports or state files. */
class SecretLeakTest {
    static final String TOKEN = "dapi-SECRET-5f2b9c1e7a";
    static final String WRONG = "dapi-WRONG-SECRET-0b1d";
    static final String ENV_TOKEN = "dapi-ENV-SECRET-77aa";

    @TempDir
    Path stateDir;

    @Test
    void tokensNeverLeak() throws IOException {
        List<String> texts = new ArrayList<>();
        try (WorkspaceEmulator emulator = WorkspaceEmulator.start(TOKEN);
                CapturedOutput output = new CapturedOutput()) {
            InMemorySource source = new InMemorySource("leak").put("a.txt", "a").put("b/c.py", "# x\n");
            // A wrong token: 401 on every call.
            DatabricksWorkspaceDestination wrong = builder(emulator, WRONG).build();
            SyncReport refused = run(source, wrong);
            assertThat(refused.status()).isEqualTo(SyncStatus.FAILED);
            collect(texts, refused);
            // The raw exception, before any redaction by the pipeline.
            try {
                Destination raw = builder(emulator, WRONG).build();
                SyncPlan plan = raw.plan(source.snapshot());
                raw.apply(plan, Destination.Progress.NONE);
            } catch (DestinationException e) {
                texts.add(stackTrace(e));
            }
            // The right token, with faults on the way and a permanent failure.
            emulator.inject(Fault.rateLimited(kind(Kind.IMPORT_FILE), 3, 0))
                    .inject(Fault.internalError(kind(Kind.IMPORT_FILE, "c.py"), 100));
            DatabricksWorkspaceDestination right = builder(emulator, TOKEN)
                    .environment(Map.of("DATABRICKS_TOKEN", ENV_TOKEN, "DATABRICKS_HOST", emulator.host()))
                    .build();
            SyncReport failed = run(source, right);
            assertThat(failed.status()).isEqualTo(SyncStatus.FAILED);
            collect(texts, failed);
            texts.add(right.target());
            texts.add(right.toString());
            // The environment's token, when it is the one used.
            DatabricksWorkspaceDestination fromEnv = DatabricksWorkspaceDestination.builder()
                    .environment(Map.of("DATABRICKS_TOKEN", ENV_TOKEN, "DATABRICKS_HOST", emulator.host()))
                    .root("/Users/alice@example.com/env")
                    .stateDirectory(stateDir)
                    .build();
            assertThat(fromEnv.secrets()).contains(Secret.of(ENV_TOKEN));
            collect(texts, run(source, fromEnv));
            texts.add(output.text());
        }
        try (Stream<Path> files = Files.walk(stateDir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                texts.add(Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        assertThat(texts).isNotEmpty();
        for (String text : texts) {
            assertThat(text).doesNotContain(TOKEN).doesNotContain(WRONG).doesNotContain(ENV_TOKEN);
        }
    }

    @Test
    void oauthSecretsAndIssuedTokensNeverLeak() {
        List<String> texts = new ArrayList<>();
        List<String> secrets = new ArrayList<>(List.of("sp-SECRET-value-91"));
        try (WorkspaceEmulator emulator = WorkspaceEmulator.start(TOKEN);
                CapturedOutput output = new CapturedOutput()) {
            emulator.oauthClient("sp-1", "sp-SECRET-value-91");
            emulator.inject(Fault.internalError(kind(Kind.IMPORT_FILE, "b.txt"), 100));
            InMemorySource source =
                    new InMemorySource("oauth").put("a.txt", "a").put("b.txt", "b");
            DatabricksWorkspaceDestination destination = DatabricksWorkspaceDestination.builder()
                    .host(emulator.host())
                    .oauth("sp-1", Secret.of("sp-SECRET-value-91"))
                    .root("/Users/alice@example.com/oauth")
                    .environment(Map.of())
                    .stateDirectory(stateDir)
                    .retryPolicy(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(5)))
                    .build();
            SyncReport report = run(source, destination);
            assertThat(report.status()).isEqualTo(SyncStatus.FAILED);
            collect(texts, report);
            DatabricksWorkspaceDestination wrong = DatabricksWorkspaceDestination.builder()
                    .host(emulator.host())
                    .oauth("sp-1", Secret.of("sp-WRONG-secret-33"))
                    .root("/Users/alice@example.com/oauth2")
                    .environment(Map.of())
                    .stateDirectory(stateDir)
                    .build();
            secrets.add("sp-WRONG-secret-33");
            collect(texts, run(source, wrong));
            secrets.addAll(emulator.issuedTokens());
            assertThat(emulator.issuedTokens()).isNotEmpty();
            texts.add(output.text());
        }
        for (String text : texts) {
            for (String secret : secrets) {
                assertThat(text).doesNotContain(secret);
            }
        }
    }

    private DatabricksWorkspaceDestination.Builder builder(WorkspaceEmulator emulator, String token) {
        return DatabricksWorkspaceDestination.builder()
                .host(emulator.host())
                .token(Secret.of(token))
                .root("/Users/alice@example.com/leak")
                .environment(Map.of())
                .stateDirectory(stateDir)
                .retryPolicy(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5)));
    }

    private static SyncReport run(InMemorySource source, Destination destination) {
        try (SyncPipeline pipeline =
                SyncPipeline.builder().source(source).destination(destination).build()) {
            return pipeline.run();
        }
    }

    private static void collect(List<String> texts, SyncReport report) {
        texts.add(report.message());
        texts.add(String.valueOf(report));
        report.destinations().forEach(d -> {
            texts.add(d.message());
            if (d.cause() != null) {
                texts.add(stackTrace(d.cause()));
            }
        });
    }

    private static String stackTrace(Throwable e) {
        StringWriter out = new StringWriter();
        e.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
