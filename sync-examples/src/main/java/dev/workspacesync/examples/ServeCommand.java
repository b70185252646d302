package dev.workspacesync.examples;

import dev.workspacesync.core.Endpoint;
import dev.workspacesync.core.KnownSettings;
import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncListener;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.spi.SettingKey;
import dev.workspacesync.examples.internal.BackupService;
import dev.workspacesync.examples.internal.CredentialBinding;
import dev.workspacesync.examples.internal.CronSchedule;
import dev.workspacesync.examples.internal.DeployOptions;
import dev.workspacesync.examples.internal.DeployRoutes;
import dev.workspacesync.examples.internal.EventRoutes;
import dev.workspacesync.examples.internal.HttpLimits;
import dev.workspacesync.examples.internal.Logging;
import dev.workspacesync.examples.internal.Notifier;
import dev.workspacesync.examples.internal.Readiness;
import dev.workspacesync.examples.internal.RegistryPipelines;
import dev.workspacesync.examples.internal.RequestChecks;
import dev.workspacesync.examples.internal.RequestFields;
import dev.workspacesync.examples.internal.ServiceMetrics;
import dev.workspacesync.examples.internal.SettingsResolver;
import dev.workspacesync.examples.internal.TargetsFile;
import dev.workspacesync.examples.internal.TargetsRuntime;
import dev.workspacesync.examples.internal.TerminationSignals;
import dev.workspacesync.examples.internal.TraceIds;
import dev.workspacesync.examples.internal.WebhookServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code serve}: the Windmill → git backup service. {@code POST /sync} pulls a workspace and commits it
 * to a git remote ("Automated Windmill workspace backup - {workspace}") when anything changed.
 */
@Command(
        name = "serve",
        description = "Run the Windmill -> git backup service (POST /sync, GET /health, GET /status).%n"
                + "Environment: WINDMILL_BASE_URL, WINDMILL_TOKEN, WINDMILL_WORKSPACE, GIT_REMOTE_URL, GIT_TOKEN,"
                + " GIT_BRANCH, GIT_USER_NAME, GIT_USER_EMAIL (fallbacks for request fields), SYNC_WEBHOOK_SECRET,"
                + " SYNC_ALLOWED_HOSTS (hosts trusted with the configured credentials),"
                + " SYNC_SCHEDULE (cron), SLACK_WEBHOOK_URL, DISCORD_WEBHOOK_URL, NOTIFY_ON_SUCCESS,"
                + " WORKSPACE_SYNC_BIND, SYNC_SHUTDOWN_GRACE_SECONDS.%n"
                + "POST /windmill-events takes Windmill's workspace webhook (SYNC_EVENTS_SECRET,"
                + " SYNC_EVENTS_QUIET_SECONDS, SYNC_EVENTS_MAX_WAIT_SECONDS).%n"
                + "With --deploy-source: POST /deploy and git push webhooks (POST /hooks/git) deploy a branch.")
