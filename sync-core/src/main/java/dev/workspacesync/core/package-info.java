/**
 * The core of workspace-sync: {@link dev.workspacesync.core.SyncPipeline} runs a source's
 * {@link dev.workspacesync.core.Snapshot} into destinations, with validated
 * {@link dev.workspacesync.core.SyncPath paths}, incremental {@link dev.workspacesync.core.Planner
 * planning}, a crash-safe {@link dev.workspacesync.core.SyncStateStore state store}, a
 * {@link dev.workspacesync.core.DeletionGuard deletion guard} and {@link dev.workspacesync.core.Redactor
 * redaction} of every secret.
 */
package dev.workspacesync.core;
