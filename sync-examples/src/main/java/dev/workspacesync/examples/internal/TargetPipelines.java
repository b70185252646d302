package dev.workspacesync.examples.internal;

import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncListener;
import dev.workspacesync.core.SyncPipeline;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.spi.Destination;
import dev.workspacesync.core.spi.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Pipelines of the named targets of a targets file. The settings {@link BackupService} passes around are
 * a target's own settings plus {@link #TARGET_KEY}, its name: a request names a target, never settings.
 *
 * @param registry the providers
 * @param targets by name
 * @param listeners the listeners of each target's pipeline (its notifier, metrics)
 */
public record TargetPipelines(
        ProviderRegistry registry, Map<String, Target> targets, Function<Target, List<SyncListener>> listeners)
        implements BackupService.PipelineFactory {

    /** The setting that carries the target's name through {@link BackupService}; no provider reads it. */
    public static final String TARGET_KEY = "serve.target";

    public TargetPipelines {
        targets = Map.copyOf(targets);
    }

    /** The settings that name this target. */
    public static SyncSettings settingsOf(Target target) {
        return target.settings().with(TARGET_KEY, target.name());
    }

    @Override
    public String target(SyncSettings settings) {
        return settings.get(TARGET_KEY).orElseThrow(() -> new SyncConfigException("No target named"));
    }

    @Override
    public SyncPipeline create(SyncSettings settings) {
        Target target = targets.get(target(settings));
        if (target == null) {
            throw new SyncConfigException("No target '" + target(settings) + "'");
        }
        return build(registry, target, listeners.apply(target), SyncPipeline.builder());
    }

    /**
     * The pipeline of one target: its source, its destinations, its listeners, over {@code builder}'s
     * options (dry run, deletion guard).
     *
     * @throws SyncConfigException if a provider refuses the settings
     */
    public static SyncPipeline build(
            ProviderRegistry registry, Target target, List<SyncListener> listeners, SyncPipeline.Builder builder) {
        SyncSettings settings = target.settings();
        Source source = registry.createSource(target.source(), settings);
        List<Destination> destinations = new ArrayList<>();
        try {
            for (String type : target.destinations()) {
                destinations.add(registry.createDestination(type, settings));
            }
        } catch (RuntimeException e) {
            destinations.forEach(Destination::close);
            source.close();
            throw e;
        }
        Logging.redact(settings.secrets());
        Logging.redact(source.secrets());
        destinations.forEach(d -> Logging.redact(d.secrets()));
        builder.source(source).destinations(destinations).secrets(settings.secrets());
        listeners.forEach(builder::listener);
        return builder.build();
    }
}
