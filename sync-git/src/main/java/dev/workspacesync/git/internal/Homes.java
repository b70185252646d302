package dev.workspacesync.git.internal;

import java.io.File;
import java.nio.file.Path;
import org.eclipse.jgit.util.FS;

/** The user's home directory as JGit sees it, falling back to {@code user.home}. */
public final class Homes {
    private Homes() {}

    public static Path userHome() {
        File home = FS.DETECTED.userHome();
        return home != null ? home.toPath() : Path.of(System.getProperty("user.home"));
    }
}
