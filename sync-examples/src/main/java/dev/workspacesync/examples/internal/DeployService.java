package dev.workspacesync.examples.internal;

import dev.workspacesync.core.Endpoint;
import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.SettingsScope;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncListener;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.spi.DestinationProvider;
import dev.workspacesync.core.spi.SettingKey;
import dev.workspacesync.core.spi.SourceProvider;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jgit.transport.URIish;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's deploy direction ({@code serve --deploy-source git --deploy-destination windmill}): one
 * source and one destination configured by the operator, run on request ({@link #deploy}, waiting) or on a
 * git push ({@link #trigger}, in the background). Deploys are single-flight: a trigger during a run queues
 * one follow-up run (the last push wins), and every trigger is covered by a run that started after it.
 *
 * <p>Nothing a caller sends names a URL or a credential: a request or a push only picks one of the
 * {@linkplain Target#branches() branches configured for deploys}. The source's and the destination's
 * credentials therefore only go where the operator configured them.
 */
public final class DeployService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeployService.class);

    /**
     * What deploys, from the operator's settings.
     *
     * @param sourceType e.g. {@code git}
     * @param destinationType e.g. {@code windmill}
     * @param settings the source's and the destination's settings (environment), validated
     * @param branchKey the source setting that selects a branch ({@code git.branch}), or null when the
     *     source has none (then webhooks deploy the configured state whatever branch was pushed)
     * @param branches the branches a request or a push may deploy; the first is the default
     * @param repositories the repository URLs a push must name (the configured remote, and any URL the
     *     git server reports for it); empty: any
     * @param name a secret-free name for {@code /status} and logs
     */
    public record Target(
            String sourceType,
            String destinationType,
            SyncSettings settings,
            String branchKey,
            List<String> branches,
            List<String> repositories,
            String name) {
        public Target {
            Objects.requireNonNull(sourceType, "sourceType");
            Objects.requireNonNull(destinationType, "destinationType");
            Objects.requireNonNull(settings, "settings");
            branches = List.copyOf(branches);
            repositories = List.copyOf(repositories);
            if (branchKey != null && branches.isEmpty()) {
                throw new IllegalArgumentException("a source with branches needs at least one deploy branch");
            }
        }

        /** The branch deployed when none is asked for, or null when the source has no branches. */
        public String defaultBranch() {
            return branches.isEmpty() ? null : branches.get(0);
        }

        /** The settings of a deploy of this branch (null: the default). */
        public SyncSettings settingsFor(String branch) {
            if (branchKey == null) {
                return settings;
            }
            if (branch == null || branch.isEmpty()) {
                return settings.with(branchKey, defaultBranch());
            }
            return settings.with(branchKey, branch);
        }

        /** Why this branch may not be deployed, or empty when it may. */
        public Optional<String> refusal(String branch) {
            if (branchKey == null || branches.contains(branch)) {
                return Optional.empty();
            }
            return Optional.of("branch '" + RequestChecks.shown(branch) + "' is not configured for deploys"
                    + " (deploy branches: " + String.join(", ", branches) + "; set --deploy-branches or "
                    + DeployOptions.BRANCHES_VARIABLE + ")");
        }

        /**
         * Whether a push naming these repository URLs is for this target: the same host and path as a
         * configured URL (scheme, port, user, a trailing {@code .git} and case aside). The URLs only
         * filter: a deploy always fetches from the configured remote.
         */
        public boolean sameRepository(List<String> pushed) {
            if (repositories.isEmpty()) {
                return true;
            }
            for (String configured : repositories) {
                String key = repositoryKey(configured);
                if (key != null
                        && pushed.stream().map(DeployService::repositoryKey).anyMatch(key::equals)) {
                    return true;
                }
            }
            return false;
        }

        /** The configured repositories as a message shows them (no userinfo). */
        public String shownRepositories() {
            return String.join(
                    ", ", repositories.stream().map(Endpoint::stripUserInfo).toList());
        }
    }

    /**
     * The deploy target of a source type and a destination type, with the settings the environment gives
     * for their keys (the same channels as {@code /sync}: {@code WORKSPACE_SYNC_<KEY>} and the seed's
     * names).
     *
     * @param branches the branches to deploy; empty: the source's configured branch (its default if unset)
     * @param webhookRepositories further URLs under which the git server reports the repository (a proxy, a
     *     Compose name)
     * @throws SyncConfigException naming an unknown type or every missing or malformed setting
     */
    public static Target configure(
            ProviderRegistry registry,
            String sourceType,
            String destinationType,
            Map<String, String> environment,
            List<String> branches,
            List<String> webhookRepositories) {
        List<String> problems = new ArrayList<>();
        SourceProvider source = registry.source(sourceType).orElse(null);
        if (source == null) {
            problems.add("Unknown deploy source type '" + sourceType + "'; known: "
                    + registry.sources().stream().map(SourceProvider::type).toList());
        }
        DestinationProvider destination = registry.destination(destinationType).orElse(null);
        if (destination == null) {
            problems.add("Unknown deploy destination type '" + destinationType + "'; known: "
                    + registry.destinations().stream()
                            .map(DestinationProvider::type)
                            .toList());
        }
        if (!problems.isEmpty()) {
            throw new SyncConfigException(problems);
        }
        List<SettingKey> keys = new ArrayList<>(source.settings());
        keys.addAll(destination.settings());
        // WORKSPACE_SYNC_SOURCE_GIT_BRANCH, WORKSPACE_SYNC_DESTINATION_WINDMILL_TOKEN, …: a scoped key of a type on
        // one side only is that side's plain key, as for a run of these providers; same-type sides keep theirs.
        SyncSettings settings =
                SettingsResolver.fromEnvironment(environment, keys).unscopedFor(sourceType, List.of(destinationType));
        Logging.redact(settings.secrets());
        SyncSettings sourceView = settings.forSource();
        // Each side as its pipeline will read it (ProviderRegistry#createSource / #createDestination).
        List<String> invalid = new ArrayList<>();
        invalid.addAll(problems(sourceView, source.settings()));
        invalid.addAll(problems(settings.forDestination(), destination.settings()));
        if (!invalid.isEmpty()) {
            throw new SyncConfigException(invalid.stream()
                    .map(p -> "deploy (" + sourceType + " -> " + destinationType + "): " + p)
                    .toList());
        }
        SettingKey branchKey = key(source, sourceType + ".branch");
        SettingKey urlKey = key(source, sourceType + ".url", sourceType + ".remote-url");
        List<String> deployBranches = new ArrayList<>();
        for (String branch : branches) {
            String name = branch.strip();
            if (!name.isEmpty()) {
                try {
                    RequestChecks.branch(name);
                } catch (SyncConfigException e) {
                    throw new SyncConfigException(DeployOptions.BRANCHES_VARIABLE + ": "
                            + e.getMessage().replace("git_branch", "deploy branch"));
                }
                deployBranches.add(name);
            }
        }
        SettingKey refKey = key(source, sourceType + ".ref");
        if (branchKey != null
                && refKey != null
                && refKey != branchKey
                && sourceView.get(refKey.key()).isPresent()) {
            // The ref would win over the branch a push names: every deploy would read the same ref.
            throw new SyncConfigException("deploy (" + sourceType + " -> " + destinationType + "): " + refKey.key()
                    + " is set, but deploys follow branches; unset it (" + refKey.environmentName() + ") and name the"
                    + " branches with " + branchKey.key() + " or --deploy-branches");
        }
        if (branchKey == null) {
            deployBranches.clear();
        } else if (deployBranches.isEmpty()) {
            String configured = sourceView
                    .get(branchKey.key())
                    .or(() -> Optional.ofNullable(branchKey.defaultValue()))
                    .orElse("main");
            deployBranches.add(configured.startsWith("refs/heads/") ? configured.substring(11) : configured);
        }
        List<String> repositories = new ArrayList<>();
        Optional<String> remote = urlKey == null ? Optional.empty() : sourceView.get(urlKey.key());
        remote.ifPresent(repositories::add);
        webhookRepositories.stream()
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .forEach(repositories::add);
        String name = "deploy " + sourceType + remote.map(r -> " " + shown(r)).orElse("") + " -> " + destinationType;
        return new Target(
                sourceType,
                destinationType,
                settings,
                branchKey == null ? null : branchKey(settings, branchKey.key()),
                deployBranches,
                repositories,
                name);
    }

    private static List<String> problems(SyncSettings settings, List<SettingKey> keys) {
        try {
            settings.validate(keys);
            return List.of();
        } catch (SyncConfigException e) {
            return e.problems();
        }
    }

    /** The key a deploy's branch goes into: the source's scoped one when it is set (it wins for the source). */
    private static String branchKey(SyncSettings settings, String key) {
        String scoped = SettingsScope.SOURCE.key(key);
        return settings.get(scoped).isPresent() ? scoped : key;
    }

    private static SettingKey key(SourceProvider provider, String... candidates) {
        for (String candidate : candidates) {
            for (SettingKey key : provider.settings()) {
                if (key.key().equals(candidate)) {
                    return key;
                }
            }
        }
        return null;
    }

    private static String shown(String url) {
        try {
            return Endpoint.parse("url", url).display();
        } catch (RuntimeException e) {
            return Endpoint.stripUserInfo(url);
        }
    }

    /** "host/owner/repo" of a git URL (lower case, no {@code .git}), or null when it is not one. */
    static String repositoryKey(String url) {
        try {
            URIish uri = new URIish(url.strip());
            String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
            String path = uri.getPath() == null ? "" : uri.getPath();
            path = path.replaceAll("^/+|/+$", "");
            if (path.endsWith(".git")) {
                path = path.substring(0, path.length() - 4);
            }
            return path.isEmpty() ? null : host + "/" + path.toLowerCase(Locale.ROOT);
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** What {@link #trigger} did. */
    public enum Trigger {
        /** A deploy started. */
        STARTED,
        /** A deploy is running; a follow-up run will cover this push. */
        QUEUED
    }

    private final Target target;
    private final BackupService runs;
    private final ExecutorService background;
    private final Object lock = new Object();
    // Guarded by lock: whether the background loop runs, and the branch of the follow-up run it owes.
    private boolean looping;
    private String pending;
    private volatile boolean closed;

    /** Deploys of {@code target} through the registry's providers. */
    public DeployService(Target target, ProviderRegistry registry, List<SyncListener> listeners) {
        this(
                target,
                new RegistryPipelines(
                        registry, target.sourceType(), target.destinationType(), s -> target.name(), listeners));
    }

    /** Deploys of {@code target} through a pipeline factory (tests). */
    public DeployService(Target target, BackupService.PipelineFactory pipelines) {
        this.target = target;
        // One destination: one deploy at a time.
        this.runs = new BackupService(pipelines, 1);
        this.background = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "workspace-sync-deploy");
            t.setDaemon(true);
            return t;
        });
    }

    public Target target() {
        return target;
    }

    /**
     * Deploys with these settings (from {@link Target#settingsFor}) and waits for the report.
     *
     * @throws SyncConfigException if the pipeline cannot be built
     * @throws IllegalStateException while shutting down
     */
    public SyncReport deploy(SyncSettings settings) {
        return runs.sync(settings);
    }

    /**
     * Deploys a branch in the background: at once when idle, else after the running deploy (one follow-up
     * run however many pushes arrive meanwhile; the last branch pushed is the one deployed).
     *
     * @throws IllegalStateException while shutting down
     */
    public Trigger trigger(String branch) {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the service is shutting down");
            }
            if (looping) {
                pending = branch;
                return Trigger.QUEUED;
            }
            looping = true;
        }
        try {
            background.execute(() -> loop(branch));
        } catch (RejectedExecutionException e) {
            synchronized (lock) {
                looping = false;
            }
            throw new IllegalStateException("the service is shutting down", e);
        }
        return Trigger.STARTED;
    }

    private void loop(String first) {
        String branch = first;
        while (branch != null) {
            try {
                SyncReport report = runs.sync(target.settingsFor(branch));
                LOG.info(
                        "Deploy of {}{}: {} (+{} ~{} -{}) {}",
                        target.name(),
                        branch.isEmpty() ? "" : " #" + branch,
                        report.status(),
                        report.added(),
                        report.updated(),
                        report.deleted(),
                        report.message());
            } catch (IllegalStateException e) {
                LOG.warn("Deploy of {} #{} not run: the service is shutting down", target.name(), branch);
            } catch (RuntimeException e) {
                // A message may quote settings: the class only (the log redacts known secrets anyway).
                LOG.warn(
                        "Deploy of {} #{} failed: {}",
                        target.name(),
                        branch,
                        e.getClass().getName());
            }
            synchronized (lock) {
                branch = closed ? null : pending;
                pending = null;
                if (branch == null) {
                    looping = false;
                    lock.notifyAll();
                }
            }
        }
    }

    /** Waits until no background deploy runs or is queued; false on timeout (tests). */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (looping) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
        }
        return true;
    }

    /** The last result of the deploy target (once it deployed), as {@code /status} shows it. */
    public List<Map<String, Object>> statusJson() {
        return runs.statusJson();
    }

    /** The deploy target when a deploy runs now (what a shutdown past its grace period abandons). */
    public List<String> runningTargets() {
        return runs.runningTargets();
    }

    /**
     * Refuses new deploys, drops a queued follow-up run, waits up to {@code timeout} for the running one.
     * Returns whether it finished in time.
     */
    public boolean shutdown(Duration timeout) {
        synchronized (lock) {
            closed = true;
            pending = null;
        }
        background.shutdown();
        return runs.shutdown(timeout);
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(30));
    }
}
