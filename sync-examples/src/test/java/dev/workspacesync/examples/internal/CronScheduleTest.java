package dev.workspacesync.examples.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.SyncConfigException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class CronScheduleTest {
    @Test
    void computesTheNextTickOfAUnixExpression() {
        ZonedDateTime now = ZonedDateTime.of(2026, 11, 23, 9, 30, 15, 0, ZoneOffset.UTC);
        try (CronSchedule hourly = new CronSchedule("0 * * * *")) {
            assertThat(hourly.untilNext(now)).contains(Duration.ofMinutes(29).plusSeconds(45));
        }
        try (CronSchedule nightly = new CronSchedule("30 2 * * 1-5")) {
            assertThat(nightly.untilNext(now)).contains(Duration.ofHours(17).plusSeconds(-15));
        }
    }

    @Test
    void aBadExpressionNamesItselfAndTheExpectedForm() {
        assertThatThrownBy(() -> new CronSchedule("every hour"))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageStartingWith(
                        "SYNC_SCHEDULE 'every hour' is not a cron expression (minute hour day month" + " weekday)");
        assertThatThrownBy(() -> new CronSchedule("61 * * * *")).isInstanceOf(SyncConfigException.class);
    }
}
