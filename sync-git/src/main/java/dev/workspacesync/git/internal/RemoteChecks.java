package dev.workspacesync.git.internal;

import dev.workspacesync.core.Check;
import dev.workspacesync.core.Redactor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.LsRemoteCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.URIish;

/**
 * The read-only checks of a git destination: {@code ls-remote} of the remote with the configured
 * credentials (reached, credentials accepted, repository found), whether the branch exists, where the
 * cached clone would go, and a plain word that push permission cannot be known without pushing. Nothing is
 * cloned, fetched or pushed; no directory is created.
 *
 * @param auth the destination's credentials
 * @param url the remote URL without credentials
 * @param branch the configured branch
 * @param ssh whether the remote is reached over SSH
 * @param hasToken whether an HTTPS token is configured
 * @param deadline the destination's deadline; the one request must end within it
 * @param workDir the cached clone's directory
 * @param redactor scrubs the destination's secrets from JGit's messages
 */
public record RemoteChecks(
        GitAuth auth,
        String url,
        String branch,
        boolean ssh,
        boolean hasToken,
        Duration deadline,
        Path workDir,
        Redactor redactor) {
    private static final String NAME = "git";
    // A status code, not digits of a port or a number in the URL.
    private static final java.util.regex.Pattern HTTP_401 = java.util.regex.Pattern.compile("(?<![:\\d/.])401(?!\\d)");
    private static final java.util.regex.Pattern HTTP_403 = java.util.regex.Pattern.compile("(?<![:\\d/.])403(?!\\d)");

    /** Runs the checks; never throws. */
    public List<Check> run() {
        List<Check> checks = new ArrayList<>();
        Collection<Ref> heads;
        try {
            LsRemoteCommand command = Git.lsRemoteRepository()
                    .setRemote(auth.remote(url))
                    .setHeads(true)
                    // JGit may send more than one request (protocol fallbacks): each gets a third of the time.
                    .setTimeout((int) Math.max(1, (deadline.toMillis() / 3 + 999) / 1000));
            heads = auth.configure(command).call();
        } catch (GitAPIException | IOException | RuntimeException e) {
            checks.add(failure(e));
            return checks;
        }
        String ref = Constants.R_HEADS + branch;
        boolean exists = heads.stream().anyMatch(r -> r.getName().equals(ref));
        if (exists) {
            checks.add(Check.passed(NAME, "reached " + url + " (ls-remote, branch " + branch + " exists)"));
        } else if (heads.isEmpty()) {
            checks.add(Check.warning(
                    NAME,
                    "reached " + url + " (ls-remote): the repository is empty; the first run creates branch " + branch,
                    ""));
        } else {
            List<String> names = heads.stream()
                    .map(r -> Repository.shortenRefName(r.getName()))
                    .sorted()
                    .limit(10)
                    .toList();
            checks.add(Check.warning(
                    NAME,
                    "reached " + url + " (ls-remote): branch " + branch + " does not exist yet; the first run creates"
                            + " it (existing: " + String.join(", ", names) + (heads.size() > 10 ? ", …" : "") + ")",
                    "if you meant an existing branch, set git.branch (GIT_BRANCH)"));
        }
        checks.add(push());
        checks.add(cache());
        return checks;
    }

    /**
     * The git source's checks, {@code branch} being its {@code git.ref}: the remote answers with the
     * credentials, it is not empty, the ref exists (a commit id that no branch or tag points at is a
     * warning: only a fetch can tell whether the remote has it), and where the cached clone would go.
     */
    public List<Check> runForSource() {
        List<Check> checks = new ArrayList<>();
        Map<String, Ref> refs;
        try {
            LsRemoteCommand command = Git.lsRemoteRepository()
                    .setRemote(auth.remote(url))
                    .setTimeout((int) Math.max(1, (deadline.toMillis() / 3 + 999) / 1000));
            refs = auth.configure(command).callAsMap();
        } catch (GitAPIException | IOException | RuntimeException e) {
            checks.add(failure(e));
            return checks;
        }
        if (refs.keySet().stream().noneMatch(n -> n.startsWith(Constants.R_REFS))) {
            checks.add(Check.failed(
                    NAME,
                    "reached " + url + " (ls-remote): the repository is empty, there is nothing to read",
                    "push a branch to it first, or check git.remote-url"));
        } else {
            java.util.Optional<RemoteRef> found = RemoteRef.find(branch, refs);
            if (found.isEmpty()) {
                checks.add(Check.failed(
                        NAME,
                        "reached " + url + " (ls-remote): no branch or tag '" + branch + "' there ("
                                + RemoteRef.existing(refs) + ")",
                        "set git.ref (or git.branch) to one of them, or to a full commit id"));
            } else if (found.get().isCommit()
                    && refs.values().stream()
                            .noneMatch(r -> found.get().id().equals(r.getObjectId())
                                    || found.get().id().equals(r.getPeeledObjectId()))) {
                checks.add(Check.warning(
                        NAME,
                        "reached " + url + " (ls-remote); commit " + branch + " is not the tip of a branch or tag,"
                                + " so whether the remote has it is known only when it is fetched",
                        ""));
            } else {
                checks.add(Check.passed(
                        NAME, "reached " + url + " (ls-remote, " + found.get().kind() + " " + branch + " exists)"));
            }
        }
        checks.add(cache());
        return checks;
    }

    /** A local repository's permission is the file system's; a server's cannot be seen without pushing. */
    private Check push() {
        Path local = localRepository();
        if (local != null) {
            Path objects = Files.isDirectory(local.resolve("objects")) ? local.resolve("objects") : local;
            return Files.isWritable(local) && Files.isWritable(objects)
                    ? Check.passed(NAME, "this user may write the local repository " + local)
                    : Check.failed(
                            NAME,
                            "Permission denied: the local repository " + local + " is not writable by this user",
                            "grant write permission on " + local + ", or run as its owner");
        }
        return Check.warning(
                NAME,
                "push permission cannot be known without pushing; the first run shows it",
                ssh
                        ? "make sure the key's account may push to " + url
                        : "make sure the token may push to " + url + " (e.g. GitHub: Contents read and write)");
    }

    /** The directory of a {@code file://} (or plain path) remote, or null for a server. */
    private Path localRepository() {
        try {
            URIish uri = new URIish(url);
            boolean file = "file".equals(uri.getScheme()) || (uri.getScheme() == null && uri.getHost() == null);
            return file && uri.getPath() != null ? Path.of(uri.getPath()) : null;
        } catch (java.net.URISyntaxException | java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    /** Where the cached clone goes: an existing directory, or a writable parent to create it in. */
    private Check cache() {
        if (Files.isDirectory(workDir)) {
            return Files.isWritable(workDir)
                    ? Check.passed(NAME, "cached clone " + workDir + " exists and is writable")
                    : Check.failed(
                            NAME,
                            "Permission denied: the cached clone " + workDir + " is not writable by this user",
                            "grant write permission, or set git.work-dir to a directory you can write");
        }
        if (Files.exists(workDir)) {
            return Check.failed(
                    NAME,
                    "the cached clone's place " + workDir + " is a file, not a directory",
                    "remove it, or set git.work-dir elsewhere");
        }
        Path parent = workDir.getParent();
        while (parent != null && !Files.exists(parent)) {
            parent = parent.getParent();
        }
        if (parent == null || !Files.isDirectory(parent) || !Files.isWritable(parent)) {
            return Check.failed(
                    NAME,
                    "Permission denied: the cached clone " + workDir + " cannot be created"
                            + (parent == null ? "" : " in " + parent),
                    "set git.work-dir to a directory you can write");
        }
        return Check.passed(
                NAME,
                "cached clone " + workDir + " does not exist yet; the first run creates it in " + parent
                        + " (writable)");
    }

    private Check failure(Throwable e) {
        String text = redactor.redact(messages(e));
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.contains("no credentialsprovider")
                || (!ssh && !hasToken && lower.contains("authentication is required"))) {
            return Check.failed(
                    NAME, "no token for " + url + ": the server asks for credentials", "set GIT_TOKEN (or git.token)");
        }
        if (lower.contains("not authorized")
                || lower.contains("authenticat")
                || lower.contains("auth fail")
                || HTTP_401.matcher(lower).find()
                || HTTP_403.matcher(lower).find()
                || lower.contains("permission denied")
                || lower.contains("no more authentication methods")
                || lower.contains("did not validate")) {
            return ssh
                    ? Check.failed(
                            NAME,
                            "authentication failed for " + url + " (or its host key is not trusted)",
                            "check git.ssh-key, git.ssh-key-passphrase and git.known-hosts")
                    : Check.failed(
                            NAME,
                            "token rejected by " + url + status(lower),
                            "set GIT_TOKEN (git.token) to a token that can read this repository, and git.username"
                                    + " if the server needs a user other than x-access-token");
        }
        String unreachable = unreachable(e);
        if (unreachable != null) {
            return Check.failed(
                    NAME, "cannot reach " + url + ": " + unreachable, "check git.remote-url and that the server is up");
        }
        if (lower.contains("not found") || lower.contains("does not appear to be a git repository")) {
            return Check.failed(
                    NAME,
                    "no repository at " + url + " (" + firstLine(text) + ")",
                    "check git.remote-url; create the repository first if it is new");
        }
        if (lower.contains("timed out") || lower.contains("timeout")) {
            return Check.failed(
                    NAME,
                    "no answer from " + url + " within " + deadline.toSeconds() + " s",
                    "check the network, or raise git.deadline");
        }
        return Check.failed(NAME, "ls-remote of " + url + " failed: " + firstLine(text), "check git.remote-url");
    }

    private static String status(String lower) {
        if (HTTP_403.matcher(lower).find()) {
            return " (HTTP 403)";
        }
        return HTTP_401.matcher(lower).find() || lower.contains("not authorized") ? " (HTTP 401)" : "";
    }

    private static String unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String text = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (t instanceof java.net.UnknownHostException
                    || text.contains("unknownhost")
                    || text.contains("name or service not known")
                    || text.contains("temporary failure in name resolution")
                    || text.contains("cannot be resolved")) {
                return "the host name cannot be resolved";
            }
            if ((t instanceof java.net.ConnectException && !text.contains("timed out"))
                    || text.contains("connection refused")
                    || t instanceof java.net.NoRouteToHostException) {
                return "connection refused";
            }
        }
        return null;
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                all.append(t.getMessage()).append('\n');
            }
        }
        return all.toString();
    }

    private static String firstLine(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
