package dev.workspacesync.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workspacesync.core.spi.SettingKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

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
}
