package dev.workspacesync.examples.internal;

import dev.workspacesync.core.SyncConfigException;

/**
 * A well-formed request the service will not carry out because it would lend the service's own
 * credentials (or what they read) to a place the operator did not configure: answered with 403. The
 * message names the request field at fault and what to send instead; it never holds a credential.
 */
public final class RequestRefusedException extends SyncConfigException {
    private static final long serialVersionUID = 1L;

    public RequestRefusedException(String problem) {
        super(problem);
    }
}
