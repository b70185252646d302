/**
 * A Windmill workspace source: {@link dev.workspacesync.windmill.WindmillSource} produces the tree that
 * {@code wmill sync pull} writes, through the HTTP API or the real CLI; the provider type is {@code windmill}.
 */
package dev.workspacesync.windmill;
