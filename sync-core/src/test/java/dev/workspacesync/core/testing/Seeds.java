package dev.workspacesync.core.testing;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Seeds for property tests. By default fixed seeds, so a build's outcome never depends on the clock;
 * {@code -Dworkspace-sync.seed=N} replays one seed, and {@code -Dworkspace-sync.fresh-seeds=N} adds N fresh
 * ones to explore. Each test prints its seed so a failure can be replayed.
 */
public final class Seeds {
    private Seeds() {}

    /** {@code count} fixed seeds (plus any fresh ones asked for) for a parameterized test. */
    public static Stream<Long> seeds(int count) {
        String fixed = System.getProperty("workspace-sync.seed");
        if (fixed != null) {
            return Stream.of(Long.parseLong(fixed));
        }
        long fresh = System.nanoTime();
        return Stream.concat(
                LongStream.rangeClosed(1, count).boxed(),
                Stream.iterate(fresh, s -> s + 7919).limit(Long.getLong("workspace-sync.fresh-seeds", 0)));
    }

    /** A generator for a seed, printing the seed. */
    public static SplittableRandom random(String test, long seed) {
        System.out.println(test + " seed=" + seed + " (replay with -Dworkspace-sync.seed=" + seed + ")");
        return new SplittableRandom(seed);
    }
}
