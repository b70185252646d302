package dev.workspacesync.examples.internal;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.workspacesync.core.SyncConfigException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a job on a Unix cron expression ({@code SYNC_SCHEDULE="0 * * * *"}), parsed by cron-utils. The
 * job runs on the scheduler's own thread; a run that overlaps the next tick simply delays it (and the
 * pipeline coalesces with webhook triggers anyway).
 */
public final class CronSchedule implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CronSchedule.class);

    private final ExecutionTime times;
    private final String expression;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "workspace-sync-schedule");
        t.setDaemon(true);
        return t;
    });

    /**
     * @throws SyncConfigException naming the expression if it is not a valid five-field cron expression
     */
    public CronSchedule(String expression) {
        this(expression, "SYNC_SCHEDULE");
    }

    /**
     * @param origin what messages name as the expression's origin (a variable, a file's key)
     * @throws SyncConfigException naming the origin and the expression if it is not a valid five-field
     *     cron expression
     */
    public CronSchedule(String expression, String origin) {
        this.expression = expression;
        try {
            var parser = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
            this.times = ExecutionTime.forCron(parser.parse(expression).validate());
        } catch (IllegalArgumentException e) {
            throw new SyncConfigException(origin + " '" + expression
                    + "' is not a cron expression (minute hour day month weekday): " + e.getMessage());
        }
    }

    /** How long from {@code now} until the next tick. */
    public Optional<Duration> untilNext(ZonedDateTime now) {
        return times.timeToNextExecution(now);
    }

    /** Starts running {@code job} at every tick. */
    public void start(Runnable job) {
        scheduleNext(job);
        LOG.info("Scheduled syncs: '{}'", expression);
    }

    private void scheduleNext(Runnable job) {
        untilNext(ZonedDateTime.now())
                .ifPresent(delay -> scheduler.schedule(
                        () -> {
                            try {
                                job.run();
                            } catch (RuntimeException e) {
                                LOG.warn(
                                        "Scheduled sync failed: {}",
                                        e.getClass().getName());
                            } finally {
                                scheduleNext(job);
                            }
                        },
                        Math.max(1, delay.toMillis()),
                        TimeUnit.MILLISECONDS));
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
