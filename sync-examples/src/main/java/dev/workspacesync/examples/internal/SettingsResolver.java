package dev.workspacesync.examples.internal;

import dev.workspacesync.core.KnownSettings;
import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.SettingsScope;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.spi.SettingKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Layers settings for the command line: {@code --set} over the config files over the environment over
 * the providers' defaults, and checks every key of every layer for typos ({@link KnownSettings}).
 *
 * <p>Every channel takes {@linkplain SettingsScope scoped} keys too ({@code source.windmill.workspace},
 * {@code destination.git.branch}; in the environment {@code WORKSPACE_SYNC_SOURCE_<KEY>} and {@code
 * WORKSPACE_SYNC_DESTINATION_<KEY>}): layering treats them as keys of their own, so a scoped value from any
 * layer wins over an unscoped one from any layer, for its side ({@link SyncSettings#forScope}).
 *
 * <p>Config files: {@code --config FILE} when given; otherwise every one found of
 * {@code ./workspace-sync.properties} (the project's) and
 * {@code $XDG_CONFIG_HOME/workspace-sync/config.properties} (the user's; {@code ~/.config} when
 * {@code XDG_CONFIG_HOME} is unset), layered like git's local over global config: a key in the project
 * file wins. Besides settings, a file may name the {@code source} and the {@code destination} (a comma
 * list).
 *
 * <p>The environment carries each key as {@code WORKSPACE_SYNC_<KEY>}, and the seed service's names
 * ({@code WINDMILL_TOKEN}, {@code GIT_REMOTE_URL}, …: each key's {@link SettingKey#environmentAlias()}) for the
 * keys they always meant; the generic name
 * wins when both are set. {@code DATABRICKS_*} variables are read by the Databricks SDK itself.
 */
public final class SettingsResolver {

    /** Variables named {@code WORKSPACE_SYNC_*} that are not provider settings. */
    public static final Set<String> OTHER_VARIABLES = java.util.stream.Stream.concat(
                    Set.of("WORKSPACE_SYNC_BIND", Logging.FORMAT_VARIABLE, Logging.LEVEL_VARIABLE).stream(),
                    DeployOptions.VARIABLES.stream())
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    /** The project's config file, looked for in the working directory. */
    public static final String PROJECT_FILE = "workspace-sync.properties";

    /** The config file keys that are not provider settings. */
    public static final String SOURCE = "source";

    public static final String DESTINATION = "destination";

    private final Map<String, String> sets;
    private final List<ConfigFile> files;
    private final List<Path> looked;
    private final Map<String, String> environment;

    private SettingsResolver(
            Map<String, String> sets, List<ConfigFile> files, List<Path> looked, Map<String, String> environment) {
        this.sets = new LinkedHashMap<>(sets);
        this.files = List.copyOf(files);
        this.looked = List.copyOf(looked);
        this.environment = Map.copyOf(environment);
    }

    /**
     * Reads the settings of one command line: its {@code --set} values, its {@code --config} file (or the
     * files found in {@code workingDirectory} and the user's config directory) and its environment.
     *
     * @param config the {@code --config} file, or null to look for the usual ones
     * @param home the user's home, for {@code ~/.config} when {@code XDG_CONFIG_HOME} is unset
     * @throws SyncConfigException naming a file that is missing (when named) or unreadable
     */
    public static SettingsResolver load(
            Map<String, String> sets, Path config, Path workingDirectory, Map<String, String> environment, Path home) {
        List<Path> candidates =
                config != null ? List.of(config) : configCandidates(workingDirectory, environment, home);
        List<ConfigFile> files = new ArrayList<>();
        for (Path candidate : candidates) {
            if (config != null || Files.isRegularFile(candidate)) {
                files.add(ConfigFile.read(candidate));
            }
        }
        return new SettingsResolver(sets == null ? Map.of() : sets, files, candidates, environment);
    }

    /** Where config files are looked for without {@code --config}, the winning one first. */
    public static List<Path> configCandidates(Path workingDirectory, Map<String, String> environment, Path home) {
        String xdg = environment.get("XDG_CONFIG_HOME");
        // Like git and the XDG spec: a relative XDG_CONFIG_HOME is ignored.
        Path configHome =
                xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".config");
        return List.of(
                workingDirectory.toAbsolutePath().normalize().resolve(PROJECT_FILE),
                configHome.resolve("workspace-sync").resolve("config.properties"));
    }

    /** The config files read, the winning one first. */
    public List<Path> files() {
        return files.stream().map(ConfigFile::path).toList();
    }

    /** Where config files were looked for (or the one named by {@code --config}). */
    public List<Path> looked() {
        return looked;
    }

    /** The source a config file names, with where it came from. */
    public Optional<Sourced> source() {
        return fromFiles(SOURCE);
    }

    /** The destinations a config file names (a comma list), with where they came from. */
    public Optional<Sourced> destination() {
        return fromFiles(DESTINATION);
    }

    private Optional<Sourced> fromFiles(String key) {
        for (ConfigFile file : files) {
            String value = file.values().get(key);
            if (value != null && !value.isBlank()) {
                return Optional.of(new Sourced(value.strip(), file.origin(key)));
            }
        }
        return Optional.empty();
    }

    /** The providers of a run and where each choice came from ({@code --source}, or a config file line). */
    public record Selection(String source, String sourceOrigin, List<String> destinations, String destinationOrigin) {
        public Selection {
            destinations = List.copyOf(destinations);
        }
    }

    /**
     * The providers chosen, as {@code run} chooses them (the options when given, else the config files'),
     * possibly only a source or only destinations; null when nothing is chosen at all.
     *
     * @param destinationOptions the {@code --destination} values (null or empty: none given)
     */
    public Selection choose(String sourceOption, List<String> destinationOptions) {
        Optional<Sourced> source = sourceOption != null && !sourceOption.isBlank()
                ? Optional.of(new Sourced(sourceOption.strip(), "--source"))
                : source();
        Optional<Sourced> destination = destinationOptions != null && !destinationOptions.isEmpty()
                ? Optional.of(new Sourced(String.join(",", destinationOptions), "--destination"))
                : destination();
        if (source.isEmpty() && destination.isEmpty()) {
            return null;
        }
        return new Selection(
                source.map(Sourced::value).orElse(null),
                source.map(Sourced::origin).orElse(null),
                destination.map(Sourced::list).orElse(List.of()),
                destination.map(Sourced::origin).orElse(null));
    }

    /**
     * The source and destinations of a run: the options when given, else the config files'.
     *
     * @param destinationOptions the {@code --destination} values (null or empty: none given)
     * @throws SyncConfigException saying exactly what to pass, or where to write it, when one is missing
     */
    public Selection select(String sourceOption, List<String> destinationOptions, ProviderRegistry registry) {
        Selection chosen = choose(sourceOption, destinationOptions);
        List<String> problems = new ArrayList<>();
        String where = looked.size() == 1
                ? looked.get(0).toString()
                : String.join(" or ", looked.stream().map(Path::toString).toList());
        if (chosen == null || chosen.source() == null) {
            problems.add("No source: pass --source TYPE (one of "
                    + registry.sources().stream().map(p -> p.type()).toList() + "), or put 'source=TYPE' in "
                    + where);
        }
        if (chosen == null || chosen.destinations().isEmpty()) {
            problems.add("No destination: pass --destination TYPE (one of "
                    + registry.destinations().stream().map(p -> p.type()).toList()
                    + "; repeat it to fan out), or put 'destination=TYPE[,TYPE…]' in " + where);
        }
        if (!problems.isEmpty()) {
            throw new SyncConfigException(problems);
        }
        return chosen;
    }

    /** A value and where it came from. */
    public record Sourced(String value, String origin) {
        /** The value as a comma list. */
        public List<String> list() {
            return Arrays.stream(value.split(","))
                    .map(String::strip)
                    .filter(s -> !s.isEmpty())
                    .toList();
        }
    }

    /**
     * The settings of a run, each key checked: every key of every channel must belong to some provider
     * (a {@code --set} key of a provider this run does not use is only a {@link #warnings warning}).
     *
     * @throws SyncConfigException listing every unknown key with its channel and a "did you mean"
     */
    public Resolved resolve(KnownSettings known, Collection<SettingKey> used) {
        List<String> problems = problems(known);
        if (!problems.isEmpty()) {
            throw new SyncConfigException(problems);
        }
        return layered(used);
    }

    /** Every unknown key of every channel, each named with its channel and a "did you mean". */
    public List<String> problems(KnownSettings known) {
        List<String> problems = new ArrayList<>();
        sets.keySet().forEach(key -> known.check(key.strip(), "--set", false).ifPresent(problems::add));
        for (ConfigFile file : files) {
            file.values().keySet().forEach(key -> {
                if (!key.equals(SOURCE) && !key.equals(DESTINATION)) {
                    known.check(key, file.origin(key), false).ifPresent(problems::add);
                }
            });
        }
        problems.addAll(known.checkEnvironment(environment, OTHER_VARIABLES));
        return problems;
    }

    /** Warnings for {@code --set} keys of providers this run does not use (ignored, and said so). */
    public List<String> warnings(KnownSettings known) {
        List<String> warnings = new ArrayList<>();
        sets.keySet().forEach(key -> known.unused(key.strip(), "--set").ifPresent(warnings::add));
        return warnings;
    }

    /** The settings of every layer, unchecked, with where each value came from. */
    public Resolved layered(Collection<SettingKey> used) {
        Map<String, String> origins = new LinkedHashMap<>();
        Map<String, String> merged = new LinkedHashMap<>();
        environmentOrigins(environment, used).forEach((key, variable) -> origins.put(key, "env " + variable));
        for (int i = files.size() - 1; i >= 0; i--) {
            ConfigFile file = files.get(i);
            file.values().forEach((key, value) -> {
                if (!key.equals(SOURCE) && !key.equals(DESTINATION)) {
                    merged.put(key, value);
                    origins.put(key, file.origin(key));
                }
            });
        }
        sets.forEach((key, value) -> {
            merged.put(key.strip(), value);
            origins.put(key.strip(), "--set");
        });
        SyncSettings settings = SyncSettings.of(merged)
                .orElse(fromEnvironment(environment, used))
                .withSecretsOf(used);
        origins.keySet().retainAll(settings.keys());
        return new Resolved(settings, origins);
    }

    /**
     * Settings and where each value came from: {@code --set}, {@code <file> line <n>},
     * {@code env <VARIABLE>}. A key without an origin has no value here (its default applies, if any).
     */
    public record Resolved(SyncSettings settings, Map<String, String> origins) {
        public Resolved {
            origins = Map.copyOf(origins);
        }
    }

    /** The settings the environment carries for these keys (generic names, then the seed's aliases). */
    public static SyncSettings fromEnvironment(Map<String, String> environment, Collection<SettingKey> keys) {
        return SyncSettings.fromEnvironment(environment, keys);
    }

    /**
     * For each key the environment sets, the variable that set it (the generic name over the seed's), and
     * for each scoped key its {@code WORKSPACE_SYNC_SOURCE_*} / {@code WORKSPACE_SYNC_DESTINATION_*} variable.
     */
    static Map<String, String> environmentOrigins(Map<String, String> environment, Collection<SettingKey> keys) {
        Map<String, String> origins = new LinkedHashMap<>();
        for (SettingKey key : keys) {
            SyncSettings.environmentVariable(environment, key).ifPresent(variable -> origins.put(key.key(), variable));
            for (SettingsScope scope : SettingsScope.values()) {
                SyncSettings.environmentVariable(environment, key, scope)
                        .ifPresent(variable -> origins.put(scope.key(key.key()), variable));
            }
        }
        return origins;
    }

    /**
     * Refuses {@code WORKSPACE_SYNC_*} variables that carry no setting of any discovered provider (for
     * {@code serve}, which reads its settings from the environment alone).
     *
     * @throws SyncConfigException naming each such variable, with a "did you mean"
     */
    public static void checkEnvironment(Map<String, String> environment, ProviderRegistry registry) {
        List<String> problems = KnownSettings.of(List.of(), allKeys(registry), List.of())
                .checkEnvironment(environment, OTHER_VARIABLES);
        if (!problems.isEmpty()) {
            throw new SyncConfigException(problems);
        }
    }

    /** Every key of every discovered provider. */
    public static List<SettingKey> allKeys(ProviderRegistry registry) {
        List<SettingKey> all = new ArrayList<>();
        registry.sources().forEach(p -> all.addAll(p.settings()));
        registry.destinations().forEach(p -> all.addAll(p.settings()));
        return all;
    }

    /** One config file's values, with the line each key is on. */
    record ConfigFile(Path path, Map<String, String> values, Map<String, Integer> lines) {
        static ConfigFile read(Path path) {
            Map<String, String> values = new LinkedHashMap<>();
            SyncSettings settings = SyncSettings.fromProperties(path);
            settings.keys().forEach(k -> values.put(k, settings.get(k).orElse("")));
            return new ConfigFile(path, values, lines(path, values.keySet()));
        }

        /** Where a key came from, as a message names it. */
        String origin(String key) {
            Integer line = lines.get(key);
            return path + (line == null ? "" : " line " + line);
        }

        /**
         * The line of each key: the last line starting with it followed by a separator (the value
         * {@link java.util.Properties} keeps). Keys written with escapes may have no line.
         */
        private static Map<String, Integer> lines(Path path, Collection<String> keys) {
            Map<String, Integer> lines = new LinkedHashMap<>();
            List<String> text;
            try {
                text = Files.readAllLines(path, StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                return lines;
            }
            boolean continued = false;
            for (int i = 0; i < text.size(); i++) {
                String line = text.get(i).stripLeading();
                boolean comment = !continued && (line.startsWith("#") || line.startsWith("!"));
                boolean startsEntry = !continued && !comment && !line.isEmpty();
                continued = !comment && endsContinued(line);
                if (!startsEntry) {
                    continue;
                }
                for (String key : keys) {
                    if (line.startsWith(key)
                            && (line.length() == key.length() || " \t=:".indexOf(line.charAt(key.length())) >= 0)) {
                        lines.put(key, i + 1);
                    }
                }
            }
            return lines;
        }

        private static boolean endsContinued(String line) {
            int backslashes = 0;
            for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
                backslashes++;
            }
            return backslashes % 2 == 1;
        }
    }
}
