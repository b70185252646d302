package dev.workspacesync.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workspacesync.core.spi.SettingKey;
import dev.workspacesync.core.testing.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KnownSettingsTest {
    /** Keys shaped like the real providers' (near neighbours included: includes/excludes, every/every-runs). */
    private static final List<SettingKey> GIT = keys(
            "git.remote-url",
            "git.branch",
            "git.token",
            "git.username",
            "git.ssh-key",
            "git.ssh-key-passphrase",
            "git.author-name",
            "git.author-email",
            "git.work-dir",
            "git.push-attempts",
            "git.deadline");

    private static final List<SettingKey> LOCAL =
            keys("local.path", "local.mode", "local.ref", "local.include", "local.exclude");
    private static final List<SettingKey> OTHERS = keys(
            "databricks.host",
            "databricks.token",
            "databricks.reconcile-every",
            "databricks.reconcile-every-runs",
            "databricks.state-dir",
            "windmill.includes",
            "windmill.excludes",
            "windmill.extra-includes",
            "directory.path",
            "directory.state-dir");

    private static List<SettingKey> keys(String... names) {
        return Stream.of(names)
                .map(n -> SettingKey.optional(n, SettingKey.Type.STRING, null, "test"))
                .toList();
    }

    private static List<SettingKey> all() {
        List<SettingKey> all = new ArrayList<>(GIT);
        all.addAll(LOCAL);
        all.addAll(OTHERS);
        return all;
    }

    private static KnownSettings known() {
        List<SettingKey> used = new ArrayList<>(LOCAL);
        used.addAll(GIT);
        return KnownSettings.of(used, all(), List.of("local", "git"));
    }

    static Stream<Long> seeds() {
        return Seeds.seeds(20);
    }

    /** A near miss of a real key: a dropped, swapped, replaced or added character, _ for -, or another case. */
    static String typo(SplittableRandom random, String key) {
        int i = random.nextInt(key.length());
        return switch (random.nextInt(6)) {
            case 0 -> key.substring(0, i) + key.substring(i + 1);
            case 1 ->
                i + 1 < key.length()
                        ? key.substring(0, i) + key.charAt(i + 1) + key.charAt(i) + key.substring(i + 2)
                        : key.substring(0, i) + "x";
            case 2 -> key.substring(0, i) + (char) ('a' + random.nextInt(26)) + key.substring(i + 1);
            case 3 -> key.substring(0, i) + (char) ('a' + random.nextInt(26)) + key.substring(i);
            case 4 -> key.contains("-") ? key.replace('-', '_') : key.replace('.', '_');
            default -> key.toUpperCase(Locale.ROOT);
        };
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void everyNearMissOfAUsedKeyIsRefusedWithTheNearestKey(long seed) {
        SplittableRandom random = Seeds.random("KnownSettingsTest.nearMiss", seed);
        KnownSettings known = known();
        List<SettingKey> used = new ArrayList<>(LOCAL);
        used.addAll(GIT);
        for (int n = 0; n < 200; n++) {
            String key = used.get(random.nextInt(used.size())).key();
            String typo = typo(random, key);
            if (known.known().contains(typo)) {
                continue; // the "typo" is another real key
            }
            for (boolean strict : new boolean[] {true, false}) {
                Optional<String> problem = known.check(typo, "--set", strict);
                assertThat(problem).as("typo %s of %s", typo, key).isPresent();
                String message = problem.get();
                assertThat(message).startsWith("Unknown setting '").contains("(from --set)");
                String suggested = message.replaceAll(".*did you mean '([^']*)'\\?$", "$1");
                assertThat(message).as("typo %s of %s", typo, key).contains("did you mean");
                // The original, or a key at least as near (e.g. local.include for a typo of local.exclude).
                if (!suggested.equals(key)) {
                    assertThat(KnownSettings.distance(norm(typo), norm(suggested)))
                            .as("%s suggested for %s (typo of %s)", suggested, typo, key)
                            .isLessThanOrEqualTo(KnownSettings.distance(norm(typo), norm(key)));
                }
            }
        }
    }

    private static String norm(String s) {
        return s.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void everyNearMissInTheEnvironmentIsRefusedAndNoValueIsShown(long seed) {
        SplittableRandom random = Seeds.random("KnownSettingsTest.environment", seed);
        KnownSettings known = known();
        List<SettingKey> all = all();
        for (int n = 0; n < 100; n++) {
            SettingKey key = all.get(random.nextInt(all.size()));
            String name = key.environmentName();
            String typo = KnownSettings.ENVIRONMENT_PREFIX
                    + typo(random, name.substring(KnownSettings.ENVIRONMENT_PREFIX.length()))
                            .toUpperCase(Locale.ROOT)
                            .replace('-', '_')
                            .replace('.', '_');
            boolean real = all.stream().anyMatch(k -> k.environmentName().equals(typo));
            Map<String, String> env = new java.util.HashMap<>(Map.of(name, "ok"));
            env.put(typo, "s3cr3t-value");
            List<String> problems = known.checkEnvironment(env, List.of());
            if (real) {
                assertThat(problems).isEmpty();
                continue;
            }
            assertThat(problems).as(typo).hasSize(1);
            assertThat(problems.get(0))
                    .startsWith("Unknown setting '" + typo + "' (from the environment)")
                    .contains("did you mean 'WORKSPACE_SYNC_")
                    .doesNotContain("s3cr3t");
        }
    }

    @Test
    void knownKeysPassAndKeysOfOtherProvidersAreRefusedOnlyWhenStrict() {
        KnownSettings known = known();
        assertThat(known.check("git.branch", "--set", true)).isEmpty();
        assertThat(known.check("databricks.host", "f.properties line 2", false)).isEmpty();
        assertThat(known.check("databricks.host", "--set", true))
                .contains("Setting 'databricks.host' (from --set) belongs to databricks, which this run does not use"
                        + " (it uses local, git); use databricks as the source or a destination, or drop the setting");
        assertThat(known.unused("databricks.host", "--set"))
                .contains("Setting 'databricks.host' (from --set) belongs to databricks, which this run does not use"
                        + " (it uses local, git); ignored");
        assertThat(known.unused("git.branch", "--set")).isEmpty();
        assertThat(known.unused("git.brnch", "--set")).isEmpty();
        assertThat(known.check("git.remote_url", "--set", true))
                .contains("Unknown setting 'git.remote_url' (from --set); did you mean 'git.remote-url'?");
        assertThat(known.check("local.exclud", "/p/w.properties line 3", false))
                .contains(
                        "Unknown setting 'local.exclud' (from /p/w.properties line 3); did you mean 'local.exclude'?");
        // A typo of another provider's key is still suggested.
        assertThat(known.check("databricks.hots", "--set", true))
                .hasValueSatisfying(m -> assertThat(m).contains("did you mean 'databricks.host'?"));
    }

    @Test
    void farOffAndHostileNamesGetNoSuggestionAndAreShownSafely() {
        KnownSettings known = known();
        assertThat(known.check("colour", "--set", true))
                .contains("Unknown setting 'colour' (from --set); no setting has a similar name");
        assertThat(known.check("git.bra\nnch'\u202e", "--set", true).orElseThrow())
                .doesNotContain("\n")
                .doesNotContain("\u202e")
                .contains("git.bra?nch??");
        String longName = "git.branch" + "x".repeat(5000);
        assertThat(known.check(longName, "--set", true).orElseThrow()).hasSizeLessThan(300);
        assertThat(known.checkEnvironment(
                        Map.of("WORKSPACE_SYNC_BIND", "x", "PATH", "/bin"), List.of("WORKSPACE_SYNC_BIND")))
                .isEmpty();
    }

    @Test
    void distanceCountsEachEditOnce() {
        assertThat(KnownSettings.distance("branch", "branch")).isZero();
        assertThat(KnownSettings.distance("branch", "brnch")).isEqualTo(1);
        assertThat(KnownSettings.distance("branch", "barnch")).isEqualTo(1);
        assertThat(KnownSettings.distance("branch", "bramch")).isEqualTo(1);
        assertThat(KnownSettings.distance("branch", "branchh")).isEqualTo(1);
        assertThat(KnownSettings.distance("", "abc")).isEqualTo(3);
        assertThat(KnownSettings.suggest("GIT.BRANCH", List.of("git.branch", "git.token")))
                .contains("git.branch");
        assertThat(KnownSettings.suggest("git_remote_url", List.of("git.remote-url")))
                .contains("git.remote-url");
        assertThat(KnownSettings.suggest("git.remote", List.of("git.remote-url")))
                .isEmpty();
        assertThat(KnownSettings.suggest("git.remote_url", List.of("git.remote-url")))
                .contains("git.remote-url");
    }
}
