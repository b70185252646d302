/**
 * The service provider interface: {@link dev.workspacesync.core.spi.Source} and
 * {@link dev.workspacesync.core.spi.Destination}, and the providers that let tools create them by type
 * name from settings.
 */
package dev.workspacesync.core.spi;
