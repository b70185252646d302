package dev.workspacesync.core;

import dev.workspacesync.core.spi.SettingKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The setting keys a run knows, to catch typos wherever settings come from (a command line, a file, the
 * environment, a request body). A key is <em>used</em> when a provider of this run declares it, and
 * <em>known</em> when any discovered provider does. A key known to no provider is refused with the
 * nearest known key as a "did you mean"; a key of a provider the run does not use is refused only where
 * the caller asks for it ({@code strict}), else {@link #unused} words a warning (the command line warns:
 * one script may pass the same keys to several runs, and a shared config file may hold several
 * providers' keys).
 *
 * <p>A {@linkplain SettingsScope scoped} key ({@code source.git.branch}, {@code destination.windmill.workspace})
 * is fine when the provider of its side declares the unscoped key. One the side's provider does not know is
 * refused, naming the key and the side ({@code source.git.remote-url} when the source is {@code local}),
 * even where an unscoped key of an unused provider would only be a warning: a scope says exactly which
 * provider is meant. A side this run has no provider for (a {@code doctor} of a destination alone) treats
 * its scoped keys like unscoped ones.
 */
public final class KnownSettings {
    /** The prefix of every environment variable that carries a setting ({@link SettingKey#environmentName()}). */
    public static final String ENVIRONMENT_PREFIX = "WORKSPACE_SYNC_";

    private final Map<String, SettingKey> used;
    private final Map<String, SettingKey> known;
    private final Set<String> providers;
    private final Map<SettingsScope, Map<String, SettingKey>> sides = new EnumMap<>(SettingsScope.class);
    private final Map<SettingsScope, List<String>> sideTypes = new EnumMap<>(SettingsScope.class);

    private KnownSettings(Collection<SettingKey> used, Collection<SettingKey> known, Collection<String> providers) {
        this.used = index(used);
        Map<String, SettingKey> all = index(known);
        all.putAll(this.used);
        this.known = Collections.unmodifiableMap(all);
        this.providers = Collections.unmodifiableSet(new java.util.LinkedHashSet<>(providers));
        for (SettingsScope scope : SettingsScope.values()) {
            sides.put(scope, this.used);
            sideTypes.put(scope, List.of());
        }
    }

    private static Map<String, SettingKey> index(Collection<SettingKey> keys) {
        Map<String, SettingKey> map = new TreeMap<>();
        keys.forEach(k -> map.put(k.key(), k));
        return map;
    }

    /**
     * @param used the keys of the providers this run uses
     * @param known the keys of every provider discovered (may repeat {@code used})
     * @param providers the types this run uses, for messages ({@code local}, {@code git})
     */
    public static KnownSettings of(
            Collection<SettingKey> used, Collection<SettingKey> known, Collection<String> providers) {
        return new KnownSettings(used, known, providers);
    }

    /**
     * The keys of one run, side by side, so that scoped keys are checked against their side's provider.
     *
     * @param sourceType the source's type, or null when the run has none (a {@code doctor} of destinations)
     * @param sourceKeys the source provider's keys (empty for none)
     * @param destinationTypes the destinations' types (empty for none)
     * @param destinationKeys every destination provider's keys
     * @param known the keys of every provider discovered
     */
    public static KnownSettings forRun(
            String sourceType,
            Collection<SettingKey> sourceKeys,
            List<String> destinationTypes,
            Collection<SettingKey> destinationKeys,
            Collection<SettingKey> known) {
        List<SettingKey> used = new ArrayList<>(sourceKeys);
        used.addAll(destinationKeys);
        List<String> types = new ArrayList<>();
        if (sourceType != null) {
            types.add(sourceType);
        }
        destinationTypes.stream().filter(t -> !types.contains(t)).forEach(types::add);
        KnownSettings settings = new KnownSettings(used, known, types);
        settings.sides.put(SettingsScope.SOURCE, index(sourceKeys));
        settings.sides.put(SettingsScope.DESTINATION, index(destinationKeys));
        settings.sideTypes.put(SettingsScope.SOURCE, sourceType == null ? List.of() : List.of(sourceType));
        settings.sideTypes.put(SettingsScope.DESTINATION, List.copyOf(destinationTypes));
        return settings;
    }

    /** Every key the run uses. */
    public Set<String> used() {
        return used.keySet();
    }

    /** Every key any provider declares. */
    public Set<String> known() {
        return known.keySet();
    }

    /**
     * What is wrong with one key, if anything.
     *
     * @param channel where the key came from, as a message shows it: {@code --set}, {@code app.properties line 3}
     * @param strict whether a key of a provider this run does not use is refused too
     * @return the problem, naming the key and the channel; empty when the key is fine
     */
    public Optional<String> check(String key, String channel, boolean strict) {
        Optional<SettingsScope> scope = SettingsScope.of(key);
        if (scope.isPresent() && chosen(scope.get())) {
            return checkScoped(scope.get(), key, channel);
        }
        if (scope.isPresent()) {
            // No provider on that side in this run: the key is judged by what it names, like an unscoped one.
            return check(SettingsScope.unscoped(key), channel, strict)
                    .map(p ->
                            p.replace("'" + printable(SettingsScope.unscoped(key)) + "'", "'" + printable(key) + "'"));
        }
        if (used.containsKey(key) || (!strict && known.containsKey(key))) {
            return Optional.empty();
        }
        String shown = "'" + printable(key) + "' (from " + channel + ")";
        if (known.containsKey(key)) {
            return Optional.of(notUsed(key, channel) + "; use " + provider(key)
                    + " as the source or a destination, or drop the setting");
        }
        Optional<String> near = suggest(key, used.keySet());
        if (near.isEmpty()) {
            near = suggest(key, known.keySet());
        }
        return Optional.of("Unknown setting " + shown
                + near.map(n -> "; did you mean '" + n + "'?").orElse("; no setting has a similar name"));
    }

    private boolean chosen(SettingsScope scope) {
        return !sides.get(scope).isEmpty() || !sideTypes.get(scope).isEmpty();
    }

    private Optional<String> checkScoped(SettingsScope scope, String key, String channel) {
        String unscoped = SettingsScope.unscoped(key);
        Map<String, SettingKey> side = sides.get(scope);
        if (side.containsKey(unscoped)) {
            return Optional.empty();
        }
        String shown = "'" + printable(key) + "' (from " + channel + ")";
        List<String> types = sideTypes.get(scope);
        String sideIs = types.isEmpty()
                ? "no " + scope.word() + " of this run has it"
                : (scope == SettingsScope.SOURCE ? "the source" : "the destination")
                        + (types.size() == 1 ? " is " + types.get(0) : "s are " + String.join(", ", types));
        if (known.containsKey(unscoped)) {
            String other = sides.get(scope.other()).containsKey(unscoped)
                    ? "; " + provider(unscoped) + " is the " + scope.other().word() + " here: write '"
                            + scope.other().key(unscoped) + "' (or '" + unscoped + "' for both sides)"
                    : "";
            return Optional.of("Setting " + shown + " is scoped to the " + scope.word() + ", but " + sideIs
                    + ", which has no setting '" + unscoped + "'" + other);
        }
        List<String> candidates = side.keySet().stream().map(scope::key).toList();
        Optional<String> near = suggest(key, candidates);
        if (near.isEmpty()) {
            near = suggest(key, known.keySet().stream().map(scope::key).toList());
        }
        return Optional.of("Unknown setting " + shown
                + near.map(n -> "; did you mean '" + n + "'?").orElse("; no setting has a similar name"));
    }

    /**
     * A warning for a key some provider declares but none of this run's: the run ignores it (a script may
     * pass one set of keys to several runs), yet a person who forgot a destination wants to know.
     *
     * @return the warning, naming the key, the channel and the provider; empty for a used or unknown key
     */
    public Optional<String> unused(String key, String channel) {
        Optional<SettingsScope> scope = SettingsScope.of(key);
        if (scope.isPresent()) {
            // A chosen side's scoped keys are refused by check, never merely warned about.
            return chosen(scope.get())
                    ? Optional.empty()
                    : unused(SettingsScope.unscoped(key), channel)
                            .map(w -> w.replace(
                                    "'" + printable(SettingsScope.unscoped(key)) + "'", "'" + printable(key) + "'"));
        }
        if (used.containsKey(key) || !known.containsKey(key)) {
            return Optional.empty();
        }
        return Optional.of(notUsed(key, channel) + "; ignored");
    }

    private String notUsed(String key, String channel) {
        return "Setting '" + printable(key) + "' (from " + channel + ") belongs to " + provider(key)
                + ", which this run does not use"
                + (providers.isEmpty() ? "" : " (it uses " + String.join(", ", providers) + ")");
    }

    private static String provider(String key) {
        return key.contains(".") ? key.substring(0, key.indexOf('.')) : key;
    }

    /**
     * Problems with the {@code WORKSPACE_SYNC_*} variables of an environment: each must carry a known
     * key ({@link SettingKey#environmentName()}) or be one of {@code otherVariables} (variables with that
     * prefix that are not settings, such as {@code WORKSPACE_SYNC_BIND}). A variable scoped to a side
     * ({@link SettingsScope#environmentName}) is checked as {@link #check} checks its scoped key. Values
     * are never shown.
     */
    public List<String> checkEnvironment(Map<String, String> environment, Collection<String> otherVariables) {
        Map<String, String> names = new TreeMap<>();
        known.values().forEach(k -> {
            names.put(k.environmentName(), k.key());
            for (SettingsScope scope : SettingsScope.values()) {
                names.put(scope.environmentName(k), scope.key(k.key()));
            }
        });
        List<String> problems = new ArrayList<>();
        new TreeSet<>(environment.keySet()).forEach(variable -> {
            if (names.containsKey(variable)
                    && SettingsScope.of(names.get(variable)).isPresent()) {
                check(names.get(variable), "the environment, " + variable, false)
                        .ifPresent(problems::add);
                return;
            }
            if (!variable.startsWith(ENVIRONMENT_PREFIX)
                    || names.containsKey(variable)
                    || otherVariables.contains(variable)) {
                return;
            }
            Optional<String> near = suggest(variable, names.keySet());
            problems.add("Unknown setting '" + printable(variable) + "' (from the environment)"
                    + near.map(n -> "; did you mean '" + n + "' (" + names.get(n) + ")?")
                            .orElse("; no setting has a similar name (variables named " + ENVIRONMENT_PREFIX
                                    + "* carry settings)"));
        });
        return problems;
    }

    /**
     * The candidate nearest to what was typed, if it is a near miss: the case, {@code _} for {@code -},
     * or a few dropped, added, replaced or swapped characters (a quarter of the name at most).
     */
    public static Optional<String> suggest(String typed, Collection<String> candidates) {
        if (typed.length() > 200) {
            return Optional.empty();
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : new TreeSet<>(candidates)) {
            int d = distance(normal(typed), normal(candidate));
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        if (best != null && bestDistance <= Math.max(1, Math.min(3, best.length() / 4))) {
            return Optional.of(best);
        }
        return Optional.empty();
    }

    private static String normal(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Edit distance counting an insertion, a deletion, a replacement or a swap of two neighbours as one
     * (optimal string alignment).
     */
    public static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[a.length()][b.length()];
    }

    /** A name as a message may repeat it: bounded, without control characters or quotes. */
    static String printable(String name) {
        StringBuilder out = new StringBuilder();
        name.codePoints()
                .limit(80)
                .forEach(c -> out.appendCodePoint(
                        Character.isISOControl(c) || c == '\'' || Character.getType(c) == Character.FORMAT ? '?' : c));
        return name.codePointCount(0, name.length()) > 80 ? out.append('…').toString() : out.toString();
    }
}
