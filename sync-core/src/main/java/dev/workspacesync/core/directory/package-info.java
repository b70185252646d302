/** The {@code directory} destination: a plain local mirror. */
package dev.workspacesync.core.directory;
