package dev.workspacesync.windmill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.RetryPolicy;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SourceException;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.spi.Source;
import dev.workspacesync.windmill.internal.WindmillApi;
import dev.workspacesync.windmill.testing.Fixtures;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import dev.workspacesync.windmill.testing.WorkspaceArchive;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WindmillSourceTest {
    static final String TOKEN = "tok-s3cr3t-value";

    private static WindmillSource source(WindmillEmulator emulator, String ws, Path staging) {
        return WindmillSource.builder()
                .baseUrl(emulator.baseUrl())
                .token(Secret.of(TOKEN))
                .workspace(ws)
                .retryPolicy(new RetryPolicy(2, Duration.ZERO, Duration.ZERO))
                .stagingDirectory(staging)
                .build();
    }

    @Test
    void pullsZipAndSendsTheCliQuery(@TempDir Path tmp) {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("demo", Fixtures.fullWorkspace());
                WindmillSource source = source(emulator, "demo", tmp)) {
            Snapshot snapshot = source.snapshot();
            assertThat(snapshot.entry(SyncPath.of("f/team/etl.flow/flow.yaml"))).isPresent();
            assertThat(snapshot.entry(SyncPath.of("f/team/hello.script.lock"))).isPresent();
            assertThat(snapshot.attributes()).containsEntry("workspace", "demo");
            assertThat(snapshot.source()).isEqualTo("windmill workspace demo at " + emulator.baseUrl());
            assertThat(emulator.requests().get(0).path()).isEqualTo("/api/users/whoami");
            assertThat(emulator.requests()).anySatisfy(r -> {
                assertThat(r.path()).isEqualTo("/api/w/demo/workspaces/tarball");
                assertThat(r.query()).isEqualTo(WindmillApi.tarballQuery(WindmillPullOptions.noConfig(), "zip"));
            });
            assertThat(WindmillApi.tarballQuery(WindmillPullOptions.noConfig(), "zip"))
                    .isEqualTo(
                            "archive_type=zip&plain_secret=false&skip_variables=false&skip_resources=false&skip_secrets=false"
                                    + "&include_schedules=false&include_triggers=false&include_users=false&include_groups=false"
                                    + "&include_settings=false&include_key=false&include_workspace_dependencies=true"
                                    + "&skip_datatable_migrations=false&default_ts=bun&skip_resource_types=false"
                                    + "&settings_version=v2&preserve_extra_perms=true&sync_behavior_version=v0");
        }
        assertThat(tmp).isEmptyDirectory();
    }

    @Test
    void tarFallbackGivesTheSameTree(@TempDir Path tmp) throws Exception {
        try (WindmillEmulator zip = WindmillEmulator.start(TOKEN).workspace("demo", Fixtures.fullWorkspace());
                WindmillEmulator tar = WindmillEmulator.start(TOKEN)
                        .workspace("demo", Fixtures.fullWorkspace())
                        .zipSupported(false);
                WindmillSource a = source(zip, "demo", tmp);
                WindmillSource b = source(tar, "demo", tmp)) {
            Snapshot sa = a.snapshot();
            Snapshot sb = b.snapshot();
            assertThat(sb.entries().stream()
                            .map(e -> e.path() + "=" + e.sha256())
                            .toList())
                    .isEqualTo(sa.entries().stream()
                            .map(e -> e.path() + "=" + e.sha256())
                            .toList());
            assertThat(tar.requests()).anySatisfy(r -> assertThat(r.query()).startsWith("archive_type=tar&"));
        }
    }

    @Test
    void includeFlagsKeepSchedulesTriggersUsersGroupsSettings(@TempDir Path tmp) {
        WindmillPullOptions all =
                CliParityTest.withIncludes(WindmillPullOptions.noConfig()).withSyncBehavior("v1");
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("demo", Fixtures.fullWorkspace());
                WindmillSource source = WindmillSource.builder()
                        .baseUrl(emulator.baseUrl())
                        .token(Secret.of(TOKEN))
                        .workspace("demo")
                        .pullOptions(all)
                        .build()) {
            Snapshot snapshot = source.snapshot();
            assertThat(snapshot.entries().stream().map(e -> e.path().value()))
                    .contains(
                            "f/team/nightly.schedule.yaml",
                            "f/team/hook.http_trigger.yaml",
                            "users/admin@windmill.dev.user.yaml",
                            "groups/devs.group.yaml",
                            "settings.yaml");
        }
    }

    private static SourceException failure(WindmillEmulator emulator, String ws, Path tmp) {
        try (WindmillSource source = source(emulator, ws, tmp)) {
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(source::snapshot);
            assertThat(thrown).isInstanceOf(SourceException.class);
            assertThat(thrown.getMessage()).doesNotContain(TOKEN);
            return (SourceException) thrown;
        }
    }

    private static byte[] zipOf(String name, String content) {
        return new WorkspaceArchive().text(name, content).toZip();
    }

    @Test
    void badInputIsAClearErrorAndNoSnapshot(@TempDir Path tmp) throws Exception {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN)) {
            emulator.rawArchive("slip", zipOf("f/a/../../../etc/passwd.py", "x"));
            assertThat(failure(emulator, "slip", tmp))
                    .hasMessageContaining("unsafe entry")
                    .hasMessageContaining("..");
            emulator.rawArchive("abs", zipOf("/etc/passwd.py", "x"));
            assertThat(failure(emulator, "abs", tmp)).hasMessageContaining("absolute");
            byte[] full = Fixtures.fullWorkspace().toZip();
            emulator.rawArchive("truncated", Arrays.copyOf(full, full.length / 2));
            assertThat(failure(emulator, "truncated", tmp)).hasMessageContaining("truncated");
            byte[] tar = Fixtures.fullWorkspace().toTar();
            emulator.rawArchive("truncatedtar", Arrays.copyOf(tar, tar.length / 2))
                    .zipSupported(true);
            emulator.rawArchive("dup", duplicateZip());
            assertThat(failure(emulator, "dup", tmp)).hasMessageContaining("twice");
            assertThat(failure(emulator, "missing", tmp)).hasMessageContaining("workspace 'missing' was not found");
        }
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("demo", Fixtures.fullWorkspace());
                WindmillSource source = WindmillSource.builder()
                        .baseUrl(emulator.baseUrl())
                        .token(Secret.of(TOKEN))
                        .workspace("demo")
                        .maxArchiveBytes(1000)
                        .stagingDirectory(tmp)
                        .build()) {
            assertThatThrownBy(source::snapshot)
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("the total uncompressed size reached ")
                    .hasMessageContaining("over the limit of 1,000 bytes")
                    .hasMessageContaining("raise windmill.max-archive-bytes");
        }
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("demo", Fixtures.fullWorkspace());
                WindmillSource source = WindmillSource.builder()
                        .baseUrl(emulator.baseUrl())
                        .token(Secret.of(TOKEN))
                        .workspace("demo")
                        .maxEntries(5)
                        .stagingDirectory(tmp)
                        .build()) {
            assertThatThrownBy(source::snapshot)
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("the number of entries reached 6")
                    .hasMessageContaining("raise windmill.max-entries");
        }
        try (WindmillEmulator emulator =
                WindmillEmulator.start("other-token").workspace("demo", Fixtures.fullWorkspace())) {
            assertThat(failure(emulator, "demo", tmp))
                    .hasMessageStartingWith("Windmill rejected the token for " + emulator.baseUrl() + " (HTTP 401)")
                    .hasMessageContaining("WINDMILL_TOKEN");
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (WindmillSource down = WindmillSource.builder()
                .baseUrl("http://127.0.0.1:" + port)
                .token(Secret.of(TOKEN))
                .workspace("demo")
                .retryPolicy(RetryPolicy.none())
                .stagingDirectory(tmp)
                .build()) {
            assertThatThrownBy(down::snapshot)
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("Cannot reach Windmill at http://127.0.0.1:" + port);
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left)
                    .as("staging directories are removed after a failure")
                    .isEmpty();
        }
    }

    @Test
    void truncatedTarIsRejected(@TempDir Path tmp) {
        byte[] tar = Fixtures.fullWorkspace().toTar();
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).zipSupported(false)) {
            emulator.rawArchive("t", Arrays.copyOf(tar, tar.length - 2048));
            assertThat(failure(emulator, "t", tmp)).hasMessageContaining("truncated");
        }
    }

    @Test
    void transientFailuresAreRetried(@TempDir Path tmp) {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("demo", Fixtures.fullWorkspace());
                WindmillSource source = source(emulator, "demo", tmp)) {
            emulator.failNext(1, 503);
            assertThat(source.snapshot().size()).isGreaterThan(10);
        }
    }

    private static byte[] duplicateZip() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // java.util.zip refuses duplicate names, so write the second entry's name with a "./" prefix.
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
            for (String name : List.of("f/a/x.py", "./f/a/x.py")) {
                zip.putNextEntry(new java.util.zip.ZipEntry(name));
                zip.write("x".getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void providerIsDiscoveredAndMapsSettings() {
        ProviderRegistry registry = ProviderRegistry.discover();
        assertThat(registry.source("windmill")).isPresent();
        var provider = registry.source("windmill").orElseThrow();
        SyncSettings settings = SyncSettings.of(Map.of(
                        "windmill.token",
                        TOKEN,
                        "windmill.workspace",
                        "ops",
                        "windmill.include-schedules",
                        "true",
                        "windmill.includes",
                        "f/**"))
                .validate(provider.settings());
        try (Source source = provider.create(settings)) {
            assertThat(source.describe()).isEqualTo("windmill workspace ops at http://windmill_server:8000");
            assertThat(((WindmillSource) source).pullOptions().has(WindmillPullOptions.Flag.INCLUDE_SCHEDULES))
                    .isTrue();
            assertThat(((WindmillSource) source).pullOptions().includes()).containsExactly("f/**");
            assertThat(source.secrets()).containsExactly(Secret.of(TOKEN));
        }
        assertThatThrownBy(() -> WindmillSource.builder().workspace("../x").build())
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("windmill.token")
                .hasMessageContaining("windmill.workspace");
    }

    @Test
    void noSecretInLogsMessagesOrFiles(@TempDir Path tmp) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        StringBuilder everything = new StringBuilder();
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("demo", Fixtures.fullWorkspace());
                WindmillSource source = source(emulator, "demo", tmp)) {
            Snapshot snapshot = source.snapshot();
            everything
                    .append(snapshot)
                    .append(snapshot.source())
                    .append(snapshot.attributes())
                    .append(source);
            for (SnapshotEntry e : snapshot.entries()) {
                try (var in = e.open()) {
                    everything.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            emulator.requests().forEach(r -> everything.append(r.path()).append(r.query()));
            try (WindmillSource bad = source(emulator, "nope", tmp)) {
                everything.append(org.assertj.core.api.Assertions.catchThrowable(bad::snapshot)
                        .getMessage());
            }
        } finally {
            System.setErr(original);
        }
        everything.append(captured.toString(StandardCharsets.UTF_8));
        assertThat(everything.toString()).contains("Pulled").doesNotContain(TOKEN);
    }

    @Test
    void cliModeRunsTheRealCliWithTheTokenInTheEnvironment(@TempDir Path tmp) {
        assumeTrue(WmillJudge.available(), "wmill is installed by the Maven build");
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("demo", Fixtures.fullWorkspace());
                WindmillSource api = source(emulator, "demo", tmp.resolve("a"));
                WindmillSource cli = WindmillSource.builder()
                        .baseUrl(emulator.baseUrl())
                        .token(Secret.of(TOKEN))
                        .workspace("demo")
                        .mode(WindmillSource.Mode.CLI)
                        .cliExecutable(WmillJudge.WMILL.toString())
                        .stagingDirectory(tmp.resolve("c"))
                        .build()) {
            Snapshot fromCli = cli.snapshot();
            Snapshot fromApi = api.snapshot();
            List<String> cliPaths =
                    fromCli.entries().stream().map(e -> e.path().value()).toList();
            assertThat(cliPaths)
                    .isEqualTo(fromApi.entries().stream()
                            .map(e -> e.path().value())
                            .toList());
            assertThat(emulator.requests())
                    .allSatisfy(
                            r -> assertThat(r.query() == null ? "" : r.query()).doesNotContain(TOKEN));
        }
        try (WindmillSource missing = WindmillSource.builder()
                .baseUrl("http://127.0.0.1:9")
                .token(Secret.of(TOKEN))
                .workspace("demo")
                .mode(WindmillSource.Mode.CLI)
                .cliExecutable("wmill-definitely-missing")
                .stagingDirectory(tmp.resolve("m"))
                .build()) {
            assertThatThrownBy(missing::snapshot)
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("npm install -g windmill-cli@1.819.0");
        }
    }

    @Test
    void cliModeAppliesWmillYamlAndRedactsFailures(@TempDir Path tmp) throws Exception {
        assumeTrue(WmillJudge.available(), "wmill is installed by the Maven build");
        Path wmillYaml = tmp.resolve("wmill.yaml");
        Files.writeString(wmillYaml, CliParityTest.INIT_WMILL_YAML);
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("demo", Fixtures.fullWorkspace());
                WindmillSource api = WindmillSource.builder()
                        .baseUrl(emulator.baseUrl())
                        .token(Secret.of(TOKEN))
                        .workspace("demo")
                        .wmillYaml(wmillYaml)
                        .stagingDirectory(tmp.resolve("a"))
                        .build();
                WindmillSource cli = WindmillSource.builder()
                        .baseUrl(emulator.baseUrl())
                        .token(Secret.of(TOKEN))
                        .workspace("demo")
                        .wmillYaml(wmillYaml)
                        .mode(WindmillSource.Mode.CLI)
                        .cliExecutable(WmillJudge.WMILL.toString())
                        .stagingDirectory(tmp.resolve("c"))
                        .build()) {
            assertThat(api.pullOptions()).isEqualTo(WindmillPullOptions.initDefaults());
            List<String> fromCli =
                    cli.snapshot().entries().stream().map(e -> e.path().value()).toList();
            assertThat(fromCli).contains("f/team/etl__flow/flow.yaml").doesNotContain("wmill.yaml");
            assertThat(fromCli)
                    .isEqualTo(api.snapshot().entries().stream()
                            .map(e -> e.path().value())
                            .toList());
        }
        try (WindmillEmulator emulator =
                        WindmillEmulator.start("another-token").workspace("demo", Fixtures.fullWorkspace());
                WindmillSource cli = WindmillSource.builder()
                        .baseUrl(emulator.baseUrl())
                        .token(Secret.of(TOKEN))
                        .workspace("demo")
                        .mode(WindmillSource.Mode.CLI)
                        .cliExecutable(WmillJudge.WMILL.toString())
                        .cliTimeout(Duration.ofMinutes(2))
                        .stagingDirectory(tmp.resolve("f"))
                        .build()) {
            assertThatThrownBy(cli::snapshot)
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("wmill sync pull failed")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
        }
        try (Stream<Path> left = Files.list(tmp.resolve("f"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void cliModeTurnsSettingsIntoAWmillYaml(@TempDir Path tmp) throws Exception {
        cliModeMatchesApiMode(
                tmp, CliParityTest.withIncludes(WindmillPullOptions.initDefaults()), "groups/ops.group.yaml");
    }

    @Test
    void cliModeWithExcludesOnly(@TempDir Path tmp) throws Exception {
        // The CLI reads `includes: []` as "a list nothing matches": the generated file must leave it out.
        Map<String, String> pulled = cliModeMatchesApiMode(
                tmp,
                WindmillPullOptions.noConfig().withGlobs(List.of(), List.of("f/edge/multi*"), List.of()),
                "f/edge/tricky.resource.yaml");
        assertThat(pulled).doesNotContainKey("f/edge/multi.variable.yaml");
    }

    /** Pulls in both modes, checks they agree and hold {@code expected}; returns path to digest. */
    private static Map<String, String> cliModeMatchesApiMode(Path tmp, WindmillPullOptions options, String expected)
            throws Exception {
        assumeTrue(WmillJudge.available(), "wmill is installed by the Maven build");
        Path generated = tmp.resolve("generated.yaml");
        Files.writeString(generated, options.toWmillYaml());
        assertThat(WindmillPullOptions.fromWmillYaml(generated)).isEqualTo(options);
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("demo", Fixtures.edgeCases());
                WindmillSource api = WindmillSource.builder()
                        .baseUrl(emulator.baseUrl())
                        .token(Secret.of(TOKEN))
                        .workspace("demo")
                        .pullOptions(options)
                        .stagingDirectory(tmp.resolve("a"))
                        .build();
                WindmillSource cli = WindmillSource.builder()
                        .baseUrl(emulator.baseUrl())
                        .token(Secret.of(TOKEN))
                        .workspace("demo")
                        .pullOptions(options)
                        .mode(WindmillSource.Mode.CLI)
                        .cliExecutable(WmillJudge.WMILL.toString())
                        .stagingDirectory(tmp.resolve("c"))
                        .build()) {
            Map<String, String> fromCli = new java.util.TreeMap<>();
            for (SnapshotEntry e : cli.snapshot().entries()) {
                fromCli.put(e.path().value(), e.sha256());
            }
            Map<String, String> fromApi = new java.util.TreeMap<>();
            for (SnapshotEntry e : api.snapshot().entries()) {
                fromApi.put(e.path().value(), e.sha256());
            }
            assertThat(fromCli).containsKey(expected).isEqualTo(fromApi);
            return fromCli;
        }
    }
}
