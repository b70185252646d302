/**
 * The {@code databricks} destination and source: {@link dev.workspacesync.databricks.DatabricksWorkspaceDestination}
 * syncs snapshots into a Databricks Workspace folder through the Databricks SDK for Java, and {@link
 * dev.workspacesync.databricks.DatabricksWorkspaceSource} exports such a folder back as files.
 */
package dev.workspacesync.databricks;
