package dev.workspacesync.core.testing;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Seeds for property tests. A run uses {@code -Dworkspace-sync.seed=N} when given (to replay a failure),
 * else fixed seeds plus one fresh seed; each test prints its seed so a failure can be replayed.
 */
public final class Seeds {
    private Seeds() {}

    /** {@code count} seeds for a parameterized test. */
    public static Stream<Long> seeds(int count) {
        String fixed = System.getProperty("workspace-sync.seed");
        if (fixed != null) {
            return Stream.of(Long.parseLong(fixed));
        }
        long fresh = System.nanoTime() ^ System.identityHashCode(new Object());
        return Stream.concat(LongStream.range(1, count).boxed(), Stream.of(fresh));
    }

    /** A generator for a seed, printing the seed. */
    public static SplittableRandom random(String test, long seed) {
        System.out.println(test + " seed=" + seed + " (replay with -Dworkspace-sync.seed=" + seed + ")");
        return new SplittableRandom(seed);
    }
}
