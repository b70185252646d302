package dev.workspacesync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.testing.InMemoryDestination;
import dev.workspacesync.core.testing.InMemorySource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncPipelineTest {
    @TempDir
    Path dir;

    private static InMemorySource sampleSource() {
        InMemorySource source = new InMemorySource("project");
        for (int i = 0; i < 10; i++) {
            source.put("src/file" + i + ".txt", "content " + i);
        }
        return source;
    }

    private static SyncPipeline.Builder pipeline(InMemorySource source, InMemoryDestination... destinations) {
        return SyncPipeline.builder()
                .source(source)
                .destinations(List.of(destinations))
                .retryPolicy(RetryPolicy.none());
    }

    @Test
    void syncsThenReportsNoChanges() {
        InMemorySource source = sampleSource();
        InMemoryDestination destination = new InMemoryDestination("d");
        try (SyncPipeline pipeline = pipeline(source, destination).build()) {
            SyncReport first = pipeline.run();
            assertThat(first.status()).isEqualTo(SyncStatus.SYNCED);
            assertThat(first.added()).isEqualTo(10);
            assertThat(first.revision()).isEqualTo("rev-1");
            assertThat(destination.files()).hasSize(10);

            SyncReport second = pipeline.run();
            assertThat(second.status()).isEqualTo(SyncStatus.NO_CHANGES);
            assertThat(second.destinations().get(0).message()).isEqualTo("No changes");

            source.put("src/file3.txt", "changed").remove("src/file4.txt");
            SyncReport third = pipeline.run();
            assertThat(third.status()).isEqualTo(SyncStatus.SYNCED);
            assertThat(List.of(third.added(), third.updated(), third.deleted())).containsExactly(0, 1, 1);
            assertThat(third.bytes()).isEqualTo("changed".length());
        }
    }

    @Test
    void dryRunPlansButChangesNothing() {
        InMemorySource source = sampleSource();
        InMemoryDestination destination = new InMemoryDestination("d");
        SyncReport report = pipeline(source, destination).dryRun(true).build().run();
        assertThat(report.dryRun()).isTrue();
        assertThat(report.status()).isEqualTo(SyncStatus.SYNCED);
        assertThat(report.added()).isEqualTo(10);
        assertThat(report.destinations().get(0).plan().adds()).hasSize(10);
        assertThat(report.destinations().get(0).message()).startsWith("Dry run: 10 to add");
        assertThat(destination.applyCount()).isZero();
        assertThat(destination.files()).isEmpty();
    }

    @Test
    void anEmptyPullNeverWipesTheDestination() {
        InMemorySource source = sampleSource();
        InMemoryDestination destination = new InMemoryDestination("d");
        SyncPipeline pipeline = pipeline(source, destination).build();
        pipeline.run();

        source.clear();
        SyncReport report = pipeline.run();
        assertThat(report.status()).isEqualTo(SyncStatus.REFUSED);
        assertThat(report.destinations().get(0).message())
                .startsWith("Refused: the plan deletes all 10 files at memory:d (an empty or failed pull?): ")
                .contains(" … and 5 more")
                .endsWith(". Force deletes to accept it.");
        assertThat(destination.files()).hasSize(10);
        assertThat(destination.applyCount()).isEqualTo(1);
    }

    @Test
    void deletingMoreThanTheAllowedShareIsRefusedUnlessForced() {
        InMemorySource source = sampleSource();
        InMemoryDestination destination = new InMemoryDestination("d");
        pipeline(source, destination).build().run();
        for (int i = 0; i < 6; i++) {
            source.remove("src/file" + i + ".txt");
        }
        SyncReport refused = pipeline(source, destination).build().run();
        assertThat(refused.status()).isEqualTo(SyncStatus.REFUSED);
        assertThat(refused.destinations().get(0).message())
                .contains("deletes 6 of 10 files at memory:d (60%), more than the allowed 50%");
        assertThat(destination.files()).hasSize(10);

        SyncReport looser = pipeline(source, destination)
                .deletionGuard(DeletionGuard.maxShare(0.6))
                .build()
                .run();
        assertThat(looser.status()).isEqualTo(SyncStatus.SYNCED);
        assertThat(destination.files()).hasSize(4);

        source.clear();
        SyncReport forced = pipeline(source, destination)
                .deletionGuard(DeletionGuard.force())
                .build()
                .run();
        assertThat(forced.status()).isEqualTo(SyncStatus.SYNCED);
        assertThat(forced.deleted()).isEqualTo(4);
        assertThat(destination.files()).isEmpty();
    }

    @Test
    void exactlyHalfIsAllowedByDefault() {
        InMemorySource source = sampleSource();
        InMemoryDestination destination = new InMemoryDestination("d");
        pipeline(source, destination).build().run();
        for (int i = 0; i < 5; i++) {
            source.remove("src/file" + i + ".txt");
        }
        assertThat(pipeline(source, destination).build().run().status()).isEqualTo(SyncStatus.SYNCED);
    }

    @Test
    void oneFailingDestinationDoesNotStopTheOthers() {
        InMemorySource source = sampleSource();
        InMemoryDestination failing =
                new InMemoryDestination("bad").failOn(p -> p.value().endsWith("5.txt"));
        InMemoryDestination planFails =
                new InMemoryDestination("unreadable").failPlanWith(new DestinationException("state unreadable"));
        InMemoryDestination good = new InMemoryDestination("good");
        SyncReport report = pipeline(source, failing, planFails, good).build().run();

        assertThat(report.status()).isEqualTo(SyncStatus.FAILED);
        assertThat(report.destinations())
                .extracting(DestinationReport::status)
                .containsExactly(SyncStatus.FAILED, SyncStatus.FAILED, SyncStatus.SYNCED);
        assertThat(report.destinations().get(0).message())
                .isEqualTo("Injected failure at src/file5.txt for memory:bad");
        assertThat(report.destinations().get(0).cause()).isNotNull();
        assertThat(report.destinations().get(1).message()).isEqualTo("Planning failed: state unreadable");
        assertThat(good.files()).hasSize(10);
        assertThat(report.message()).contains("memory:good: 10 added, 0 updated, 0 deleted");
    }

    @Test
    void aFailedRunIsFinishedByTheNextWithoutRedoingWhatLanded() {
        InMemorySource source = sampleSource();
        var store = new SyncStateStore(dir.resolve("state"));
        InMemoryDestination destination =
                new InMemoryDestination("d", store).failOn(p -> p.value().equals("src/file7.txt"));
        assertThat(pipeline(source, destination).build().run().status()).isEqualTo(SyncStatus.FAILED);
        assertThat(destination.writeCount()).isEqualTo(7);

        destination.failOn(p -> false);
        SyncReport retry = pipeline(source, destination).build().run();
        assertThat(retry.status()).isEqualTo(SyncStatus.SYNCED);
        assertThat(retry.added()).isEqualTo(3);
        assertThat(destination.writeCount()).isEqualTo(10);
    }

    @Test
    void aRetriedApplyPlansAgainAndSendsOnlyWhatIsMissing() {
        InMemorySource source = sampleSource();
        var store = new SyncStateStore(dir.resolve("state"));
        AtomicInteger failures = new AtomicInteger();
        InMemoryDestination destination = new InMemoryDestination("d", store)
                .transientFailures(true)
                .failOn(p -> p.value().equals("src/file7.txt") && failures.getAndIncrement() == 0);
        List<String> plans = Collections.synchronizedList(new ArrayList<>());
        SyncReport report = pipeline(source, destination)
                .retryPolicy(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5)))
                .listener(new SyncListener() {
                    @Override
                    public void planned(String target, SyncPlan plan) {
                        plans.add(plan.summary());
                    }
                })
                .build()
                .run();
        assertThat(report.status()).isEqualTo(SyncStatus.SYNCED);
        assertThat(plans)
                .containsExactly(
                        "10 to add, 0 to update, 0 to delete (90 bytes)",
                        "3 to add, 0 to update, 0 to delete (27 bytes)");
        assertThat(destination.writeCount()).isEqualTo(10);
        assertThat(report.added()).isEqualTo(3);
    }

    @Test
    void aFailingSourceTouchesNoDestination() {
        InMemorySource source = sampleSource().failWith(() -> InMemorySource.unreachable("connection refused"));
        InMemoryDestination destination = new InMemoryDestination("d");
        SyncReport report = pipeline(source, destination).build().run();
        assertThat(report.status()).isEqualTo(SyncStatus.FAILED);
        assertThat(report.destinations()).isEmpty();
        assertThat(report.message()).isEqualTo("Source memory:project failed: Source unreachable: connection refused");
        assertThat(destination.applyCount()).isZero();
    }

    @Test
    void transientSourceFailuresAreRetried() {
        AtomicInteger attempts = new AtomicInteger();
        InMemorySource source = sampleSource();
        source.onSnapshot(() -> {
            if (attempts.incrementAndGet() < 3) {
                throw SourceException.transientFailure("rate limited", null, Duration.ofMillis(1));
            }
        });
        InMemoryDestination destination = new InMemoryDestination("d");
        SyncReport report = pipeline(source, destination)
                .retryPolicy(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5)))
                .build()
                .run();
        assertThat(report.status()).isEqualTo(SyncStatus.SYNCED);
        assertThat(attempts.get()).isEqualTo(3);
    }

    @Test
    void permanentFailuresAreNotRetried() {
        InMemorySource source = sampleSource().failWith(() -> new SourceException("404 workspace not found"));
        SyncReport report = pipeline(source, new InMemoryDestination("d"))
                .retryPolicy(new RetryPolicy(5, Duration.ofMillis(1), Duration.ofMillis(5)))
                .build()
                .run();
        assertThat(report.status()).isEqualTo(SyncStatus.FAILED);
        assertThat(source.snapshotCount()).isEqualTo(1);
    }

    @Test
    void listenersSeeEveryEventAndCannotBreakTheSync() {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        SyncListener recorder = new SyncListener() {
            @Override
            public void started(String source, List<String> destinations, boolean dryRun) {
                events.add("started " + source + " " + destinations);
            }

            @Override
            public void snapshotTaken(Snapshot snapshot) {
                events.add("snapshot " + snapshot.size());
            }

            @Override
            public void planned(String destination, SyncPlan plan) {
                events.add("planned " + plan.summary());
            }

            @Override
            public void transferred(String destination, SyncPath path, long bytes) {
                events.add("transferred " + path + " " + bytes);
            }

            @Override
            public void finished(SyncReport report) {
                events.add("finished " + report.status());
            }
        };
        SyncListener broken = new SyncListener() {
            @Override
            public void transferred(String destination, SyncPath path, long bytes) {
                throw new IllegalStateException("listener bug");
            }
        };
        InMemorySource source = new InMemorySource("p").put("a.txt", "abc").put("b.txt", "de");
        SyncReport report = pipeline(source, new InMemoryDestination("d"))
                .listener(broken)
                .listener(recorder)
                .build()
                .run();
        assertThat(report.status()).isEqualTo(SyncStatus.SYNCED);
        assertThat(events)
                .containsExactly(
                        "started memory:p [memory:d]",
                        "snapshot 2",
                        "planned 2 to add, 0 to update, 0 to delete (5 bytes)",
                        "transferred a.txt 3",
                        "transferred b.txt 2",
                        "finished SYNCED");
    }

    @Test
    void concurrentTriggersNeverOverlapAndCoalesceIntoOneFollowUp() throws Exception {
        int callers = 32;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        List<Long> runStarts = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch firstRunStarted = new CountDownLatch(1);
        CountDownLatch allCalled = new CountDownLatch(callers);
        InMemorySource source = sampleSource();
        source.onSnapshot(() -> {
            maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
            runStarts.add(System.nanoTime());
            firstRunStarted.countDown();
            try {
                // Hold the first run until every caller has called, so all of them arrive during it.
                allCalled.await(10, TimeUnit.SECONDS);
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inside.decrementAndGet();
        });
        InMemoryDestination destination = new InMemoryDestination("d");
        SyncPipeline pipeline = pipeline(source, destination).build();
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<long[]>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                boolean first = i == 0;
                results.add(pool.submit(() -> {
                    if (!first) {
                        firstRunStarted.await();
                    }
                    long calledAt = System.nanoTime();
                    allCalled.countDown();
                    SyncReport report = pipeline.run();
                    int run = Integer.parseInt(report.revision().substring("rev-".length()));
                    return new long[] {calledAt, run};
                }));
            }
            for (Future<long[]> result : results) {
                long[] r = result.get(30, TimeUnit.SECONDS);
                long startOfItsRun = runStarts.get((int) r[1] - 1);
                assertThat(startOfItsRun)
                        .as("the run a caller got started after its call")
                        .isGreaterThan(r[0]);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(maxInside.get()).as("runs never overlap").isEqualTo(1);
        assertThat(source.snapshotCount())
                .as("32 callers coalesce into at most 2 runs")
                .isEqualTo(2);
    }

    @Test
    void buildRejectsAnIncompletePipelineListingEveryProblem() {
        assertThatThrownBy(() -> SyncPipeline.builder().build())
                .isInstanceOf(SyncConfigException.class)
                .hasMessage("2 configuration problems:\n  - A sync pipeline needs a source\n"
                        + "  - A sync pipeline needs at least one destination");
        InMemoryDestination twice = new InMemoryDestination("same");
        assertThatThrownBy(() -> SyncPipeline.builder()
                        .source(sampleSource())
                        .destination(twice)
                        .destination(new InMemoryDestination("same"))
                        .build())
                .hasMessage("Destination memory:same is listed twice");
    }
}
