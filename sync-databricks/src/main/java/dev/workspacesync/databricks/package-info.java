/**
 * The {@code databricks} destination: {@link dev.workspacesync.databricks.DatabricksWorkspaceDestination}
 * syncs snapshots into a Databricks Workspace folder through the Databricks SDK for Java.
 */
package dev.workspacesync.databricks;
