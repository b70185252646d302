package dev.workspacesync.windmill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.workspacesync.core.Deadline;
import dev.workspacesync.core.Endpoint;
import dev.workspacesync.core.Redactor;
import dev.workspacesync.core.RetryPolicy;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SourceException;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.spi.Source;
import dev.workspacesync.windmill.internal.ArchiveReader;
import dev.workspacesync.windmill.internal.PullTransformer;
import dev.workspacesync.windmill.internal.SharedLocks;
import dev.workspacesync.windmill.internal.StagingDir;
import dev.workspacesync.windmill.internal.WindmillApi;
import dev.workspacesync.windmill.internal.WindmillAttribution;
import dev.workspacesync.windmill.internal.WmillCli;
import dev.workspacesync.windmill.internal.WmillLock;
import dev.workspacesync.windmill.internal.WorkspaceSpecific;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Windmill workspace as a {@link Source}: the tree {@code wmill sync pull} (windmill-cli 1.819.0) would
 * write into an empty directory, so that {@code wmill sync push} restores it and switching between this
 * library and the CLI creates no churn.
 *
 * <p>Two modes. {@link Mode#API} (the default, pure Java, no Node): {@code GET /api/users/whoami}, then the
 * workspace archive ({@code /api/w/{ws}/workspaces/tarball}, zip with the tar fallback), the file resource
 * type map and the shared UI files, transformed as the CLI does (JSON to YAML in the CLI's key order and
 * quoting, inline scripts of flows and apps extracted, lock files, dotted or non-dotted layouts, the CLI's
 * filters). The archive is streamed to a staging directory and checked entry by entry before anything is
 * transformed: every name a {@link SyncPath}, no duplicates, and limits on the entry count, the bytes of
 * one entry and of the whole archive and the compression ratio, counted on the bytes actually inflated
 * (never the sizes the archive declares). A failure of any kind, an {@link Error} included, removes the
 * staging directory and throws ({@link SourceException} for everything but an Error other than
 * OutOfMemoryError), and produces no snapshot. HTTP calls are retried within an overall deadline. {@link Mode#CLI} runs the real {@code wmill sync
 * pull --yes} in a staging directory, with the token passed through the environment ({@code WM_TOKEN}, never
 * on the command line) and an isolated config directory.
 *
 * <p>API mode also writes {@code wmill-lock.yaml} as the CLI leaves it after a pull (lock format v2, a content
 * hash per script, module file, flow and app), so running the CLI in a backup repository finds nothing stale.
 * dbt projects land in {@code <path>__dbt/} without dbt's generated directories and local secret files, as
 * the CLI writes them; with {@code dedupeLockfiles} the locks scripts share move to {@code locks/};
 * workspace-specific items ({@code workspaces.<name>.specificItems} of the {@code wmill.yaml}, and the items the
 * server flags) are written as {@code x.<workspace>.variable.yaml} and so on, and the selected workspace
 * entry's {@code overrides} apply. The entry is the one named after the workspace id, or the one whose
 * {@code baseUrl} and {@code workspaceId} match (never a git branch: a backup does not run in a checkout).
 * All of it is checked against the real CLI (windmill-cli 1.819.0) in the module's tests: same paths, same
 * bytes.
 *
 * <pre>{@code
 * try (WindmillSource source = WindmillSource.builder()
 *         .baseUrl("http://windmill_server:8000")
 *         .token(Secret.of(System.getenv("WINDMILL_TOKEN")))
 *         .workspace("admins")
 *         .build()) {
 *     Snapshot snapshot = source.snapshot();
 * }
 * }</pre>
 */
public final class WindmillSource implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(WindmillSource.class);

    /** The setting of the overall deadline of a pull's HTTP calls, retries included. */
    static final String DEADLINE_KEY = "windmill.deadline";

    /** How the workspace is read. */
    public enum Mode {
        /** HTTP API and a Java re-implementation of the CLI's transformations. */
        API,
        /** The real {@code wmill} CLI. */
        CLI
    }

    private final String baseUrl;
    private final Secret token;
    private final String workspace;
    private final Mode mode;
    private final String cliExecutable;
    private final WindmillPullOptions pullOptions;
    private final Path wmillYaml;
    private final RetryPolicy retry;
    private final Duration timeout;
    private final Duration cliTimeout;
    private final ArchiveReader.Limits limits;
    private final Duration deadline;
    private final Path stagingParent;
    private final Redactor redactor;
    private final boolean attribution;
    private final String authorEmailDomain;
    private StagingDir staging;

    private WindmillSource(Builder b) {
        List<String> problems = new ArrayList<>();
        Endpoint base = null;
        if (b.baseUrl == null || b.baseUrl.isBlank()) {
            problems.add("windmill.base-url is required");
        } else {
            // Endpoint, not java.net.URI: Compose hosts (windmill_server) have no URI host; credentials in the
            // URL are refused by name, never echoed.
            try {
                base = Endpoint.parse("windmill.base-url", b.baseUrl)
                        .requireHttp("windmill.base-url")
                        .refuseUserInfo("windmill.base-url", "windmill.token (WINDMILL_TOKEN)");
            } catch (SyncConfigException e) {
                problems.addAll(e.problems());
            }
        }
        if (b.token == null || b.token.reveal().isEmpty()) {
            problems.add("windmill.token is required: set WINDMILL_TOKEN (or windmill.token) to a Windmill token");
        }
        if (b.workspace == null || !b.workspace.matches("[A-Za-z0-9_-]+")) {
            problems.add("windmill.workspace must be a workspace id (letters, digits, '-' and '_')");
        }
        if (!problems.isEmpty()) {
            throw new SyncConfigException(problems);
        }
        this.baseUrl = base.withPath("").display();
        this.token = b.token;
        this.workspace = b.workspace;
        this.mode = b.mode;
        this.cliExecutable = b.cliExecutable;
        this.wmillYaml = b.wmillYaml;
        this.pullOptions = b.pullOptions != null
                ? b.pullOptions
                : b.wmillYaml != null ? WindmillPullOptions.fromWmillYaml(b.wmillYaml) : WindmillPullOptions.noConfig();
        this.retry = b.retry;
        this.timeout = b.timeout;
        this.cliTimeout = b.cliTimeout;
        this.limits = new ArchiveReader.Limits(b.maxArchiveBytes, b.maxEntryBytes, b.maxEntries, b.maxCompressionRatio);
        this.deadline = b.deadline;
        this.stagingParent = b.stagingParent;
        this.redactor = Redactor.of(List.of(token));
        this.attribution = b.attribution;
        this.authorEmailDomain = b.authorEmailDomain != null ? b.authorEmailDomain : base.host();
    }

    /** A builder; base URL, token and workspace are required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String type() {
        return "windmill";
    }

    @Override
    public String describe() {
        return "windmill workspace " + workspace + " at " + baseUrl;
    }

    @Override
    public Collection<Secret> secrets() {
        return List.of(token);
    }

    /** The server, without a trailing slash. */
    String baseUrl() {
        return baseUrl;
    }

    /** The token (for the destination that writes where this source reads). */
    Secret token() {
        return token;
    }

    /** The workspace id. */
    String workspace() {
        return workspace;
    }

    /** The overall deadline of the HTTP calls of one pull. */
    Duration deadline() {
        return deadline;
    }

    /** The options the pull applies. */
    public WindmillPullOptions pullOptions() {
        return pullOptions;
    }

    /**
     * The token, the workspace and the export, with GET requests only ({@code users/whoami}, the workspace's
     * {@code users/whoami}, the first bytes of {@code workspaces/tarball}), within {@code windmill.deadline}.
     */
    @Override
    public List<dev.workspacesync.core.Check> check() {
        WindmillApi api = new WindmillApi(baseUrl, token, workspace, timeout, RetryPolicy.none())
                .withDeadline(Deadline.after(deadline), DEADLINE_KEY);
        return new dev.workspacesync.windmill.internal.WorkspaceChecks(
                        api, baseUrl, workspace, WindmillApi.tarballQuery(pullOptions, "zip"), redactor)
                .run();
    }

    @Override
    public synchronized Snapshot snapshot() {
        discardStaging();
        StagingDir fresh = StagingDir.create(stagingParent, "windmill-" + workspace + "-");
        try {
            Path tree = fresh.path().resolve("tree");
            Files.createDirectories(tree);
            Instant started = Instant.now();
            if (mode == Mode.API) {
                pullWithApi(fresh.path(), tree);
            } else {
                new WmillCli(cliExecutable, baseUrl, token, workspace, cliTimeout, redactor)
                        .pull(fresh.path().resolve("home"), tree, cliConfig(fresh.path()));
            }
            List<SnapshotEntry> entries = entries(tree, mode == Mode.CLI);
            staging = fresh;
            Map<String, String> attributes = new HashMap<>();
            attributes.put("workspace", workspace);
            attributes.put("baseUrl", baseUrl);
            attributes.put("mode", mode.name().toLowerCase(java.util.Locale.ROOT));
            Snapshot snapshot = new Snapshot(describe(), null, started, attributes, entries);
            if (attribution) {
                // Read only if a destination asks, for the items it changes (see WindmillAttribution).
                snapshot = snapshot.withAttribution(new WindmillAttribution(
                        () -> new WindmillApi(baseUrl, token, workspace, timeout, retry)
                                .withDeadline(Deadline.after(deadline), DEADLINE_KEY),
                        authorEmailDomain));
            }
            LOG.info("Pulled {} files from {}", snapshot.size(), describe());
            return snapshot;
        } catch (SourceException e) {
            fresh.close();
            // Redactor.redact(Throwable) would turn it into a plain SyncException; keep the type instead.
            String message = String.valueOf(e.getMessage());
            if (message.contains(token.reveal())) {
                throw new SourceException(redactor.redact(message), e.getCause());
            }
            throw e;
        } catch (IOException | RuntimeException e) {
            fresh.close();
            throw new SourceException(
                    redactor.redact(
                            "Cannot pull " + describe() + ": " + e.getClass().getSimpleName() + " " + e.getMessage()),
                    e);
        } catch (OutOfMemoryError e) {
            fresh.close();
            // The archive checks keep bad input from getting here; say what to change if a real one does.
            throw new SourceException(
                    "Ran out of memory pulling " + describe() + " (java -Xmx sets the heap; "
                            + ArchiveReader.Limits.ENTRY_KEY + " and " + ArchiveReader.Limits.ARCHIVE_KEY
                            + " bound what an archive may expand to)",
                    e);
        } catch (Error e) {
            fresh.close();
            throw e;
        }
    }

    /**
     * The {@code wmill.yaml} for CLI mode: the given file when the options come from it unchanged, a file
     * generated from the options when they were set otherwise, or none (the CLI's no-config behaviour).
     */
    private Path cliConfig(Path work) throws IOException {
        if (wmillYaml != null && pullOptions.equals(WindmillPullOptions.fromWmillYaml(wmillYaml))) {
            return wmillYaml;
        }
        if (wmillYaml == null && pullOptions.equals(WindmillPullOptions.noConfig())) {
            return null;
        }
        Path generated = work.resolve("generated-wmill.yaml");
        Files.writeString(generated, pullOptions.toWmillYaml());
        return generated;
    }

    private void pullWithApi(Path work, Path tree) throws IOException {
        WindmillApi api = new WindmillApi(baseUrl, token, workspace, timeout, retry)
                .withDeadline(Deadline.after(deadline), DEADLINE_KEY);
        api.whoami();
        JsonNode config = wmillYaml == null ? null : new ObjectMapper(new YAMLFactory()).readTree(wmillYaml.toFile());
        WorkspaceSpecific specific = WorkspaceSpecific.select(config, workspace, baseUrl + "/")
                .withServerFlags(api.workspaceSpecificItems().orElse(null));
        // The selected workspace entry's overrides win over every other option, as in the CLI.
        WindmillPullOptions pullOptions =
                specific.overrides() == null ? this.pullOptions : this.pullOptions.withOverrides(specific.overrides());
        Map<String, String> extensions = new HashMap<>();
        Set<String> filesets = new HashSet<>();
        api.fileResourceTypes()
                .ifPresent(map -> map.fields().forEachRemaining(f -> {
                    JsonNode v = f.getValue();
                    if (v.isTextual()) {
                        extensions.put(f.getKey(), v.asText());
                    } else {
                        if (v.hasNonNull("format_extension")
                                && !v.get("format_extension").asText().isEmpty()) {
                            extensions.put(f.getKey(), v.get("format_extension").asText());
                        }
                        if (v.path("is_fileset").asBoolean(false)) {
                            filesets.add(f.getKey());
                        }
                    }
                }));
        Path archive = work.resolve("archive");
        boolean zip = api.downloadArchive(pullOptions, archive, limits.maxDownloadBytes());
        Path raw = work.resolve("raw");
        PullTransformer transformer = new PullTransformer(pullOptions, extensions, filesets);
        // Every limit is checked (on the bytes actually inflated) before the first file is transformed.
        try (ArchiveReader.Opened opened = new ArchiveReader(limits).open(archive, zip, raw)) {
            Set<Path> made = new HashSet<>();
            transformer.transform(opened, (path, content) -> {
                Path target = safePath(path).under(tree);
                if (made.add(target.getParent())) {
                    Files.createDirectories(target.getParent());
                }
                Files.write(target, content);
            });
        }
        Files.delete(archive);
        specific.apply(tree);
        if (pullOptions.has(WindmillPullOptions.Flag.DEDUPE_LOCKFILES)) {
            SharedLocks.apply(tree, pullOptions.defaultTs());
        }
        // Before the shared UI files: the CLI writes those after the lock file, which does not cover them.
        WmillLock.write(tree, pullOptions, transformer.lockInputs());
        api.sharedUi()
                .ifPresent(ui -> ui.path("files").fields().forEachRemaining(f -> {
                    if (f.getValue().isTextual()) {
                        Path target = safePath("ui/" + f.getKey()).under(tree);
                        try {
                            Files.createDirectories(target.getParent());
                            Files.writeString(target, f.getValue().asText(), StandardCharsets.UTF_8);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                }));
        StagingDir.deleteTree(raw);
    }

    private static SyncPath safePath(String path) {
        try {
            // Exact: the names are the CLI's, byte for byte (NEL, U+2028, NFD kept); the transformer checked them.
            return SyncPath.exact(path);
        } catch (SyncPath.InvalidPathException e) {
            throw new SourceException("The Windmill workspace holds an unsafe path: " + e.getMessage(), e);
        }
    }

    private static List<SnapshotEntry> entries(Path tree, boolean skipCliState) throws IOException {
        List<SnapshotEntry> entries = new ArrayList<>();
        try (Stream<Path> files = Files.walk(tree)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                // Exact, as the CLI (or the transformer) spelled it; each destination decides what it can hold.
                SyncPath path =
                        SyncPath.exact(tree.relativize(file).toString().replace(java.io.File.separatorChar, '/'));
                if (skipCliState
                        && (path.value().startsWith(".wmill/") || path.value().equals("wmill.yaml"))) {
                    continue;
                }
                long size = Files.size(file);
                // No modification time: staged files are rewritten on every pull, so only the digest can say
                // whether a file changed.
                entries.add(new SnapshotEntry(path, size, false, null, () -> Files.newInputStream(file)));
            }
        }
        return entries;
    }

    private void discardStaging() {
        if (staging != null) {
            staging.close();
            staging = null;
        }
    }

    /** Deletes the staging directory of the last snapshot. */
    @Override
    public synchronized void close() {
        discardStaging();
    }

    @Override
    public String toString() {
        return "WindmillSource[" + describe() + ", " + mode + "]";
    }

    /** Builds a {@link WindmillSource}. */
    public static final class Builder {
        private String baseUrl = "http://windmill_server:8000";
        private Secret token;
        private String workspace = "admins";
        private Mode mode = Mode.API;
        private String cliExecutable = "wmill";
        private WindmillPullOptions pullOptions;
        private Path wmillYaml;
        // Many attempts, so that the deadline, not the count, decides when to stop.
        private RetryPolicy retry = new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(10));
        private Duration deadline = Deadline.DEFAULT;
        private boolean attribution = true;
        private String authorEmailDomain;
        private Duration timeout = Duration.ofMinutes(2);
        private Duration cliTimeout = Duration.ofMinutes(30);
        private int maxEntries = ArchiveReader.Limits.DEFAULTS.maxEntries();
        private long maxArchiveBytes = ArchiveReader.Limits.DEFAULTS.maxArchiveBytes();
        private long maxEntryBytes = ArchiveReader.Limits.DEFAULTS.maxEntryBytes();
        private double maxCompressionRatio = ArchiveReader.Limits.DEFAULTS.maxCompressionRatio();
        private Path stagingParent;

        private Builder() {}

        /** The server, e.g. {@code http://windmill_server:8000} (default). */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        /** The bearer token (required). */
        public Builder token(Secret token) {
            this.token = token;
            return this;
        }

        /** The workspace id (default {@code admins}). */
        public Builder workspace(String workspace) {
            this.workspace = workspace;
            return this;
        }

        /** API (default) or CLI. */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** The {@code wmill} executable for CLI mode (default {@code wmill} on the PATH). */
        public Builder cliExecutable(String cliExecutable) {
            this.cliExecutable = Objects.requireNonNull(cliExecutable, "cliExecutable");
            return this;
        }

        /** What to pull; overrides {@link #wmillYaml(Path)} in API mode. */
        public Builder pullOptions(WindmillPullOptions pullOptions) {
            this.pullOptions = pullOptions;
            return this;
        }

        /** A {@code wmill.yaml} to apply (API mode reads it; CLI mode copies it next to the pull). */
        public Builder wmillYaml(Path wmillYaml) {
            this.wmillYaml = wmillYaml;
            return this;
        }

        /** How to retry transient HTTP failures (default: up to 10 attempts, within the {@link #deadline}). */
        public Builder retryPolicy(RetryPolicy retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /**
         * The longest the HTTP calls of one pull may take before the first byte of each answer, retries
         * included (default 60 s; setting {@code windmill.deadline}). A host that refuses connections or
         * cannot be resolved fails at once; transient failures (429, 5xx, dropped connections) are retried
         * until it passes. A download that is under way is not cut off.
         */
        public Builder deadline(Duration deadline) {
            this.deadline = Objects.requireNonNull(deadline, "deadline");
            if (deadline.isNegative() || deadline.isZero()) {
                throw new SyncConfigException(DEADLINE_KEY + " must be positive, not " + deadline);
            }
            return this;
        }

        /** The per-request HTTP timeout (default 2 minutes, never past the deadline). */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** The longest a CLI pull may run (default 30 minutes). */
        public Builder cliTimeout(Duration cliTimeout) {
            this.cliTimeout = Objects.requireNonNull(cliTimeout, "cliTimeout");
            return this;
        }

        /** The most archive entries accepted (default 500,000; setting {@code windmill.max-entries}). */
        public Builder maxEntries(int maxEntries) {
            this.maxEntries = maxEntries;
            return this;
        }

        /**
         * The most uncompressed bytes the archive may expand to, counted while inflating (default 4 GiB;
         * setting {@code windmill.max-archive-bytes}). The download itself may be this plus 1 KiB per entry.
         */
        public Builder maxArchiveBytes(long maxArchiveBytes) {
            this.maxArchiveBytes = maxArchiveBytes;
            return this;
        }

        /**
         * The most uncompressed bytes of one entry, counted while inflating (default 256 MiB; setting {@code
         * windmill.max-entry-bytes}).
         */
        public Builder maxEntryBytes(long maxEntryBytes) {
            this.maxEntryBytes = maxEntryBytes;
            return this;
        }

        /**
         * The most uncompressed bytes per compressed byte, of one entry and of the whole archive, checked once
         * more than 16 MiB are inflated (default 200; setting {@code windmill.max-compression-ratio}).
         */
        public Builder maxCompressionRatio(double maxCompressionRatio) {
            this.maxCompressionRatio = maxCompressionRatio;
            return this;
        }

        /** Where staging directories are created (default: the system temporary directory). */
        /**
         * Whether snapshots say who changed each item (for destinations that credit authors, such as git's one
         * commit per author); default true. The metadata is read only when a destination asks; when it cannot
         * be read, the destination writes as without it and says so.
         */
        public Builder attribution(boolean attribution) {
            this.attribution = attribution;
            return this;
        }

        /**
         * The domain of the email given to a user whose email Windmill does not show the token ({@code
         * username@<domain>}); default the host of the base URL.
         */
        public Builder authorEmailDomain(String domain) {
            this.authorEmailDomain = domain;
            return this;
        }

        public Builder stagingDirectory(Path stagingParent) {
            this.stagingParent = stagingParent;
            return this;
        }

        /**
         * Builds the source (no I/O).
         *
         * @throws SyncConfigException naming every missing or malformed option
         */
        public WindmillSource build() {
            return new WindmillSource(this);
        }
    }
}
