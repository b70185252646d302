/** Implementation details of the Databricks destination; not API. */
package dev.workspacesync.databricks.internal;
