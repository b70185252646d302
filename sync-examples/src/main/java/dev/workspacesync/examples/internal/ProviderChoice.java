package dev.workspacesync.examples.internal;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options that choose providers and settings, one definition for {@code run}, {@code doctor} and
 * {@code providers --explain}: {@code --source}, {@code --destination}, {@code --set}, {@code --config}.
 */
public final class ProviderChoice {
    @Option(
            names = "--source",
            paramLabel = "TYPE",
            description = "Source type (see providers); default: the config file's source.")
    private String source;

    @Option(
            names = "--destination",
            paramLabel = "TYPE",
            description = "Destination type; repeat to fan out to several; default: the config file's destination.")
    private List<String> destinations;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A setting, e.g. --set git.branch=main.")
    private Map<String, String> sets = new LinkedHashMap<>();

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "A .properties file of settings (instead of ./workspace-sync.properties and"
                    + " ~/.config/workspace-sync/config.properties).")
    private Path config;

    /** Whether any of these options was given. */
    public boolean given() {
        return source != null || destinations != null || !sets.isEmpty() || config != null;
    }

    /**
     * The settings of every channel, read as {@link SettingsResolver#load} reads them from the working
     * directory.
     */
    public SettingsResolver load(Map<String, String> environment, Path home) {
        return SettingsResolver.load(sets, config, Path.of(""), environment, home);
    }

    /** The source and destinations of a run ({@link SettingsResolver#select}). */
    public SettingsResolver.Selection select(
            SettingsResolver resolver, dev.workspacesync.core.ProviderRegistry registry) {
        return resolver.select(source, destinations, registry);
    }

    /** The types chosen, possibly in part; null when none ({@link SettingsResolver#choose}). */
    public SettingsResolver.Selection choose(SettingsResolver resolver) {
        return resolver.choose(source, destinations);
    }
}
