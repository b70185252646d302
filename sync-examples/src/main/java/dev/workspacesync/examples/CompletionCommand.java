package dev.workspacesync.examples;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code completion}: prints picocli's generated bash completion script (zsh loads it through {@code
 * bashcompinit}). It completes every subcommand and option, so it stays right as commands are added.
 */
@Command(
        name = "completion",
        description = "Print a bash/zsh completion script for workspace-sync.",
        footer = {
            "%nbash:  source <(workspace-sync completion)",
            "zsh:   autoload -U +X bashcompinit && bashcompinit; source <(workspace-sync completion)",
            "(workspace-sync must be on the PATH, e.g. a script running java -jar workspace-sync.jar \"$@\")"
        })
final class CompletionCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        var root = spec.root().commandLine();
        spec.commandLine().getOut().print(AutoComplete.bash(root.getCommandName(), root));
        spec.commandLine().getOut().flush();
        return WorkspaceSync.OK;
    }
}
