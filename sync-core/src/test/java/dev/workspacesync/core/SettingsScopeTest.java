package dev.workspacesync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.ProviderRegistryTest.MemoryDestinationProvider;
import dev.workspacesync.core.ProviderRegistryTest.MemorySourceProvider;
import dev.workspacesync.core.spi.Destination;
import dev.workspacesync.core.spi.SettingKey;
import dev.workspacesync.core.spi.Source;
import dev.workspacesync.core.testing.InMemoryDestination;
import dev.workspacesync.core.testing.InMemorySource;
import dev.workspacesync.core.testing.Seeds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SettingsScopeTest {
    private static final List<String> KEYS = List.of(
            "windmill.workspace",
            "windmill.token",
            "windmill.base-url",
            "git.remote-url",
            "git.branch",
            "git.token",
            "memory.name",
            "directory.path");

    static Stream<Long> seeds() {
        return Seeds.seeds(40);
    }

    private static Map<String, String> randomUnscoped(SplittableRandom random) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String key : KEYS) {
            if (random.nextBoolean()) {
                map.put(key, "v" + random.nextInt(1000));
            }
        }
        return map;
    }

    /** Scoping never changes what a configuration of unscoped keys only gives either side. */
    @ParameterizedTest
    @MethodSource("seeds")
    void unscopedOnlySettingsAreTheSameForBothSides(long seed) {
        SplittableRandom random = Seeds.random("SettingsScopeTest.unscopedOnly", seed);
        SyncSettings settings = SyncSettings.of(randomUnscoped(random));
        for (SettingsScope scope : SettingsScope.values()) {
            SyncSettings view = settings.forScope(scope);
            assertThat(view.keys()).isEqualTo(settings.keys());
            settings.keys().forEach(k -> {
                assertThat(view.get(k)).isEqualTo(settings.get(k));
                assertThat(view.isSecret(k)).isEqualTo(settings.isSecret(k));
                assertThat(view.written(k)).isEqualTo(k);
            });
            assertThat(view.toString()).isEqualTo(settings.toString());
        }
        assertThat(settings.hasScopedKeys()).isFalse();
        assertThat(settings.unscopedFor("windmill", List.of("git")).toString()).isEqualTo(settings.toString());
    }

    /** A scoped key wins for its side only; the other side sees the unscoped value (or nothing). */
    @ParameterizedTest
    @MethodSource("seeds")
    void aScopedKeyWinsForItsSideOnly(long seed) {
        SplittableRandom random = Seeds.random("SettingsScopeTest.scopedWins", seed);
        Map<String, String> unscoped = randomUnscoped(random);
        Map<String, String> all = new LinkedHashMap<>(unscoped);
        Map<SettingsScope, Map<String, String>> scoped = new LinkedHashMap<>();
        for (SettingsScope scope : SettingsScope.values()) {
            Map<String, String> side = new LinkedHashMap<>();
            for (String key : KEYS) {
                if (random.nextInt(3) == 0) {
                    side.put(key, scope.word() + random.nextInt(1000));
                    all.put(scope.key(key), side.get(key));
                }
            }
            scoped.put(scope, side);
        }
        SyncSettings settings = SyncSettings.of(all);
        for (SettingsScope scope : SettingsScope.values()) {
            SyncSettings view = settings.forScope(scope);
            for (String key : KEYS) {
                String expected = scoped.get(scope).getOrDefault(key, unscoped.get(key));
                assertThat(view.get(key)).as(scope + " " + key).isEqualTo(java.util.Optional.ofNullable(expected));
                assertThat(view.written(key)).isEqualTo(scoped.get(scope).containsKey(key) ? scope.key(key) : key);
                // Secret by name whatever the scope.
                assertThat(view.isSecret(key)).isEqualTo(key.endsWith("token") && expected != null);
            }
            assertThat(view.hasScopedKeys()).isFalse();
            assertThat(view.forScope(scope).toString()).isEqualTo(view.toString());
            assertThat(view.forScope(scope.other()).toString()).isEqualTo(view.toString());
        }
        // Every secret value, scoped or not, is one the redactor knows.
        List<String> secretValues =
                settings.secrets().stream().map(Secret::reveal).toList();
        all.forEach((k, v) -> {
            if (k.endsWith("token")) {
                assertThat(secretValues).contains(v);
                assertThat(settings.toString()).doesNotContain("=" + v + ",").doesNotContain("=" + v + "}");
            }
        });
    }

    @Test
    void declaredSecretsStaySecretWhenScopedAndMessagesNameTheScopedKey() {
        List<SettingKey> keys = List.of(
                new SettingKey("vault.key", SettingKey.Type.STRING, false, null, true, "a secret", List.of()),
                SettingKey.optional("vault.retries", SettingKey.Type.INTEGER, "3", "retries"));
        SyncSettings settings = SyncSettings.of(Map.of(
                        "vault.key", "both-sides-value",
                        "source.vault.key", "source-only-value",
                        "destination.vault.retries", "many"))
                .withSecretsOf(keys);
        assertThat(settings.isSecret("source.vault.key")).isTrue();
        assertThat(settings.toString()).doesNotContain("source-only-value").doesNotContain("both-sides-value");
        assertThat(settings.secrets()).extracting(Secret::reveal).contains("source-only-value", "both-sides-value");
        SyncSettings source = settings.forSource();
        assertThat(source.get("vault.key")).contains("source-only-value");
        assertThat(source.isSecret("vault.key")).isTrue();
        assertThat(source.validate(keys).get("vault.retries")).contains("3");
        assertThatThrownBy(() -> settings.forDestination().validate(keys))
                .isInstanceOf(SyncConfigException.class)
                .hasMessage("Setting 'destination.vault.retries' has value 'many', which is not a whole number");
        assertThatThrownBy(() -> settings.forDestination().integer("vault.retries", 1))
                .hasMessageContaining("'destination.vault.retries'");
    }

    @Test
    void scopedEnvironmentVariablesCarryScopedKeysAndAliasesStayUnscoped() {
        SettingKey token = SettingKey.secret("windmill.token", true, "token").withEnvironmentAlias("WINDMILL_TOKEN");
        SettingKey workspace = SettingKey.optional("windmill.workspace", SettingKey.Type.STRING, null, "ws");
        assertThat(SettingsScope.SOURCE.environmentName(workspace))
                .isEqualTo("WORKSPACE_SYNC_SOURCE_WINDMILL_WORKSPACE");
        SyncSettings env = SyncSettings.fromEnvironment(
                Map.of(
                        "WINDMILL_TOKEN", "seed-token",
                        "WORKSPACE_SYNC_DESTINATION_WINDMILL_TOKEN", "prod-token",
                        "WORKSPACE_SYNC_SOURCE_WINDMILL_WORKSPACE", "staging",
                        "WORKSPACE_SYNC_DESTINATION_WINDMILL_WORKSPACE", "prod"),
                List.of(token, workspace));
        assertThat(env.keys())
                .containsExactlyInAnyOrder(
                        "windmill.token",
                        "destination.windmill.token",
                        "source.windmill.workspace",
                        "destination.windmill.workspace");
        assertThat(env.forSource().get("windmill.token")).contains("seed-token");
        assertThat(env.forDestination().get("windmill.token")).contains("prod-token");
        assertThat(env.forSource().get("windmill.workspace")).contains("staging");
        assertThat(env.forDestination().get("windmill.workspace")).contains("prod");
        assertThat(env.isSecret("destination.windmill.token")).isTrue();
        assertThat(env.toString()).doesNotContain("prod-token").doesNotContain("seed-token");
    }

    @Test
    void keysOfATypeOnOneSideOnlyFoldIntoUnscopedKeys() {
        SyncSettings settings = SyncSettings.of(Map.of(
                "windmill.token", "t",
                "source.windmill.token", "s",
                "destination.git.branch", "prod",
                "source.git.branch", "ignored-no-git-source"));
        SyncSettings folded = settings.unscopedFor("windmill", List.of("git"));
        assertThat(folded.get("windmill.token")).contains("s");
        assertThat(folded.get("git.branch")).contains("prod");
        assertThat(folded.get("source.git.branch")).contains("ignored-no-git-source");
        assertThat(folded.isSecret("windmill.token")).isTrue();
        // The same type on both sides: nothing to fold.
        SyncSettings same = settings.unscopedFor("git", List.of("git"));
        assertThat(same.get("git.branch")).isEmpty();
        assertThat(same.get("destination.git.branch")).contains("prod");
    }

    @Test
    void theRegistryGivesEachSideItsOwnSettingsForOneTypeOnBothSides() {
        ProviderRegistry registry =
                ProviderRegistry.of(List.of(new MemorySourceProvider()), List.of(new MemoryDestinationProvider()));
        SyncSettings settings = SyncSettings.of(Map.of(
                "memory.name", "both",
                "source.memory.name", "staging",
                "destination.memory.name", "prod"));
        Source source = registry.createSource("memory", settings);
        Destination destination = registry.createDestination("memory", settings);
        assertThat(source.describe()).isEqualTo("memory:staging");
        assertThat(destination.target()).isEqualTo("memory:prod");
        assertThat(registry.createSource("memory", SyncSettings.of(Map.of("memory.name", "both")))
                        .describe())
                .isEqualTo("memory:both");
        ((InMemorySource) source).put("a.txt", "hello");
        try (SyncPipeline pipeline =
                SyncPipeline.builder().source(source).destination(destination).build()) {
            SyncReport report = pipeline.run();
            assertThat(report.status()).isEqualTo(SyncStatus.SYNCED);
            assertThat(report.destinations())
                    .extracting(DestinationReport::target)
                    .containsExactly("memory:prod");
        }
        assertThat(((InMemoryDestination) destination).files()).hasSize(1);
        // A required key given to the destination only is missing for the source.
        assertThatThrownBy(() ->
                        registry.createSource("memory", SyncSettings.of(Map.of("destination.memory.name", "prod"))))
                .hasMessageContaining("Missing required setting 'memory.name'");
    }

    @Test
    void aProviderMayNotClaimASidesName() {
        SourceProviderNamed source = new SourceProviderNamed();
        assertThatThrownBy(() -> ProviderRegistry.of(List.of(source), List.of()))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("claims type 'source', which is reserved for scoped settings");
    }

    /** A provider whose type would read as a scope. */
    static final class SourceProviderNamed implements dev.workspacesync.core.spi.SourceProvider {
        @Override
        public String type() {
            return "source";
        }

        @Override
        public String description() {
            return "reserved";
        }

        @Override
        public List<SettingKey> settings() {
            return List.of();
        }

        @Override
        public Source create(SyncSettings settings) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void scopeNamesAndPrefixes() {
        assertThat(SettingsScope.of("source.git.branch")).contains(SettingsScope.SOURCE);
        assertThat(SettingsScope.of("destination.git.branch")).contains(SettingsScope.DESTINATION);
        assertThat(SettingsScope.of("git.branch")).isEmpty();
        assertThat(SettingsScope.of("source.")).isEmpty();
        assertThat(SettingsScope.of("sourcex.git")).isEmpty();
        assertThat(SettingsScope.unscoped("destination.git.branch")).isEqualTo("git.branch");
        assertThat(SettingsScope.unscoped("git.branch")).isEqualTo("git.branch");
        List<String> words = new ArrayList<>();
        for (SettingsScope s : SettingsScope.values()) {
            words.add(s.word());
        }
        assertThat(words).containsExactly("source", "destination");
    }
}