final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    /** The commit message every backup gets. */
    static final String MESSAGE = "Automated Windmill workspace backup - {workspace}";

    @ParentCommand
    private WorkspaceSync parent;

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--port",
            defaultValue = "8080",
            description =
                    "Port to listen on; 0 picks a free one (the startup line names it) (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(
            names = "--bind",
            description = "Address to listen on (default: WORKSPACE_SYNC_BIND, else 127.0.0.1; the container"
                    + " image sets 0.0.0.0).")
    private String bind;

    @Option(
            names = "--max-parallel",
            defaultValue = "4",
            description = "Targets synced at once (default: ${DEFAULT-VALUE}).")
    private int maxParallel;

    @Option(
            names = "--grace-period",
            paramLabel = "SECONDS",
            description = "On SIGTERM or SIGINT, how long running syncs may take to finish before they are"
                    + " abandoned (default: SYNC_SHUTDOWN_GRACE_SECONDS, else " + DEFAULT_GRACE_SECONDS
                    + ", inside Kubernetes' 30 s).")
    private Long gracePeriod;

    @Option(
            names = "--read-timeout",
            paramLabel = "SECONDS",
            defaultValue = "10",
            description = "A connection must deliver its whole request within this time, else it is closed"
                    + " (default: ${DEFAULT-VALUE}).")
    private long readTimeout;

    @Option(
            names = "--idle-timeout",
            paramLabel = "SECONDS",
            defaultValue = "30",
            description = "A connection without traffic for this long is closed; waiting for a sync does not"
                    + " count (default: ${DEFAULT-VALUE}).")
    private long idleTimeout;

    @Option(
            names = "--max-connections",
            defaultValue = "100",
            description = "Connections open at once; more wait to be accepted (default: ${DEFAULT-VALUE}).")
    private int maxConnections;

    @Option(
            names = "--metrics-port",
            paramLabel = "PORT",
            description = "Also listen on this port (of the --bind address) for GET /metrics, /livez and /readyz"
                    + " only, and serve /metrics there alone; it keeps answering while draining, so /readyz"
                    + " turns 503; 0 picks a free one (default: probes and metrics on --port).")
    private Integer metricsPort;

    /** {@code --deploy-source}, {@code --deploy-destination}, {@code --git-webhook-secret} … */
    @Mixin
    private DeployOptions deploy = new DeployOptions();

    @Option(
            names = "--targets",
            paramLabel = "FILE",
            description = "A YAML file of named targets (source, destinations, settings, schedule, timeout,"
                    + " notify); POST /sync?target=NAME then syncs one of them. Without it, the one target of"
                    + " the environment.")
    private java.nio.file.Path targetsFile;

    /** The grace period when neither {@code --grace-period} nor the environment sets one. */
    static final long DEFAULT_GRACE_SECONDS = 25;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Logging.service();
        try {
            return serve();
        } catch (SyncConfigException e) {
            if (Logging.format() == Logging.Format.JSON) {
                // A log collector reads standard error: the refusal is one of its JSON lines too.
                LOG.error("{}", e.getMessage());
                return WorkspaceSync.USAGE;
            }
            throw e;
        }
    }

    private int serve() throws IOException, InterruptedException {
        Map<String, String> env = parent.environment();
        Duration grace = gracePeriod(env);
        HttpLimits limits = HttpLimits.defaults()
                .withReadTimeout(Duration.ofSeconds(atLeastOne("--read-timeout", readTimeout)))
                .withIdleTimeout(Duration.ofSeconds(atLeastOne("--idle-timeout", idleTimeout)))
                .withMaxConnections((int) atLeastOne("--max-connections", maxConnections));
        String address = bind != null ? bind : env.getOrDefault("WORKSPACE_SYNC_BIND", "127.0.0.1");
        InetSocketAddress listen = listenAddress(bind != null ? "--bind" : "WORKSPACE_SYNC_BIND", address, port);
        PrintWriter out = spec.commandLine().getOut();

        // Taken before the server starts: from now on a termination signal drains instead of killing
        // the JVM (whose shutdown hooks, JGit's among them, would pull locks from under a running sync).
        CountDownLatch signalled = new CountDownLatch(1);
        AtomicReference<String> signal = new AtomicReference<>();
        boolean handled = TerminationSignals.install(name -> {
            if (signal.compareAndSet(null, name)) {
                signalled.countDown();
            } else {
                LOG.warn("{} again: exiting now without waiting for running syncs", name);
                System.exit(WorkspaceSync.FAILED);
            }
        });
        InetSocketAddress metricsListen =
                metricsPort == null ? null : listenAddress("--bind", address, metricsPort, "--metrics-port");
        if (targetsFile != null && deploy.choice(env) != null) {
            throw new SyncConfigException("--deploy-source cannot be combined with --targets yet: run the deploys"
                    + " from a second serve without --targets");
        }
        Running running = targetsFile == null
                ? start(
                        env,
                        ProviderRegistry.discover(),
                        listen,
                        maxParallel,
                        limits,
                        metricsListen,
                        deploy.choice(env))
                : startTargets(
                        targetsFile, env, ProviderRegistry.discover(), listen, maxParallel, limits, metricsListen);
        if (!handled) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> running.drain(grace)));
        }
        // ServeProcess (tests) and people read "listening on ADDR:PORT " from this line.
        out.println("workspace-sync backup service listening on "
                + running.server().address() + " (POST /sync, GET /health, GET /status); " + running.describe());
        out.flush();
        signalled.await();

        running.server().stopAccepting();
        out.println(signal.get() + ": not accepting connections; waiting up to " + grace.toSeconds()
                + " s for running syncs");
        out.flush();
        List<String> abandoned = running.drain(grace);
        if (abandoned.isEmpty()) {
            out.println("Every running sync finished and was answered; exiting");
            out.flush();
            return WorkspaceSync.OK;
        }
        LOG.error(
                "Shutdown grace period of {} s exceeded: abandoned the running sync of {} (callers still waiting got"
                        + " 503); the next sync of each target recovers and completes it",
                grace.toSeconds(),
                String.join(", ", abandoned));
        return WorkspaceSync.FAILED;
    }

    /**
     * The address to listen on, checked before anything starts: a port in range and a host that resolves.
     *
     * @throws SyncConfigException naming the option and the value
     */
    static InetSocketAddress listenAddress(String origin, String host, int port) {
        return listenAddress(origin, host, port, "--port");
    }

    private static InetSocketAddress listenAddress(String origin, String host, int port, String portOption) {
        if (port < 0 || port > 65535) {
            throw new SyncConfigException(
                    portOption + " must be between 0 and 65535 (0 picks a free one), got " + port);
        }
        String trimmed = host == null ? "" : host.trim();
        // [::1] as a URL writes it.
        if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
            trimmed = trimmed.substring(1, trimmed.length() - 1);
        }
        if (trimmed.isEmpty() || trimmed.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '@')) {
            throw new SyncConfigException("cannot listen on '" + host + "': " + origin
                    + " takes a host name or address, e.g. 127.0.0.1, or 0.0.0.0 for every interface");
        }
        InetSocketAddress address = new InetSocketAddress(trimmed, port);
        if (address.isUnresolved()) {
            throw new SyncConfigException("cannot listen on " + trimmed + ":" + port + ": cannot resolve '" + trimmed
                    + "' (" + origin + "); use 127.0.0.1, 0.0.0.0 for every interface, or an address of this"
                    + " machine");
        }
        return address;
    }

    private static long atLeastOne(String option, long value) {
        if (value < 1) {
            throw new SyncConfigException(option + " must be at least 1, got " + value);
        }
        return value;
    }

    private Duration gracePeriod(Map<String, String> env) {
        long seconds;
        if (gracePeriod != null) {
            seconds = gracePeriod;
        } else {
            String value = env.get("SYNC_SHUTDOWN_GRACE_SECONDS");
            try {
                seconds = value == null || value.isBlank() ? DEFAULT_GRACE_SECONDS : Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new SyncConfigException(
                        "SYNC_SHUTDOWN_GRACE_SECONDS must be a whole number of seconds, got '" + value + "'");
            }
        }
        if (seconds < 0) {
            throw new SyncConfigException("The shutdown grace period must not be negative, got " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }

    /** A started service. */
    record Running(
            WebhookServer server,
            BackupService service,
            Notifier notifier,
            CronSchedule schedule,
            boolean secret,
            String cron,
            DeployRoutes deploys,
            TargetsRuntime targets)
            implements AutoCloseable {
        Running(
                WebhookServer server,
                BackupService service,
                Notifier notifier,
                CronSchedule schedule,
                boolean secret,
                String cron) {
            this(server, service, notifier, schedule, secret, cron, null, null);
        }

        int port() {
            return server.port();
        }

        /** "webhook secret required; schedule 0 * * * *" (or "none" for each), for the startup lines. */
        String describe() {
            String management = server.managementAddress();
            return (secret ? "webhook secret required" : "no webhook secret") + "; "
                    + (targets != null ? targets.describe() : cron == null ? "no schedule" : "schedule '" + cron + "'")
                    + (management == null ? "" : "; metrics and probes on " + management)
                    + (deploys == null ? "" : "; " + deploys.describe())
                    + (server.events() == null ? "" : "; " + server.events().describe());
        }

        /**
         * Stops accepting connections, lets running syncs (requested or scheduled) finish and be answered
         * within {@code grace}, then stops. Returns the targets whose sync was still running at the end
         * (their callers get 503); empty when everything finished.
         */
        List<String> drain(Duration grace) {
            long deadline = System.nanoTime() + grace.toNanos();
            server.stopAccepting();
            // Refuses new syncs (503) at once and waits for the running ones.
            boolean finished = service.shutdown(grace);
            List<String> abandoned = new ArrayList<>(finished ? List.of() : service.runningTargets());
            if (deploys != null && !deploys.shutdown(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                abandoned.addAll(deploys.service().runningTargets());
            }
            if (schedule != null) {
                schedule.close();
            }
            if (targets != null) {
                targets.close();
            }
            try {
                Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                if (!server.awaitAnswered(left)) {
                    server.abandon("The service shut down before this request was answered (grace period of "
                            + grace.toSeconds() + " s exceeded); send it again");
                    server.awaitAnswered(Duration.ofSeconds(2));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server.stop();
            notifier.close();
            return abandoned;
        }

        @Override
        public void close() {
            drain(Duration.ofSeconds(60));
        }
    }

    /** Starts the service from an environment with the default HTTP limits. */
    static Running start(Map<String, String> env, ProviderRegistry registry, InetSocketAddress bind, int maxParallel)
            throws IOException {
        return start(env, registry, bind, maxParallel, HttpLimits.defaults());
    }

    /** Starts the service from an environment (the unit of what tests and {@link #call()} run). */
    static Running start(
            Map<String, String> env,
            ProviderRegistry registry,
            InetSocketAddress bind,
            int maxParallel,
            HttpLimits limits)
            throws IOException {
        return start(env, registry, bind, maxParallel, limits, null, new DeployOptions().choice(env));
    }

    /**
     * Starts the service from an environment; {@code metricsBind} (null: none) is a second address that
     * serves only probes and metrics, {@code deployChoice} (null: none) the deploy direction of
     * {@code serve}'s options.
     */
    static Running start(
            Map<String, String> env,
            ProviderRegistry registry,
            InetSocketAddress bind,
            int maxParallel,
            HttpLimits limits,
            InetSocketAddress metricsBind,
            DeployOptions.Choice deployChoice)
            throws IOException {
        // A misspelt WORKSPACE_SYNC_* variable stops the service at start, rather than being ignored.
        SettingsResolver.checkEnvironment(env, registry);
        List<SettingKey> keys = new ArrayList<>();
        keys.addAll(registry.source("windmill")
                .orElseThrow(() -> new SyncConfigException("The windmill source is not on the class path"))
                .settings());
        keys.addAll(registry.destination("git")
                .orElseThrow(() -> new SyncConfigException("The git destination is not on the class path"))
                .settings());
        // The service's source is windmill and its destination git: a scoped variable of either side means
        // that side's key (WORKSPACE_SYNC_SOURCE_WINDMILL_TOKEN is windmill.token); one of the other side is refused,
        // unless the deploy direction takes it (WORKSPACE_SYNC_DESTINATION_WINDMILL_TOKEN for git -> windmill).
        Map<String, String> backupVariables =
                deployChoice == null ? env : deployChoice.withoutOwnVariables(registry, env);
        List<String> scopedProblems = KnownSettings.forRun(
                        "windmill",
                        registry.source("windmill").get().settings(),
                        List.of("git"),
                        registry.destination("git").get().settings(),
                        SettingsResolver.allKeys(registry))
                .checkEnvironment(backupVariables, SettingsResolver.OTHER_VARIABLES);
        if (!scopedProblems.isEmpty()) {
            throw new SyncConfigException(scopedProblems);
        }
        SyncSettings fallback = folded(SettingsResolver.fromEnvironment(env, keys));
        // The service's own credentials stay where they were configured (403 otherwise).
        CredentialBinding binding = new CredentialBinding(
                fallback, CredentialBinding.allowedHosts(env.get(CredentialBinding.ALLOWED_HOSTS)));
        RequestFields fields = requestFields(fallback, binding);

        String secret = env.get("SYNC_WEBHOOK_SECRET");
        Secret webhookSecret = secret == null || secret.isBlank() ? null : Secret.of(secret);
        List<Secret> known = new ArrayList<>(fallback.secrets());
        known.add(webhookSecret);
        Logging.redact(known.stream().filter(java.util.Objects::nonNull).toList());

        // The scheduled target comes from the environment alone: checked before anything starts.
        String cron = env.get("SYNC_SCHEDULE");
        cron = cron == null || cron.isBlank() ? null : cron.trim();
        CronSchedule schedule = cron == null ? null : new CronSchedule(cron);
        SyncSettings scheduled = cron == null ? null : scheduledTarget(fields);

        Notifier notifier = new Notifier(
                uri(env, "SLACK_WEBHOOK_URL"),
                uri(env, "DISCORD_WEBHOOK_URL"),
                Boolean.parseBoolean(env.getOrDefault("NOTIFY_ON_SUCCESS", "false")));
        List<SyncListener> listeners = notifier.enabled() ? List.of(notifier) : List.of();
        // Metrics labels are never request text: the environment's own target is "default", any target
        // a request's fields make up is counted under "request".
        ServiceMetrics metrics = new ServiceMetrics();
        String defaultTarget = defaultTargetName(fields);
        java.util.function.Function<SyncSettings, List<SyncListener>> perTarget = s -> List.of(
                metrics.listener(targetName(s).equals(defaultTarget) ? "default" : "request"), TraceIds.RECORDER);
        BackupService service = new BackupService(
                new RegistryPipelines(registry, "windmill", "git", ServeCommand::targetName, listeners, perTarget),
                maxParallel);
        DeployRoutes deploys;
        try {
            deploys = deployChoice == null ? null : deployChoice.start(registry, env, listeners);
        } catch (RuntimeException e) {
            service.close();
            notifier.close();
            throw e;
        }
        WebhookServer server = new WebhookServer(bind, service, fields::settings, webhookSecret, limits, deploys);
        server.events(EventRoutes.fromEnvironment(env, environmentTarget(fields), webhookSecret, service::sync));
        java.nio.file.Path state = fallback.path("git.work-dir")
                .map(p -> p.toAbsolutePath().getParent())
                .orElseGet(dev.workspacesync.git.GitRemoteDestination::defaultCacheRoot);
        server.observability(metrics, new Readiness(List.of(state)), metricsBind);
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            if (deploys != null) {
                deploys.shutdown(Duration.ZERO);
            }
            service.close();
            notifier.close();
            throw e;
        }
        Running running = new Running(server, service, notifier, schedule, webhookSecret != null, cron, deploys, null);
        InetAddress host = bind.getAddress();
        if (webhookSecret == null && host != null && !host.isLoopbackAddress()) {
            LOG.warn(
                    "Listening on {}, which is not a loopback address, without SYNC_WEBHOOK_SECRET: anyone who can"
                            + " reach it can start syncs and read /status; set SYNC_WEBHOOK_SECRET, or --bind 127.0.0.1",
                    server.address());
        }
        LOG.info("Listening on {} (POST /sync, GET /health, GET /status); {}", server.address(), running.describe());
        if (schedule != null) {
            schedule.start(() -> {
                try (var traced = TraceIds.inContext(TraceIds.generate())) {
                    service.sync(scheduled);
                }
            });
        }
        return running;
    }

    /** The environment's own target for Windmill change events; none when the environment names none. */
    private static List<EventRoutes.EventTarget> environmentTarget(RequestFields fields) {
        SyncSettings settings;
        try {
            settings = fields.settings(dev.workspacesync.examples.internal.ReportJson.MAPPER.createObjectNode());
        } catch (RuntimeException e) {
            return List.of();
        }
        return List.of(
                new EventRoutes.EventTarget("default", settings.string("windmill.workspace", "admins"), settings));
    }

    /** The name of the environment's own target (an empty request body's), or null if it names none. */
    private static String defaultTargetName(RequestFields fields) {
        try {
            return targetName(
                    fields.settings(dev.workspacesync.examples.internal.ReportJson.MAPPER.createObjectNode()));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Starts the service on a targets file: each request names a target, each target has its own
     * schedule, notifications and timeout; the environment still gives the webhook secret, the bind address
     * and default notifications.
     */
    static Running startTargets(
            java.nio.file.Path file,
            Map<String, String> env,
            ProviderRegistry registry,
            InetSocketAddress bind,
            int maxParallel,
            HttpLimits limits,
            InetSocketAddress metricsBind)
            throws IOException {
        SettingsResolver.checkEnvironment(env, registry);
        if (maxParallel < 1) {
            throw new SyncConfigException("--max-parallel must be at least 1, got " + maxParallel);
        }
        TargetsFile targetsFile = TargetsFile.load(file, registry, env);
        if (env.get("SYNC_SCHEDULE") != null && !env.get("SYNC_SCHEDULE").isBlank()) {
            LOG.warn("SYNC_SCHEDULE is ignored with --targets: each target of {} has its own 'schedule'", file);
        }
        String secret = env.get("SYNC_WEBHOOK_SECRET");
        Secret webhookSecret = secret == null || secret.isBlank() ? null : Secret.of(secret);
        if (webhookSecret != null) {
            Logging.redact(List.of(webhookSecret));
        }
        Notifier notifier = new Notifier(
                uri(env, "SLACK_WEBHOOK_URL"),
                uri(env, "DISCORD_WEBHOOK_URL"),
                Boolean.parseBoolean(env.getOrDefault("NOTIFY_ON_SUCCESS", "false")));
        // Metrics labels are the file's target names, never request text.
        ServiceMetrics metrics = new ServiceMetrics();
        TargetsRuntime targets;
        try {
            targets = new TargetsRuntime(
                    targetsFile,
                    registry,
                    maxParallel,
                    notifier,
                    name -> List.of(metrics.listener(name), TraceIds.RECORDER));
        } catch (RuntimeException e) {
            notifier.close();
            throw e;
        }
        BackupService service = targets.service();
        WebhookServer server = new WebhookServer(bind, service, targets::requestSettings, webhookSecret, limits);
        server.events(EventRoutes.fromEnvironment(env, targets.eventTargets(), webhookSecret, service::sync));
        server.observability(
                metrics,
                new Readiness(List.of(dev.workspacesync.git.GitRemoteDestination.defaultCacheRoot())),
                metricsBind);
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            service.close();
            targets.close();
            notifier.close();
            throw e;
        }
        Running running = new Running(server, service, notifier, null, webhookSecret != null, null, null, targets);
        LOG.info("Listening on {} (POST /sync, GET /health, GET /status); {}", server.address(), running.describe());
        targets.start();
        return running;
    }

    /** The environment variable of each request field (what a scheduled sync reads instead of a body). */
    private static final Map<String, String> FIELD_VARIABLES = Map.of(
            "windmill_token", "WINDMILL_TOKEN",
            "git_remote_url", "GIT_REMOTE_URL",
            "git_token", "GIT_TOKEN",
            "workspace", "WINDMILL_WORKSPACE",
            "git_branch", "GIT_BRANCH",
            "git_user_name", "GIT_USER_NAME",
            "git_user_email", "GIT_USER_EMAIL",
            "windmill_base_url", "WINDMILL_BASE_URL");

    /**
     * The target of scheduled syncs: the environment's settings, as an empty request body gets them.
     *
     * @throws SyncConfigException naming the environment variables to set (not request fields)
     */
    static SyncSettings scheduledTarget(RequestFields fields) {
        try {
            return fields.settings(dev.workspacesync.examples.internal.ReportJson.MAPPER.createObjectNode());
        } catch (SyncConfigException e) {
            String message = String.valueOf(e.getMessage());
            String missing = "Missing required fields: ";
            if (message.startsWith(missing)) {
                List<String> variables = java.util.Arrays.stream(
                                message.substring(missing.length()).split(",\\s*"))
                        .map(f -> FIELD_VARIABLES.getOrDefault(f.trim(), f.trim()))
                        .toList();
                throw new SyncConfigException(
                        "SYNC_SCHEDULE is set, but the environment names no complete target"
                                + " for scheduled syncs: set " + String.join(", ", variables)
                                + " (also WINDMILL_BASE_URL, WINDMILL_WORKSPACE, GIT_BRANCH as needed), or unset SYNC_SCHEDULE");
            }
            for (Map.Entry<String, String> field : FIELD_VARIABLES.entrySet()) {
                message = message.replaceAll("\\b" + field.getKey() + "\\b", field.getValue());
            }
            throw new SyncConfigException(
                    "SYNC_SCHEDULE is set, but its target from the environment is unusable: " + message);
        }
    }

    /** Scoped keys folded into the service's windmill and git keys, which are on one side each. */
    static SyncSettings folded(SyncSettings settings) {
        return settings.unscopedFor("windmill", List.of("git"));
    }

    /** The seed service's request fields, each checked, with no binding of credentials (tests). */
    static RequestFields requestFields(SyncSettings fallback) {
        return requestFields(fallback, null);
    }

    /**
     * The seed service's request fields: every field checked (type, length, syntax), and the service's
     * own credentials bound by {@code binding} (null: no binding, the request over the fallback).
     */
    static RequestFields requestFields(SyncSettings fallback, CredentialBinding binding) {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("windmill_token", "windmill.token");
        map.put("git_remote_url", "git.remote-url");
        map.put("git_token", "git.token");
        map.put("workspace", "windmill.workspace");
        map.put("git_branch", "git.branch");
        map.put("git_user_name", "git.author-name");
        map.put("git_user_email", "git.author-email");
        map.put("windmill_base_url", "windmill.base-url");
        Map<String, RequestFields.Check> checks = new LinkedHashMap<>();
        checks.put("windmill_token", v -> RequestChecks.token("windmill_token", v));
        checks.put("git_token", v -> RequestChecks.token("git_token", v));
        checks.put("git_remote_url", v -> CredentialBinding.parseGit("git_remote_url", bounded("git_remote_url", v)));
        checks.put(
                "windmill_base_url",
                v -> CredentialBinding.parseWindmill("windmill_base_url", bounded("windmill_base_url", v)));
        checks.put("workspace", RequestChecks::workspace);
        checks.put("git_branch", RequestChecks::branch);
        checks.put("git_user_name", RequestChecks::authorName);
        checks.put("git_user_email", RequestChecks::authorEmail);
        Map<String, java.util.function.Predicate<SyncSettings>> required = new LinkedHashMap<>();
        required.put("windmill_token", RequestFields.always());
        required.put("git_remote_url", RequestFields.always());
        // A token is needed for HTTPS remotes only (SSH uses a key, file:// nothing).
        required.put(
                "git_token",
                s -> s.get("git.remote-url")
                        .map(u -> u.startsWith("https://") || u.startsWith("http://"))
                        .orElse(false));
        // source.workspace, destination.git_branch, …: the scoped forms every settings channel takes, folded
        // into plain keys before the credential rules see them.
        return new RequestFields(
                RequestFields.scoped(map, "windmill", List.of("git")),
                checks,
                required,
                fallback,
                SyncSettings.of(Map.of("git.message", MESSAGE)),
                binding == null
                        ? requested -> folded(requested).orElse(fallback)
                        : requested -> binding.apply(folded(requested)));
    }

    private static String bounded(String field, String url) {
        if (url.length() > RequestChecks.MAX_URL) {
            throw new SyncConfigException(field + " is longer than " + RequestChecks.MAX_URL + " characters");
        }
        return url;
    }

    /** "admins @ http://windmill:8000 -> https://github.com/o/r.git#main", credentials removed. */
    static String targetName(SyncSettings settings) {
        return settings.string("windmill.workspace", "admins") + " @ "
                + shown(settings.string("windmill.base-url", CredentialBinding.DEFAULT_WINDMILL_URL)) + " -> "
                + shown(settings.string("git.remote-url", "?")) + "#" + settings.string("git.branch", "main");
    }

    /** A URL for a name: parsed by core's {@link Endpoint} (never with userinfo), or stripped text. */
    private static String shown(String url) {
        try {
            return Endpoint.parse("url", url).display();
        } catch (RuntimeException e) {
            return Endpoint.stripUserInfo(url);
        }
    }

    private static URI uri(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return URI.create(value.trim());
        } catch (IllegalArgumentException e) {
            throw new SyncConfigException(name + " is not a URL");
        }
    }
}
