package dev.workspacesync.examples.internal;

import dev.workspacesync.core.KnownSettings;
import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncListener;
import dev.workspacesync.core.spi.DestinationProvider;
import dev.workspacesync.core.spi.SourceProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * {@code serve}'s deploy options, each with an environment variable of the same meaning (the option wins):
 * the deploy direction ({@code --deploy-source git --deploy-destination windmill}), the branches it may
 * deploy, and the shared secret of git push webhooks.
 */
public final class DeployOptions {
    public static final String SOURCE_VARIABLE = "WORKSPACE_SYNC_DEPLOY_SOURCE";
    public static final String DESTINATION_VARIABLE = "WORKSPACE_SYNC_DEPLOY_DESTINATION";
    public static final String BRANCHES_VARIABLE = "WORKSPACE_SYNC_DEPLOY_BRANCHES";
    public static final String SECRET_VARIABLE = "WORKSPACE_SYNC_GIT_WEBHOOK_SECRET";
    public static final String REPOSITORIES_VARIABLE = "WORKSPACE_SYNC_GIT_WEBHOOK_REPOSITORIES";
    /** The {@code WORKSPACE_SYNC_*} variables here, which are not provider settings. */
    public static final Set<String> VARIABLES =
            Set.of(SOURCE_VARIABLE, DESTINATION_VARIABLE, BRANCHES_VARIABLE, SECRET_VARIABLE, REPOSITORIES_VARIABLE);

    /** The source type when only a deploy destination is named. */
    public static final String DEFAULT_SOURCE = "git";
    /** The destination type when only a deploy source is named. */
    public static final String DEFAULT_DESTINATION = "windmill";

    @Option(
            names = "--deploy-source",
            paramLabel = "TYPE",
            description = "Turns on POST /deploy and git push webhooks (POST /hooks/git) from this source type"
                    + " (default with --deploy-destination: " + DEFAULT_SOURCE + "; env " + SOURCE_VARIABLE
                    + "). Its settings come from the environment, as for /sync.")
    private String source;

    @Option(
            names = "--deploy-destination",
            paramLabel = "TYPE",
            description = "Where deploys go (default with --deploy-source: " + DEFAULT_DESTINATION + "; env "
                    + DESTINATION_VARIABLE + ").")
    private String destination;

    @Option(
            names = "--deploy-branches",
            paramLabel = "BRANCH",
            split = ",",
            description = "Branches a request or a push may deploy; the first is the default (default: the"
                    + " source's configured branch; env " + BRANCHES_VARIABLE + ").")
    private List<String> branches;

    @Option(
            names = "--git-webhook-secret",
            paramLabel = "SECRET",
            description = "The shared secret of git push webhooks (GitHub, GitLab, Gitea); without it"
                    + " /hooks/git is off. Prefer the environment (" + SECRET_VARIABLE + "): options show in ps.")
    private String secret;

    @Option(
            names = "--git-webhook-repository",
            paramLabel = "URL",
            split = ",",
            description = "Another URL under which the git server reports the deployed repository (a proxy, a"
                    + " Compose name); pushes of other repositories are ignored (env " + REPOSITORIES_VARIABLE
                    + ").")
    private List<String> repositories;

    /**
     * The deploy direction these options (over the environment) ask for.
     *
     * @param source the source type
     * @param destination the destination type
     * @param branches the deploy branches (empty: the source's configured branch)
     * @param secret the webhook secret, or null (webhooks off)
     * @param repositories further URLs of the repository in push payloads
     */
    public record Choice(
            String source, String destination, List<String> branches, Secret secret, List<String> repositories) {
        public Choice {
            branches = List.copyOf(branches);
            repositories = List.copyOf(repositories);
        }

        /**
         * The environment without the variables this deploy takes ({@code WORKSPACE_SYNC_DESTINATION_WINDMILL_*}
         * for a git → windmill deploy), for the check of the backup's side, which refuses them: a variable is
         * wrong only when neither direction takes it. Unchanged for an unknown type ({@link #start} names it).
         */
        public Map<String, String> withoutOwnVariables(ProviderRegistry registry, Map<String, String> environment) {
            Optional<SourceProvider> from = registry.source(source);
            Optional<DestinationProvider> to = registry.destination(destination);
            if (from.isEmpty() || to.isEmpty()) {
                return environment;
            }
            KnownSettings deploys = KnownSettings.forRun(
                    source,
                    from.get().settings(),
                    List.of(destination),
                    to.get().settings(),
                    SettingsResolver.allKeys(registry));
            Map<String, String> rest = new HashMap<>(environment);
            rest.entrySet()
                    .removeIf(e -> deploys.checkEnvironment(
                                    Map.of(e.getKey(), e.getValue()), SettingsResolver.OTHER_VARIABLES)
                            .isEmpty());
            return rest;
        }

        /** The deploy routes of this choice, with the environment's settings for its providers. */
        public DeployRoutes start(
                ProviderRegistry registry, Map<String, String> environment, List<SyncListener> listeners) {
            DeployService.Target target =
                    DeployService.configure(registry, source, destination, environment, branches, repositories);
            if (secret != null) {
                Logging.redact(List.of(secret));
            }
            return new DeployRoutes(new DeployService(target, registry, listeners), secret);
        }
    }

    /**
     * The deploy direction, or null when neither these options nor the environment name one.
     *
     * @throws SyncConfigException when a webhook secret or branches are given without a deploy direction
     */
    public Choice choice(Map<String, String> environment) {
        String sourceType = value(source, environment.get(SOURCE_VARIABLE));
        String destinationType = value(destination, environment.get(DESTINATION_VARIABLE));
        String hookSecret = value(secret, environment.get(SECRET_VARIABLE));
        List<String> deployBranches = list(branches, environment.get(BRANCHES_VARIABLE));
        List<String> hookRepositories = list(repositories, environment.get(REPOSITORIES_VARIABLE));
        if (sourceType == null && destinationType == null) {
            List<String> stray = new ArrayList<>();
            if (hookSecret != null) {
                stray.add("--git-webhook-secret / " + SECRET_VARIABLE);
            }
            if (!deployBranches.isEmpty()) {
                stray.add("--deploy-branches / " + BRANCHES_VARIABLE);
            }
            if (!hookRepositories.isEmpty()) {
                stray.add("--git-webhook-repository / " + REPOSITORIES_VARIABLE);
            }
            if (!stray.isEmpty()) {
                throw new SyncConfigException(String.join(", ", stray)
                        + " given without a deploy direction: add --deploy-source " + DEFAULT_SOURCE
                        + " --deploy-destination " + DEFAULT_DESTINATION + " (or " + SOURCE_VARIABLE + ")");
            }
            return null;
        }
        return new Choice(
                sourceType == null ? DEFAULT_SOURCE : sourceType,
                destinationType == null ? DEFAULT_DESTINATION : destinationType,
                deployBranches,
                hookSecret == null ? null : Secret.of(hookSecret),
                hookRepositories);
    }

    private static String value(String option, String variable) {
        String value = option != null ? option : variable;
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static List<String> list(List<String> option, String variable) {
        if (option != null && !option.isEmpty()) {
            return option.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        }
        if (variable == null || variable.isBlank()) {
            return List.of();
        }
        return Arrays.stream(variable.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }
}
