package dev.workspacesync.examples.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The shell code the post-commit hook runs in the background (the body handed to
 * {@code GitHooks.installPostCommitHook}): it syncs a repository that sits directly in the projects
 * directory by running {@code hook-run} with the recorded java and jar, and does nothing anywhere else.
 * Every way the hook itself can fail (jar or java gone, the JVM not starting, the sync process dying) is
 * appended, timestamped, to {@code $HOME/.sync-errors.log} with what to do; {@code hook-run} writes its own
 * failures there too.
 *
 * @param java the java executable found at install time; {@code java} on {@code PATH} when it is gone
 * @param required what must exist for the launch to work: the jar, or a development build's classes
 * @param launch the arguments after the java executable, up to and including {@code hook-run}
 * @param projects the projects directory, symlinks resolved
 * @param classData the JVM's class-data archive for this jar (see {@link #forJar}), or null for none
 */
public record HookScript(Path java, Path required, List<String> launch, Path projects, Path classData) {
    /** The last line the hook writes to its log when it did nothing in a repository outside the projects. */
    public static final String OUTSIDE = ": nothing to do";

    /** The last line the hook writes to its log once {@code hook-run} has exited. */
    public static final String FINISHED = "workspace-sync hook: finished";

    /** The prefix of the last line when the hook itself failed (and wrote to the errors log). */
    public static final String FAILED = "workspace-sync hook: failed: ";

    public HookScript {
        Objects.requireNonNull(java, "java");
        Objects.requireNonNull(required, "required");
        launch = List.copyOf(launch);
        Objects.requireNonNull(projects, "projects");
    }

    /**
     * Runs {@code hook-run} from a jar, with a class-data archive beside it ({@code <jar>.jsa}): the first run
     * writes what it loaded there ({@code -XX:ArchiveClassesAtExit}, to a temporary name renamed into place),
     * later runs map it ({@code -XX:SharedArchiveFile}) and start faster. The JVM ignores, silently, an
     * archive that is missing, stale or from another JVM, so it can only make a run slower by not helping.
     */
    public static HookScript forJar(Path java, Path jar, Path projects) {
        Path archive = StableJar.classData(jar);
        // The JVM reads a ':' in -XX:SharedArchiveFile as a separator between two archives.
        return new HookScript(
                java,
                jar,
                List.of("-jar", jar.toString(), "hook-run"),
                projects,
                archive.toString().contains(":") ? null : archive);
    }

    /** Runs {@code hook-run} from a class path (a development build: it goes with the build directory). */
    public static HookScript forClassPath(Path java, Path classes, String classPath, String mainClass, Path projects) {
        // No class-data archive: the JVM archives classes from jars only.
        return new HookScript(java, classes, List.of("-cp", classPath, mainClass, "hook-run"), projects, null);
    }

    /** The shell code. Only POSIX sh features; every recorded value is single-quoted. */
    public String body() {
        boolean jar = launch.get(0).equals("-jar");
        String missing = jar
                ? "the hook's jar $required is missing. Run \\`workspace-sync install-hook\\` again"
                        + " (java -jar workspace-sync.jar install-hook)."
                : "$required is missing: the hook was installed from a development build, not a jar. Run"
                        + " \\`java -jar workspace-sync.jar install-hook\\` for a hook that outlives the build.";
        return String.join(
                "\n",
                "# Recorded by workspace-sync install-hook.",
                "java=" + quote(java.toString()),
                "required=" + quote(required.toString()),
                "projects=" + quote(projects.toString()),
                "# The physical top of the work tree: symlinks and .. resolved (the dot keeps trailing newlines).",
                "top=$(pwd -P && echo .) && top=${top%?.}",
                "case \"$hook_log\" in /*) ;; *) hook_log=\"$top/$hook_log\" ;; esac",
                "errors=\"$HOME/.sync-errors.log\"",
                "say() { printf '%s workspace-sync hook: %s\\n' \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\" \"$1\"; }",
                "failed() {",
                "  printf '%s %s: %s\\n' \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\" \"$top\" \"$1\" >>\"$errors\"",
                "  say \"failed: $1\"",
                "}",
                "sync_project() {",
                "  if [ ! -e \"$required\" ]; then",
                "    failed \"this commit was not synced: " + missing + "\"",
                "    return",
                "  fi",
                "  if [ ! -x \"$java\" ]; then",
                "    found=$(command -v java 2>/dev/null) || found=",
                "    if [ -z \"$found\" ]; then",
                "      failed \"this commit was not synced: no java ($java, found by install-hook, is gone and"
                        + " there is no java on PATH). Install Java 17 or later, then run \\`workspace-sync"
                        + " install-hook\\` again.\"",
                "      return",
                "    fi",
                "    say \"$java is gone; using $found from PATH\"",
                "    java=$found",
                "  fi",
                classData == null ? "  share=" : "  share=" + quote(classData.toString()),
                "  dump=",
                "  if [ -z \"$share\" ]; then set --",
                "  elif [ -f \"$share\" ]; then set -- \"-XX:SharedArchiveFile=$share\"",
                "  else dump=\"$share.$$.tmp\"; set -- \"-XX:ArchiveClassesAtExit=$dump\"",
                "  fi",
                "  # A missing, stale or foreign archive is not worth a line in the log: the JVM just starts without it.",
                "  [ -n \"$share\" ] && set -- \"$@\" -Xlog:cds=off -Xlog:cds+dynamic=off",
                "  # A hook run is short: the C2 compiler's work would not pay off (measured: sync-databricks/BENCHMARKS.md).",
                "  \"$java\" -XX:TieredStopAtLevel=1 \"$@\" "
                        + launch.stream().map(HookScript::quote).collect(Collectors.joining(" ")),
                "  status=$?",
                "  if [ -n \"$dump\" ] && [ -e \"$dump\" ]; then",
                "    if [ \"$status\" -eq 0 ]; then mv -f \"$dump\" \"$share\"; else rm -f \"$dump\"; fi",
                "  fi",
                "  if [ \"$status\" -gt 128 ]; then",
                "    failed \"this commit may not be synced: the sync process was killed by signal"
                        + " $((status - 128)) (see $hook_log); the next commit retries.\"",
                "  elif [ \"$status\" -ne 0 ]; then",
                "    failed \"this commit was not synced: the sync process failed to start or crashed (exit"
                        + " status $status; see $hook_log). If this repeats, run \\`workspace-sync install-hook\\`"
                        + " again.\"",
                "  else",
                "    say finished",
                "  fi",
                "}",
                "case \"$top\" in",
                "  \"$projects\"/*/*) say \"$top is not a project in $projects" + OUTSIDE + "\" ;;",
                "  \"$projects\"/*) sync_project ;;",
                "  *) say \"$top is not a project in $projects" + OUTSIDE + "\" ;;",
                "esac");
    }

    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
