package dev.workspacesync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.testing.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DeletionGuardTest {
    private static final String[] HOSTILE = {"a\nb", "tab\there", "back\\slash", "esc\u001b[2J", "sp ace", "…", "x"};

    static Stream<Long> seeds() {
        return Seeds.seeds(30);
    }

    private static SyncPlan plan(int existing, List<SyncPath> deletes) {
        List<Change> changes = new ArrayList<>();
        deletes.forEach(p -> changes.add(Change.delete(p)));
        return SyncPlan.of("memory:d", changes, existing);
    }

    /** The guard's rule, written out independently of it. */
    private static boolean refused(DeletionGuard guard, int existing, int deletes) {
        if (guard.forced() || deletes == 0) {
            return false;
        }
        return (existing > 0 && deletes >= existing)
                || deletes > guard.maxDeleteCount()
                || (existing > 0 && deletes > guard.maxDeleteShare() * existing);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void countAndShareLimitsRefuseExactlyWhatTheyShouldAndNameAFewFiles(long seed) {
        SplittableRandom random = Seeds.random("DeletionGuardTest", seed);
        for (int round = 0; round < 50; round++) {
            int existing = random.nextInt(0, 40);
            int deletes = random.nextInt(0, existing + 1);
            List<SyncPath> paths = new ArrayList<>();
            for (int i = 0; i < deletes; i++) {
                paths.add(SyncPath.exact("d" + i + "/" + HOSTILE[random.nextInt(HOSTILE.length)]));
            }
            DeletionGuard guard = switch (random.nextInt(4)) {
                case 0 -> DeletionGuard.parse("--max-delete", String.valueOf(random.nextInt(0, 30)));
                case 1 -> DeletionGuard.parse("--max-delete", random.nextInt(0, 101) + "%");
                case 2 -> DeletionGuard.defaults();
                default -> DeletionGuard.force();
            };
            SyncPlan plan = plan(existing, paths);
            Optional<String> refusal = guard.check(plan);
            assertThat(refusal.isPresent())
                    .as("%s with %d of %d", guard, deletes, existing)
                    .isEqualTo(refused(guard, existing, deletes));
            refusal.ifPresent(message -> {
                assertThat(message).doesNotContain("\n", "\t", "\u001b").contains(plan.target());
                List<Change> sorted = plan.deletes();
                for (int i = 0; i < Math.min(DeletionGuard.NAMED_IN_REFUSAL, sorted.size()); i++) {
                    assertThat(message).contains(sorted.get(i).path().escaped());
                }
                if (sorted.size() > DeletionGuard.NAMED_IN_REFUSAL) {
                    assertThat(message).contains("… and " + (sorted.size() - DeletionGuard.NAMED_IN_REFUSAL) + " more");
                }
            });
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "7", "2147483647", "0%", "10%", "12.5%", "100%", " 5 "})
    void goodLimitsParse(String value) {
        DeletionGuard guard = DeletionGuard.parse("--max-delete", value);
        assertThat(guard.forced()).isFalse();
        if (value.contains("%")) {
            assertThat(guard.maxDeleteShare() * 100)
                    .isCloseTo(Double.parseDouble(value.replace("%", "")), org.assertj.core.data.Offset.offset(1e-9));
            assertThat(guard.maxDeleteCount()).isEqualTo(Integer.MAX_VALUE);
        } else {
            assertThat(guard.maxDeleteCount()).isEqualTo(Integer.parseInt(value.strip()));
            assertThat(guard.maxDeleteShare()).isEqualTo(1.0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-3", "150%", "", "%", "1e3", "NaN%", "-1%", "99999999999", "5%%", "a\nb"})
    void badLimitsAreSettingsErrorsNamingTheValue(String value) {
        assertThatThrownBy(() -> DeletionGuard.parse("--max-delete", value))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("--max-delete has value '" + SyncPath.escape(value) + "'")
                .hasMessageNotContaining("\n" + "b");
    }
}
