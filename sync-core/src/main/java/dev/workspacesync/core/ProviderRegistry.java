package dev.workspacesync.core;

import dev.workspacesync.core.spi.Destination;
import dev.workspacesync.core.spi.DestinationProvider;
import dev.workspacesync.core.spi.Source;
import dev.workspacesync.core.spi.SourceProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source and destination providers available, by type name. Building sources and destinations
 * explicitly is the first-class path; this registry is the convenience for configuration-driven tools.
 *
 * <p>{@link #discover} uses {@link ServiceLoader}. A provider that cannot be loaded is reported in
 * {@link #problems()} and does not hide the others; two providers claiming one type fail fast.
 *
 * <p>A source and a destination may be of the same type: {@link #createSource} hands the provider the
 * source's view of the settings ({@link SyncSettings#forSource()}), {@link #createDestination} the
 * destinations' ({@link SyncSettings#forDestination()}), so {@code source.<key>} and {@code
 * destination.<key>} give each side its own value ({@link SettingsScope}).
 */
public final class ProviderRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistry.class);

    private final Map<String, SourceProvider> sources;
    private final Map<String, DestinationProvider> destinations;
    private final List<String> problems;

    private ProviderRegistry(
            Map<String, SourceProvider> sources, Map<String, DestinationProvider> destinations, List<String> problems) {
        this.sources = Collections.unmodifiableMap(sources);
        this.destinations = Collections.unmodifiableMap(destinations);
        this.problems = List.copyOf(problems);
    }

    /** Finds providers with the context class loader (or this class's loader if there is none). */
    public static ProviderRegistry discover() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return discover(loader != null ? loader : ProviderRegistry.class.getClassLoader());
    }

    /**
     * Finds providers with a class loader.
     *
     * @throws SyncConfigException if two providers claim the same type
     */
    public static ProviderRegistry discover(ClassLoader loader) {
        List<String> problems = new ArrayList<>();
        List<SourceProvider> sources = load(SourceProvider.class, loader, problems);
        List<DestinationProvider> destinations = load(DestinationProvider.class, loader, problems);
        ProviderRegistry registry = of(sources, destinations, problems);
        LOG.debug(
                "Discovered sources {} and destinations {}", registry.sources.keySet(), registry.destinations.keySet());
        return registry;
    }

    /**
     * A registry of exactly these providers.
     *
     * @throws SyncConfigException if two providers claim the same type
     */
    public static ProviderRegistry of(List<SourceProvider> sources, List<DestinationProvider> destinations) {
        return of(sources, destinations, List.of());
    }

    private static ProviderRegistry of(
            List<SourceProvider> sources, List<DestinationProvider> destinations, List<String> problems) {
        return new ProviderRegistry(
                index("source", sources, SourceProvider::type),
                index("destination", destinations, DestinationProvider::type),
                problems);
    }

    private static <P> List<P> load(Class<P> service, ClassLoader loader, List<String> problems) {
        List<P> found = new ArrayList<>();
        Iterator<P> it = ServiceLoader.load(service, loader).iterator();
        // The iterator keeps going after a broken provider; the bound guards against one that never ends.
        for (int i = 0; i < 10_000; i++) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                String problem = "Cannot load a " + service.getSimpleName() + ": " + e.getMessage();
                LOG.warn(problem, e);
                problems.add(problem);
            }
        }
        return found;
    }

    private static <P> Map<String, P> index(String kind, List<P> providers, Function<P, String> type) {
        Map<String, P> byType = new TreeMap<>();
        for (P provider : providers) {
            String name = type.apply(provider);
            if (Arrays.stream(SettingsScope.values()).anyMatch(s -> s.word().equals(name))) {
                // Its keys would read as scoped ones (source.x): a type may not be a side's name.
                throw new SyncConfigException(
                        "The " + kind + " provider " + provider.getClass().getName() + " claims type '" + name
                                + "', which is reserved for scoped settings");
            }
            P previous = byType.putIfAbsent(name, provider);
            if (previous != null) {
                throw new SyncConfigException("Two " + kind + " providers claim type '" + name + "': "
                        + previous.getClass().getName() + " and "
                        + provider.getClass().getName());
            }
        }
        return byType;
    }

    public Optional<SourceProvider> source(String type) {
        return Optional.ofNullable(sources.get(type));
    }

    public Optional<DestinationProvider> destination(String type) {
        return Optional.ofNullable(destinations.get(type));
    }

    /** Every source provider, sorted by type. */
    public List<SourceProvider> sources() {
        return List.copyOf(sources.values());
    }

    /** Every destination provider, sorted by type. */
    public List<DestinationProvider> destinations() {
        return List.copyOf(destinations.values());
    }

    /** Providers that could not be loaded, one sentence each. */
    public List<String> problems() {
        return problems;
    }

    /**
     * Creates a source of a type from the source's view of settings ({@link SyncSettings#forSource()}),
     * validated against the provider's keys first.
     *
     * @throws SyncConfigException for an unknown type or bad settings (every problem at once)
     */
    public Source createSource(String type, SyncSettings settings) {
        SourceProvider provider = source(type)
                .orElseThrow(() -> new SyncConfigException(
                        "Unknown source type '" + type + "'; known: " + sources.keySet() + problemsHint()));
        return provider.create(settings.forSource().validate(provider.settings()));
    }

    /**
     * Creates a destination of a type from the destinations' view of settings ({@link
     * SyncSettings#forDestination()}), validated against the provider's keys first.
     *
     * @throws SyncConfigException for an unknown type or bad settings (every problem at once)
     */
    public Destination createDestination(String type, SyncSettings settings) {
        DestinationProvider provider = destination(type)
                .orElseThrow(() -> new SyncConfigException(
                        "Unknown destination type '" + type + "'; known: " + destinations.keySet() + problemsHint()));
        return provider.create(settings.forDestination().validate(provider.settings()));
    }

    private String problemsHint() {
        return problems.isEmpty() ? "" : " (some providers failed to load: " + String.join("; ", problems) + ")";
    }
}
