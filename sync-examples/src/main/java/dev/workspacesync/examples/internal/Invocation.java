package dev.workspacesync.examples.internal;

import dev.workspacesync.core.KnownSettings;
import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.Redactor;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.spi.DestinationProvider;
import dev.workspacesync.core.spi.SettingKey;
import dev.workspacesync.core.spi.SourceProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * The providers and settings of one command line, prepared the same way for {@code run} and
 * {@code doctor}: the types chosen (options, else a config file), their providers, and the settings of
 * every channel with each key checked (a typo refused with a did-you-mean) and each provider's keys
 * validated. Every problem is named at once.
 *
 * <p>The source and a destination may be of one type: each provider's keys are checked and validated
 * against its side's view ({@link SyncSettings#forSource()}, {@link SyncSettings#forDestination()}), a key
 * scoped to a side whose provider does not know it is refused ({@link KnownSettings#forRun}), and the
 * problems of a same-type run say which side they are about.
 *
 * @param source the source provider, or null when only destinations were chosen
 * @param destinations the destination providers, in the order chosen
 * @param settings the resolved, validated settings
 * @param warnings what the user should hear but does not stop the run (a {@code --set} key no provider
 *     of this run uses)
 */
public record Invocation(
        SourceProvider source, List<DestinationProvider> destinations, SyncSettings settings, List<String> warnings) {

    public Invocation {
        destinations = List.copyOf(destinations);
        warnings = List.copyOf(warnings);
    }

    /**
     * @param selection the chosen types; its source may be null and its destinations empty
     * @throws SyncConfigException naming every unknown type, unknown key and bad value (secrets masked)
     */
    public static Invocation prepare(
            SettingsResolver resolver, SettingsResolver.Selection selection, ProviderRegistry registry) {
        List<String> problems = new ArrayList<>();
        SourceProvider source = null;
        if (selection.source() != null) {
            source = registry.source(selection.source()).orElse(null);
            if (source == null) {
                problems.add(unknownType(
                        "source",
                        selection.source(),
                        selection.sourceOrigin(),
                        registry.sources().stream().map(SourceProvider::type).toList()));
            }
        }
        List<DestinationProvider> destinations = new ArrayList<>();
        for (String type : selection.destinations()) {
            registry.destination(type)
                    .ifPresentOrElse(
                            destinations::add,
                            () -> problems.add(unknownType(
                                    "destination",
                                    type,
                                    selection.destinationOrigin(),
                                    registry.destinations().stream()
                                            .map(DestinationProvider::type)
                                            .toList())));
        }
        if (!problems.isEmpty()) {
            throw new SyncConfigException(problems);
        }
        List<SettingKey> sourceKeys = source == null ? List.of() : source.settings();
        List<SettingKey> destinationKeys =
                destinations.stream().flatMap(p -> p.settings().stream()).toList();
        List<SettingKey> keys = new ArrayList<>(sourceKeys);
        keys.addAll(destinationKeys);

        // Every key of every channel checked: a typo is refused (with a did-you-mean), never ignored.
        KnownSettings known = KnownSettings.forRun(
                source == null ? null : source.type(),
                sourceKeys,
                destinations.stream().map(DestinationProvider::type).toList(),
                destinationKeys,
                SettingsResolver.allKeys(registry));
        SyncSettings settings = resolver.resolve(known, keys).settings();
        Logging.redact(settings.secrets());
        // One type on both sides: a problem says whose it is (both sides may lack the same key).
        boolean sameType =
                source != null && destinations.stream().anyMatch(d -> d.type().equals(selection.source()));
        // Validate every provider's keys first, so one error lists every bad key of every provider.
        if (source != null) {
            validate(settings.forSource(), sourceKeys, sameType ? "For the source: " : "", problems);
        }
        for (DestinationProvider destination : destinations) {
            validate(
                    settings.forDestination(),
                    destination.settings(),
                    sameType ? "For the destination: " : "",
                    problems);
        }
        if (!problems.isEmpty()) {
            Redactor redactor = Redactor.of(settings.secrets());
            throw new SyncConfigException(
                    problems.stream().map(redactor::redact).distinct().toList());
        }
        return new Invocation(source, destinations, settings, resolver.warnings(known));
    }

    /**
     * {@code Unknown source type 'lcoal' (from --source); known: [databricks, git, local, windmill]; did you
     * mean 'local'?}: a type typo is caught like a key typo.
     */
    public static String unknownType(String side, String type, String origin, List<String> known) {
        return "Unknown " + side + " type '" + type + "'" + (origin == null ? "" : " (from " + origin + ")")
                + "; known: " + known
                + KnownSettings.suggest(type, known)
                        .map(t -> "; did you mean '" + t + "'?")
                        .orElse("");
    }

    private static void validate(SyncSettings view, List<SettingKey> keys, String side, List<String> problems) {
        try {
            view.validate(keys);
        } catch (SyncConfigException e) {
            e.problems().forEach(p -> problems.add(side + p));
        }
    }
}
