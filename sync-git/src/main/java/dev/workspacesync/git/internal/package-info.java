/** Implementation details of the git adapters; not API. */
package dev.workspacesync.git.internal;
