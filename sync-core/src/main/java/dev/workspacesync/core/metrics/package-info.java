/**
 * Metrics of sync runs in any Micrometer {@code MeterRegistry}: {@link dev.workspacesync.core.metrics.SyncMetrics}.
 * The only package of sync-core that needs {@code io.micrometer:micrometer-core}, an optional dependency:
 * add it to your build to use this package.
 */
package dev.workspacesync.core.metrics;
