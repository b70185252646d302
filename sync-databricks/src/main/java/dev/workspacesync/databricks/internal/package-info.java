/** Implementation details of the Databricks destination and source; not API. */
package dev.workspacesync.databricks.internal;
