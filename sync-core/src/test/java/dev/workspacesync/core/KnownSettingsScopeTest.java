package dev.workspacesync.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workspacesync.core.spi.SettingKey;
import dev.workspacesync.core.testing.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KnownSettingsScopeTest {
    private static final List<SettingKey> GIT = keys("git.remote-url", "git.branch", "git.token");
    private static final List<SettingKey> LOCAL = keys("local.path", "local.mode");
    private static final List<SettingKey> WINDMILL = keys("windmill.workspace", "windmill.token");

    private static List<SettingKey> keys(String... names) {
        return Stream.of(names)
                .map(n -> SettingKey.optional(n, SettingKey.Type.STRING, null, "test"))
                .toList();
    }

    private static List<SettingKey> all() {
        List<SettingKey> all = new ArrayList<>(GIT);
        all.addAll(LOCAL);
        all.addAll(WINDMILL);
        return all;
    }

    @Test
    void aScopedKeyIsFineWhenItsSidesProviderKnowsIt() {
        KnownSettings known = KnownSettings.forRun("local", LOCAL, List.of("git"), GIT, all());
        assertThat(known.check("source.local.path", "--set", false)).isEmpty();
        assertThat(known.check("destination.git.branch", "--set", true)).isEmpty();
        assertThat(known.check("git.branch", "--set", true)).isEmpty();
        assertThat(known.unused("destination.git.branch", "--set")).isEmpty();
    }

    @Test
    void aScopedKeyOfAnotherProviderIsRefusedNamingTheKeyAndTheSide() {
        KnownSettings known = KnownSettings.forRun("local", LOCAL, List.of("git"), GIT, all());
        assertThat(known.check("source.git.remote-url", "--set", false))
                .contains("Setting 'source.git.remote-url' (from --set) is scoped to the source, but the source"
                        + " is local, which has no setting 'git.remote-url'; git is the destination here: write"
                        + " 'destination.git.remote-url' (or 'git.remote-url' for both sides)");
        assertThat(known.check("destination.windmill.token", "app.properties line 2", false))
                .contains("Setting 'destination.windmill.token' (from app.properties line 2) is scoped to the"
                        + " destination, but the destination is git, which has no setting 'windmill.token'");
        assertThat(known.unused("source.git.remote-url", "--set")).isEmpty();
    }

    @Test
    void aScopedTypoGetsAScopedDidYouMean() {
        KnownSettings known = KnownSettings.forRun("git", GIT, List.of("git"), GIT, all());
        assertThat(known.check("source.git.brnch", "--set", false))
                .contains("Unknown setting 'source.git.brnch' (from --set); did you mean 'source.git.branch'?");
        assertThat(known.check("destination.nothing.like.it", "--set", false))
                .contains("Unknown setting 'destination.nothing.like.it' (from --set); no setting has a similar name");
    }

    @Test
    void aSideWithoutAProviderJudgesItsScopedKeysLikeUnscopedOnes() {
        KnownSettings known = KnownSettings.forRun(null, List.of(), List.of("git"), GIT, all());
        assertThat(known.check("source.windmill.token", "--set", false)).isEmpty();
        assertThat(known.unused("source.windmill.token", "--set"))
                .hasValueSatisfying(w -> assertThat(w).startsWith("Setting 'source.windmill.token' (from --set)"));
        assertThat(known.check("source.windmil.token", "--set", false)).isPresent();
    }

    @Test
    void scopedEnvironmentVariablesAreCheckedLikeTheirKeys() {
        KnownSettings known = KnownSettings.forRun("local", LOCAL, List.of("git"), GIT, all());
        List<String> problems = known.checkEnvironment(
                Map.of(
                        "WORKSPACE_SYNC_DESTINATION_GIT_BRANCH", "main",
                        "WORKSPACE_SYNC_SOURCE_GIT_BRANCH", "main",
                        "WORKSPACE_SYNC_SOURCE_LOCAL_PAHT", "/x"),
                List.of());
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0))
                .startsWith("Setting 'source.git.branch' (from the environment, WORKSPACE_SYNC_SOURCE_GIT_BRANCH)"
                        + " is scoped to the source, but the source is local");
        assertThat(problems.get(1))
                .isEqualTo("Unknown setting 'WORKSPACE_SYNC_SOURCE_LOCAL_PAHT' (from the environment); did you"
                        + " mean 'WORKSPACE_SYNC_SOURCE_LOCAL_PATH' (source.local.path)?");
        // A service that reads every key from the environment refuses nothing scoped to a known key.
        assertThat(KnownSettings.of(List.of(), all(), List.of())
                        .checkEnvironment(Map.of("WORKSPACE_SYNC_SOURCE_GIT_BRANCH", "main"), List.of()))
                .isEmpty();
    }

    static Stream<Long> seeds() {
        return Seeds.seeds(30);
    }

    /** For unscoped keys, checking side by side says exactly what checking all used keys together said. */
    @ParameterizedTest
    @MethodSource("seeds")
    void sideBySideChecksChangeNothingForUnscopedKeys(long seed) {
        SplittableRandom random = Seeds.random("KnownSettingsScopeTest.unscoped", seed);
        List<SettingKey> everything = all();
        SettingKey pick = everything.get(random.nextInt(everything.size()));
        String type = pick.key().substring(0, pick.key().indexOf('.'));
        List<SettingKey> source =
                everything.stream().filter(k -> k.key().startsWith(type + ".")).toList();
        List<SettingKey> destination = random.nextBoolean() ? GIT : LOCAL;
        String destinationType = destination == GIT ? "git" : "local";
        List<SettingKey> used = new ArrayList<>(source);
        used.addAll(destination);
        List<String> types = type.equals(destinationType) ? List.of(type) : List.of(type, destinationType);
        KnownSettings together = KnownSettings.of(used, everything, types);
        KnownSettings sides = KnownSettings.forRun(type, source, List.of(destinationType), destination, everything);
        for (int i = 0; i < 50; i++) {
            String key = everything.get(random.nextInt(everything.size())).key();
            if (random.nextBoolean()) {
                int at = random.nextInt(key.length());
                key = key.substring(0, at) + (char) ('a' + random.nextInt(26)) + key.substring(at + 1);
            }
            boolean strict = random.nextBoolean();
            assertThat(sides.check(key, "--set", strict)).as(key).isEqualTo(together.check(key, "--set", strict));
            assertThat(sides.unused(key, "--set")).as(key).isEqualTo(together.unused(key, "--set"));
        }
    }
}
