package dev.workspacesync.databricks.internal;

import com.databricks.sdk.service.workspace.ObjectInfo;
import com.databricks.sdk.service.workspace.ObjectType;
import dev.workspacesync.core.Check;
import dev.workspacesync.core.Redactor;
import dev.workspacesync.core.SyncConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The read-only checks of a Databricks destination: {@code scim/v2/Me} (the host answers, the credentials
 * are accepted), {@code get-status} of the target folder or its nearest existing parent and {@code list}
 * of the folder (it is a folder and can be read), and write permission as far as a read can tell (a
 * folder in the user's own home folder is theirs). Only GET requests; nothing is created.
 *
 * @param workspace creates the client (resolving the SDK's configuration; a {@link SyncConfigException} when it
 *     cannot), each call bounded by the destination's deadline
 * @param root the configured folder, or null for {@code /Workspace/Users/<user>/projects/<project>}
 * @param project the configured project name, or null (then named after the source at the first run)
 * @param host the workspace URL, for messages
 * @param redactor scrubs the credentials from anything the SDK echoes
 * @param reading whether the folder is read (a source: it must exist and hold something) rather than written
 */
public record FolderChecks(
        Supplier<Workspace> workspace, String root, String project, String host, Redactor redactor, boolean reading) {
    /** The checks of a destination, which writes the folder. */
    public FolderChecks(Supplier<Workspace> workspace, String root, String project, String host, Redactor redactor) {
        this(workspace, root, project, host, redactor, false);
    }

    private static final String NAME = "databricks";
    /** Parents climbed to find where a missing folder would be created. */
    private static final int MAX_PARENTS = 12;

    /** Runs the checks; throws only a {@link SyncConfigException} when the settings give no usable client. */
    public List<Check> run() {
        List<Check> checks = new ArrayList<>();
        Workspace ws;
        String user;
        try {
            ws = workspace.get();
            user = ws.currentUser();
            checks.add(Check.passed(NAME, "token accepted by " + ws.host() + " (user " + user + ")"));
        } catch (WorkspaceException e) {
            checks.add(signInFailure(e));
            return checks;
        } catch (SyncConfigException e) {
            throw e; // no host or no usable credentials: a settings problem, as for a run
        } catch (RuntimeException e) {
            checks.add(Check.failed(
                    NAME,
                    redactor.redact(String.valueOf(e.getMessage())),
                    "set DATABRICKS_HOST and DATABRICKS_TOKEN (or databricks.profile, or OAuth client id/secret)"));
            return checks;
        }
        String folder =
                root != null ? root : "/Workspace/Users/" + user + "/projects" + (project != null ? "/" + project : "");
        try {
            if (reading) {
                checks.add(readable(ws, folder));
                return checks;
            }
            checks.add(folder(ws, folder));
            checks.add(writable(folder, user));
        } catch (RuntimeException e) {
            checks.add(Check.failed(
                    NAME,
                    redactor.redact(String.valueOf(e.getMessage())),
                    "check databricks.root and that the workspace is up"));
        }
        return checks;
    }

    private Check signInFailure(WorkspaceException e) {
        if (e.status() == 401 || e.status() == 403) {
            return Check.failed(
                    NAME,
                    "token rejected by " + host + " (HTTP " + e.status() + ")",
                    "set DATABRICKS_TOKEN (databricks.token) to a valid token, or use databricks.profile");
        }
        if (e.status() == 523) {
            return Check.failed(
                    NAME,
                    "cannot reach " + host + ": " + e.cause(),
                    "check databricks.host (DATABRICKS_HOST) and that the workspace is up");
        }
        return Check.failed(
                NAME,
                redactor.redact("reading the current user of " + host + " failed: " + e.cause()),
                "check databricks.host (DATABRICKS_HOST) and the credentials");
    }

    /** A folder to read: it must exist, be a folder and hold something besides workspace-sync's own. */
    private static Check readable(Workspace ws, String folder) {
        Optional<ObjectInfo> info = ws.status(folder);
        if (info.isEmpty()) {
            return Check.failed(
                    NAME, "folder " + folder + " does not exist", "set databricks.root to the folder to read");
        }
        ObjectType type = info.get().getObjectType();
        if (type != ObjectType.DIRECTORY && type != ObjectType.REPO) {
            return Check.failed(NAME, folder + " is a " + type + ", not a folder", "set databricks.root to a folder");
        }
        long children = ws.list(folder).stream()
                .filter(o -> !String.valueOf(Connection.relative(folder, o.getPath()))
                        .equals(Manifest.FOLDER))
                .count();
        if (children == 0) {
            return Check.failed(
                    NAME,
                    "folder " + folder + " is empty: a sync from it would have nothing to copy",
                    "check databricks.root (or set databricks.allow-empty=true if an empty folder is meant)");
        }
        return Check.passed(NAME, "folder " + folder + " can be read (get-status, list: " + children + " objects)");
    }

    private static Check folder(Workspace ws, String folder) {
        Optional<ObjectInfo> info = ws.status(folder);
        if (info.isPresent()) {
            ObjectType type = info.get().getObjectType();
            if (type != ObjectType.DIRECTORY && type != ObjectType.REPO) {
                return Check.failed(
                        NAME,
                        folder + " is a " + type + ", not a folder",
                        "set databricks.root to a folder, or move the " + type + " away");
            }
            int children = ws.list(folder).size();
            return Check.passed(NAME, "folder " + folder + " exists (get-status, list: " + children + " objects)");
        }
        String parent = folder;
        for (int i = 0; i < MAX_PARENTS; i++) {
            int slash = parent.lastIndexOf('/');
            if (slash <= 0) {
                break;
            }
            parent = parent.substring(0, slash);
            Optional<ObjectInfo> up = ws.status(parent);
            if (up.isPresent()) {
                ObjectType type = up.get().getObjectType();
                if (type != ObjectType.DIRECTORY && type != ObjectType.REPO) {
                    return Check.failed(
                            NAME,
                            folder + " cannot be created: " + parent + " is a " + type,
                            "set databricks.root to a path under a folder");
                }
                return Check.warning(
                        NAME,
                        "folder " + folder + " does not exist yet; the first run creates it in " + parent,
                        "if you meant an existing folder, set databricks.root");
            }
        }
        return Check.warning(
                NAME,
                "folder " + folder + " does not exist yet, nor do its parents; the first run creates them",
                "if you meant an existing folder, set databricks.root");
    }

    private Check writable(String folder, String user) {
        for (String home : List.of("/Workspace/Users/" + user, "/Users/" + user)) {
            if (folder.equals(home) || folder.startsWith(home + "/")) {
                return Check.passed(NAME, folder + " is in the home folder of " + user + ", who may write there");
            }
        }
        return Check.warning(
                NAME,
                "write permission on " + folder + " cannot be shown by a read; the first run shows it",
                "make sure " + user + " has CAN_EDIT or CAN_MANAGE on " + folder);
    }
}
