package dev.workspacesync.examples;

import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncListener;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.spi.SettingKey;
import dev.workspacesync.examples.internal.BackupService;
import dev.workspacesync.examples.internal.CronSchedule;
import dev.workspacesync.examples.internal.Notifier;
import dev.workspacesync.examples.internal.RegistryPipelines;
import dev.workspacesync.examples.internal.RequestFields;
import dev.workspacesync.examples.internal.SettingsResolver;
import dev.workspacesync.examples.internal.WebhookServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
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
                + " SYNC_SCHEDULE (cron), SLACK_WEBHOOK_URL, DISCORD_WEBHOOK_URL, NOTIFY_ON_SUCCESS,"
                + " WORKSPACE_SYNC_BIND.")
final class ServeCommand implements Callable<Integer> {
    /** The commit message every backup gets. */
    static final String MESSAGE = "Automated Windmill workspace backup - {workspace}";

    @ParentCommand
    private WorkspaceSync parent;

    @Spec
    private CommandSpec spec;

    @Option(names = "--port", defaultValue = "8080", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
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

    @Override
    public Integer call() throws IOException, InterruptedException {
        Map<String, String> env = parent.environment();
        String address = bind != null ? bind : env.getOrDefault("WORKSPACE_SYNC_BIND", "127.0.0.1");
        Running running = start(env, ProviderRegistry.discover(), new InetSocketAddress(address, port), maxParallel);
        spec.commandLine()
                .getOut()
                .println("workspace-sync backup service listening on " + address + ":" + running.port()
                        + " (POST /sync, GET /health, GET /status)");
        spec.commandLine().getOut().flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // SIGTERM: stop taking requests, let the running sync finish (or give up after 60 s).
            running.close();
            stopped.countDown();
        }));
        stopped.await();
        return WorkspaceSync.OK;
    }

    /** A started service. */
    record Running(WebhookServer server, BackupService service, Notifier notifier, CronSchedule schedule)
            implements AutoCloseable {
        int port() {
            return server.port();
        }

        @Override
        public void close() {
            server.close();
            if (schedule != null) {
                schedule.close();
            }
            service.shutdown(Duration.ofSeconds(60));
            notifier.close();
        }
    }

    /** Starts the service from an environment (the unit of what tests and {@link #call()} run). */
    static Running start(Map<String, String> env, ProviderRegistry registry, InetSocketAddress bind, int maxParallel)
            throws IOException {
        List<SettingKey> keys = new ArrayList<>();
        keys.addAll(registry.source("windmill")
                .orElseThrow(() -> new SyncConfigException("The windmill source is not on the class path"))
                .settings());
        keys.addAll(registry.destination("git")
                .orElseThrow(() -> new SyncConfigException("The git destination is not on the class path"))
                .settings());
        SyncSettings fallback = SettingsResolver.fromEnvironment(env, keys);
        RequestFields fields = requestFields(fallback);

        Notifier notifier = new Notifier(
                uri(env, "SLACK_WEBHOOK_URL"),
                uri(env, "DISCORD_WEBHOOK_URL"),
                Boolean.parseBoolean(env.getOrDefault("NOTIFY_ON_SUCCESS", "false")));
        List<SyncListener> listeners = notifier.enabled() ? List.of(notifier) : List.of();
        BackupService service = new BackupService(
                new RegistryPipelines(registry, "windmill", "git", ServeCommand::targetName, listeners), maxParallel);
        String secret = env.get("SYNC_WEBHOOK_SECRET");
        WebhookServer server = new WebhookServer(
                bind, service, fields::settings, secret == null || secret.isBlank() ? null : Secret.of(secret), 32);
        CronSchedule schedule = null;
        String cron = env.get("SYNC_SCHEDULE");
        if (cron != null && !cron.isBlank()) {
            schedule = new CronSchedule(cron.trim());
            SyncSettings scheduled =
                    fields.settings(dev.workspacesync.examples.internal.ReportJson.MAPPER.createObjectNode());
            schedule.start(() -> service.sync(scheduled));
        }
        server.start();
        return new Running(server, service, notifier, schedule);
    }

    /** The seed service's request fields. */
    static RequestFields requestFields(SyncSettings fallback) {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("windmill_token", "windmill.token");
        map.put("git_remote_url", "git.remote-url");
        map.put("git_token", "git.token");
        map.put("workspace", "windmill.workspace");
        map.put("git_branch", "git.branch");
        map.put("git_user_name", "git.author-name");
        map.put("git_user_email", "git.author-email");
        map.put("windmill_base_url", "windmill.base-url");
        Map<String, java.util.function.Predicate<SyncSettings>> required = new LinkedHashMap<>();
        required.put("windmill_token", RequestFields.always());
        required.put("git_remote_url", RequestFields.always());
        // A token is needed for HTTPS remotes only (SSH uses a key, file:// nothing).
        required.put(
                "git_token",
                s -> s.get("git.remote-url")
                        .map(u -> u.startsWith("https://") || u.startsWith("http://"))
                        .orElse(false));
        return new RequestFields(map, required, fallback, SyncSettings.of(Map.of("git.message", MESSAGE)));
    }

    /** "admins @ http://windmill:8000 -> https://github.com/o/r.git#main", credentials removed. */
    static String targetName(SyncSettings settings) {
        return settings.string("windmill.workspace", "admins") + " @ "
                + withoutUserInfo(settings.string("windmill.base-url", "http://windmill_server:8000")) + " -> "
                + withoutUserInfo(settings.string("git.remote-url", "?")) + "#" + settings.string("git.branch", "main");
    }

    private static String withoutUserInfo(String url) {
        // Not java.net.URI: it sees no userinfo in http://u:p@windmill_server:8000 (a host with '_').
        return dev.workspacesync.core.Endpoint.stripUserInfo(url);
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
