package dev.workspacesync.windmill.bench;

import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.windmill.WindmillSource;
import dev.workspacesync.windmill.testing.LargeWorkspace;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Benchmark (not a test): a large real workspace (default 100,000 scripts, code and metadata, and three
 * 50 MiB files) pulled end to end with the default archive limits, which must let it through. Prints the
 * wall time and the peak heap. Run with {@code bench/large-workspace.sh}.
 *
 * <p>Arguments: work-dir [scripts] [large-files] [large-MiB] [seed]
 */
public final class LargeWorkspaceBenchmark {
    private LargeWorkspaceBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int scripts = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int large = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int mib = args.length > 3 ? Integer.parseInt(args[3]) : 50;
        long seed = args.length > 4 ? Long.parseLong(args[4]) : 1;
        Path zip = work.resolve("large.zip");
        long t0 = System.nanoTime();
        int entries = LargeWorkspace.write(zip, seed, scripts, large, mib);
        System.out.printf(
                "Wrote %,d entries (%,d bytes of zip) in %d ms (seed %d)%n",
                entries, Files.size(zip), (System.nanoTime() - t0) / 1_000_000, seed);
        String token = "bench-token";
        try (WindmillEmulator emulator = WindmillEmulator.start(token).archiveFile("bench", zip);
                WindmillSource source = WindmillSource.builder()
                        .baseUrl(emulator.baseUrl())
                        .token(Secret.of(token))
                        .workspace("bench")
                        .stagingDirectory(work.resolve("staging"))
                        .build()) {
            long t1 = System.nanoTime();
            Snapshot snapshot = source.snapshot();
            System.out.printf(
                    "Pulled %,d files with the default limits in %d ms; peak heap %,d MiB of %,d MiB%n",
                    snapshot.size(),
                    (System.nanoTime() - t1) / 1_000_000,
                    peakHeap() >> 20,
                    Runtime.getRuntime().maxMemory() >> 20);
        }
    }

    private static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
