package dev.workspacesync.examples.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncListener;
import dev.workspacesync.core.SyncSettings;
import java.net.URI;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code serve --targets FILE}: the targets of a file behind one {@link BackupService} (single-flight per
 * target, a global bound on parallel runs, per-target timeouts), each with its own schedule and
 * notifications. {@code POST /sync} names a target ({@code ?target=NAME} or {@code {"target": NAME}});
 * with one target in the file the name may be left out.
 */
public final class TargetsRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TargetsRuntime.class);

    private final TargetsFile file;
    private final BackupService service;
    private final Map<String, CronSchedule> schedules = new LinkedHashMap<>();
    private final List<Notifier> notifiers = new ArrayList<>();

    /**
     * Builds everything and checks it (notification URLs, cron expressions), but starts no schedule.
     *
     * @param fallback the service's environment notifier, for targets without {@code notify:}
     * @param extraListeners what to add to a target's pipeline (its metrics), by target name
     * @throws SyncConfigException naming every problem
     */
    public TargetsRuntime(
            TargetsFile file,
            ProviderRegistry registry,
            int maxParallel,
            Notifier fallback,
            java.util.function.Function<String, List<SyncListener>> extraListeners) {
        this.file = file;
        Map<String, Target> byName = new LinkedHashMap<>();
        Map<String, Notifier> notifierOf = new LinkedHashMap<>();
        List<Secret> secrets = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Target target : file.targets()) {
            byName.put(target.name(), target);
            secrets.addAll(target.settings().secrets());
            if (target.notifications() != null) {
                try {
                    Notifier notifier = new Notifier(
                            uri(target.notifications().slack()),
                            uri(target.notifications().discord()),
                            target.notifications().onSuccess());
                    notifiers.add(notifier);
                    notifierOf.put(target.name(), notifier);
                } catch (SyncConfigException e) {
                    problems.add(file.path() + ": target '" + target.name() + "': key 'notify': " + e.getMessage());
                }
                if (target.notifications().slack() != null) {
                    secrets.add(target.notifications().slack());
                }
                if (target.notifications().discord() != null) {
                    secrets.add(target.notifications().discord());
                }
            }
            if (target.schedule() != null) {
                schedules.put(
                        target.name(),
                        new CronSchedule(
                                target.schedule(), file.path() + ": target '" + target.name() + "': key 'schedule'"));
            }
        }
        if (!problems.isEmpty()) {
            close();
            throw new SyncConfigException(problems);
        }
        Logging.redact(secrets);
        this.service = new BackupService(
                new TargetPipelines(registry, byName, target -> {
                    List<SyncListener> listeners = new ArrayList<>(extraListeners.apply(target.name()));
                    Notifier own = notifierOf.get(target.name());
                    Notifier notifier = own != null ? own : fallback;
                    if (notifier != null && notifier.enabled()) {
                        listeners.add(notifier);
                    }
                    return listeners;
                }),
                maxParallel);
        List<BackupService.Configured> configured = new ArrayList<>();
        for (Target target : file.targets()) {
            CronSchedule schedule = schedules.get(target.name());
            configured.add(new BackupService.Configured(
                    target.name(), target.timeout(), schedule == null ? Optional::empty : () -> next(schedule)));
        }
        service.configure(configured);
    }

    private static Optional<Instant> next(CronSchedule schedule) {
        ZonedDateTime now = ZonedDateTime.now();
        return schedule.untilNext(now).map(d -> now.toInstant().plus(d));
    }

    private static URI uri(Secret secret) {
        return secret == null ? null : URI.create(secret.reveal());
    }

    /** The service that runs the targets' syncs. */
    public BackupService service() {
        return service;
    }

    /** Starts every target's schedule. */
    public void start() {
        schedules.forEach((name, schedule) -> {
            SyncSettings settings = TargetPipelines.settingsOf(file.target(name));
            schedule.start(() -> {
                try {
                    service.sync(settings);
                } catch (IllegalStateException e) {
                    LOG.debug("Scheduled sync of {} not run: the service is shutting down", name);
                }
            });
        });
    }

    /**
     * The settings a {@code /sync} body names: {@code {"target": NAME}} (the query's {@code target} is
     * put there by the server). Any other field is refused: a target's settings come from the file only.
     *
     * @throws SyncConfigException naming the field or the target
     */
    public SyncSettings requestSettings(JsonNode body) {
        List<String> others = new ArrayList<>();
        body.fieldNames().forEachRemaining(f -> {
            if (!f.equals("target")) {
                others.add(f);
            }
        });
        if (!others.isEmpty()) {
            throw new SyncConfigException("With --targets a request names a target only (?target=NAME or"
                    + " {\"target\": NAME}); the settings come from " + file.path() + "; unexpected field(s): "
                    + String.join(
                            ", ", others.stream().map(TargetsFile::printable).toList()));
        }
        JsonNode name = body.get("target");
        if (name == null || name.isNull()) {
            if (file.targets().size() == 1) {
                return TargetPipelines.settingsOf(file.targets().get(0));
            }
            throw new SyncConfigException("Name a target: POST /sync?target=NAME (targets: "
                    + String.join(
                            ", ", file.targets().stream().map(Target::name).toList()) + ")");
        }
        if (!name.isTextual()) {
            throw new SyncConfigException("Field 'target' must be a string");
        }
        return TargetPipelines.settingsOf(file.target(name.asText()));
    }

    /** The targets with a Windmill source, by workspace, for Windmill change events. */
    public List<EventRoutes.EventTarget> eventTargets() {
        return file.targets().stream()
                .filter(t -> t.source().equals("windmill"))
                .map(t -> new EventRoutes.EventTarget(
                        t.name(), t.settings().string("windmill.workspace", "admins"), TargetPipelines.settingsOf(t)))
                .toList();
    }

    /** "3 targets (2 scheduled)", for the startup line. */
    public String describe() {
        return file.targets().size() + " target(s) from " + file.path() + " (" + schedules.size() + " scheduled)";
    }

    /** Stops the schedules and the notifiers (the service is drained by its owner). */
    @Override
    public void close() {
        schedules.values().forEach(CronSchedule::close);
        notifiers.forEach(Notifier::close);
    }
}
