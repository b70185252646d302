/**
 * Git adapters: {@link dev.workspacesync.git.LocalProjectSource} (provider {@code local}), a project
 * directory's working tree or committed tree; {@link dev.workspacesync.git.GitRemoteDestination}
 * (provider {@code git}), a branch of a git remote kept as a mirror through a cached clone, one commit
 * per sync, pushed without force over HTTPS (token) or SSH (key and known_hosts); and
 * {@link dev.workspacesync.git.GitHooks}, which installs a post-commit hook that starts a sync in the
 * background. Everything runs on JGit: no {@code git} binary is needed.
 */
package dev.workspacesync.git;
