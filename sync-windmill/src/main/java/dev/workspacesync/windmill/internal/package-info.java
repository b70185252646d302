/** Internals of the Windmill source: HTTP calls, archive unpacking, the CLI's transformations, the CLI runner. */
package dev.workspacesync.windmill.internal;
