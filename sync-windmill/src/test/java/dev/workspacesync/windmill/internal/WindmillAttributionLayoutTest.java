package dev.workspacesync.windmill.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which item a file of the CLI layout belongs to. */
class WindmillAttributionLayoutTest {
    @ParameterizedTest
    @CsvSource({
        "f/etl/daily.flow/flow.yaml, flow, f/etl/daily",
        "f/etl/daily__flow/a.inline_script.py, flow, f/etl/daily",
        "f/etl/dash.app/app.yaml, app, f/etl/dash",
        "f/etl/ui.raw_app/raw_app.yaml, app, f/etl/ui",
        "f/etl/extract.py, script, f/etl/extract",
        "f/etl/extract.bun.ts, script, f/etl/extract",
        "f/etl/extract.script.yaml, script, f/etl/extract",
        "f/etl/extract.script.lock, script, f/etl/extract",
        "f/etl/mods__mod/script.yaml, script, f/etl/mods",
        "f/etl/db.resource.yaml, resource, f/etl/db",
        "f/etl/cert.resource.file.pem, resource, f/etl/cert",
        "u/alice/region.variable.yaml, variable, u/alice/region",
        "f/etl/folder.meta.yaml, folder, f/etl",
        "f/etl/nightly.schedule.yaml, schedule, f/etl/nightly",
        "f/etl/hook.http_trigger.yaml, httptrigger, f/etl/hook",
        "postgresql.resource-type.yaml, resourcetype, postgresql",
    })
    void filesBelongToTheirItem(String file, String kind, String path) {
        assertThat(WindmillAttribution.itemOf(file)).isEqualTo(new WindmillAttribution.Key(kind, path));
    }

    @ParameterizedTest
    @CsvSource({"wmill-lock.yaml", "wmill.yaml", "dependencies/requirements.in", "f/etl/README"})
    void filesOfNoItem(String file) {
        assertThat(WindmillAttribution.itemOf(file)).isNull();
    }
}
