package dev.workspacesync.examples.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepoLockTest {
    @TempDir
    Path dir;

    @Test
    void aTriggerDuringARunIsCoalescedIntoOneMoreRun() throws Exception {
        RepoLock lock = new RepoLock(dir);
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Runnable job = () -> {
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            if (runs.incrementAndGet() == 1) {
                firstRunning.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            concurrent.decrementAndGet();
        };
        CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(() -> call(lock, job));
        assertThat(firstRunning.await(10, TimeUnit.SECONDS)).isTrue();
        // Two quick commits while the first sync runs: both hand over to the running one.
        assertThat(lock.runCoalesced(job)).isFalse();
        assertThat(lock.runCoalesced(job)).isFalse();
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(runs.get()).isEqualTo(2);
        assertThat(maxConcurrent.get()).isEqualTo(1);

        assertThat(lock.runCoalesced(job)).isTrue();
        assertThat(runs.get()).isEqualTo(3);
    }

    private static boolean call(RepoLock lock, Runnable job) {
        try {
            return lock.runCoalesced(job);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
