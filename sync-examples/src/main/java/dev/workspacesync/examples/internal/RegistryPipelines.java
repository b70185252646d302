package dev.workspacesync.examples.internal;

import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.SyncListener;
import dev.workspacesync.core.SyncPipeline;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.spi.Destination;
import dev.workspacesync.core.spi.Source;
import java.util.List;
import java.util.function.Function;

/**
 * Pipelines of one source type into one destination type, created through the provider registry.
 *
 * @param registry the providers
 * @param sourceType e.g. {@code windmill}
 * @param destinationType e.g. {@code git}
 * @param targetName a secret-free name for what some settings sync
 * @param listeners added to every pipeline (notifications)
 * @param perTarget more listeners for the pipeline of some settings (metrics under the target's name)
 */
public record RegistryPipelines(
        ProviderRegistry registry,
        String sourceType,
        String destinationType,
        Function<SyncSettings, String> targetName,
        List<SyncListener> listeners,
        Function<SyncSettings, List<SyncListener>> perTarget)
        implements BackupService.PipelineFactory {

    /** Pipelines with the same listeners for every target. */
    public RegistryPipelines(
            ProviderRegistry registry,
            String sourceType,
            String destinationType,
            Function<SyncSettings, String> targetName,
            List<SyncListener> listeners) {
        this(registry, sourceType, destinationType, targetName, listeners, s -> List.of());
    }

    @Override
    public String target(SyncSettings settings) {
        return targetName.apply(settings);
    }

    @Override
    public SyncPipeline create(SyncSettings settings) {
        Source source = registry.createSource(sourceType, settings);
        Destination destination;
        try {
            destination = registry.createDestination(destinationType, settings);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
        // A request may carry its own tokens: log lines mask them too.
        Logging.redact(settings.secrets());
        Logging.redact(source.secrets());
        Logging.redact(destination.secrets());
        SyncPipeline.Builder builder =
                SyncPipeline.builder().source(source).destination(destination).secrets(settings.secrets());
        listeners.forEach(builder::listener);
        perTarget.apply(settings).forEach(builder::listener);
        return builder.build();
    }
}
