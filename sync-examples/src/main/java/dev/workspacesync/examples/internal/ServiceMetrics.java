package dev.workspacesync.examples.internal;

import dev.workspacesync.core.SyncListener;
import dev.workspacesync.core.metrics.SyncMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Locale;

/**
 * The service's meters in a Prometheus registry: the library's {@link SyncMetrics} per target, plus the
 * JVM and process binders. {@code GET /metrics} renders it in the Prometheus text format (version 0.0.4),
 * or in OpenMetrics when the scraper asks for it.
 */
public final class ServiceMetrics implements AutoCloseable {
    /** The Prometheus text exposition format's content type. */
    public static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /** The OpenMetrics text format's content type. */
    public static final String OPEN_METRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    /** Distinct {@code target} labels kept; meters of further targets are dropped (a bound, not a goal). */
    public static final int MAX_TARGETS = 200;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final SyncMetrics sync;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public ServiceMetrics() {
        registry.config()
                .meterFilter(MeterFilter.maximumAllowableTags(
                        SyncMetrics.PREFIX, "target", MAX_TARGETS, MeterFilter.deny()));
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        sync = new SyncMetrics(registry);
    }

    /** A listener recording one target's runs ({@code target} a configured name, see {@link SyncMetrics}). */
    public SyncListener listener(String target) {
        return sync.listener(target);
    }

    /** The content type answered to an {@code Accept} header (null: none sent). */
    public static String contentType(String accept) {
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("application/openmetrics-text")
                ? OPEN_METRICS
                : TEXT;
    }

    /** Every meter in the given format ({@link #TEXT} or {@link #OPEN_METRICS}). */
    public String scrape(String contentType) {
        return registry.scrape(contentType);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
