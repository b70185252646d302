package dev.workspacesync.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.workspacesync.core.KnownSettings;
import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.Redactor;
import dev.workspacesync.core.SettingsScope;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.spi.DestinationProvider;
import dev.workspacesync.core.spi.SettingKey;
import dev.workspacesync.core.spi.SourceProvider;
import dev.workspacesync.examples.internal.Invocation;
import dev.workspacesync.examples.internal.ProviderChoice;
import dev.workspacesync.examples.internal.ReportJson;
import dev.workspacesync.examples.internal.SettingsResolver;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code providers}: every discovered source and destination with its settings. */
@Command(
        name = "providers",
        description = "List every source and destination type with its settings.%n"
                + "With --explain: each setting of the providers in use (--source/--destination, else the config"
                + " file's, else every provider), its effective value (secrets masked) and where it came from:"
                + " --set, a config file line, env VARIABLE, or default.")
final class ProvidersCommand implements Callable<Integer> {
    /** The variables the Databricks SDK reads itself when a setting is absent. */
    private static final Map<String, String> SDK_VARIABLES = Map.of(
            "databricks.host", "DATABRICKS_HOST",
            "databricks.token", "DATABRICKS_TOKEN",
            "databricks.client-id", "DATABRICKS_CLIENT_ID",
            "databricks.client-secret", "DATABRICKS_CLIENT_SECRET",
            "databricks.profile", "DATABRICKS_CONFIG_PROFILE");

    @ParentCommand
    private WorkspaceSync parent;

    @Spec
    private CommandSpec spec;

    @Option(names = "--json", description = "Print JSON.")
    private boolean json;

    @Option(names = "--explain", description = "Show each setting's effective value and where it came from.")
    private boolean explain;

    /** With --explain: the providers and settings, as for run. */
    @Mixin
    private ProviderChoice choice = new ProviderChoice();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ProviderRegistry registry = ProviderRegistry.discover();
        if (explain) {
            return explain(out, spec.commandLine().getErr(), registry);
        }
        if (choice.given()) {
            throw new SyncConfigException("--source, --destination, --set and --config go with --explain");
        }
        if (json) {
            ObjectNode root = ReportJson.MAPPER.createObjectNode();
            ArrayNode sources = root.putArray("sources");
            registry.sources().forEach(p -> describe(sources.addObject(), p.type(), p.description(), p.settings()));
            ArrayNode destinations = root.putArray("destinations");
            registry.destinations()
                    .forEach(p -> describe(destinations.addObject(), p.type(), p.description(), p.settings()));
            root.putPOJO("problems", registry.problems());
            out.println(root.toPrettyString());
            return WorkspaceSync.OK;
        }
        out.println("Sources:");
        for (SourceProvider p : registry.sources()) {
            print(out, p.type(), p.description(), p.settings());
        }
        out.println("Destinations:");
        for (DestinationProvider p : registry.destinations()) {
            print(out, p.type(), p.description(), p.settings());
        }
        registry.problems().forEach(problem -> out.println("Problem: " + problem));
        return WorkspaceSync.OK;
    }

    private static void describe(ObjectNode node, String type, String description, List<SettingKey> keys) {
        node.put("type", type);
        node.put("description", description);
        ArrayNode settings = node.putArray("settings");
        for (SettingKey key : keys) {
            ObjectNode s = settings.addObject();
            s.put("key", key.key());
            s.put("required", key.required());
            s.put("default", key.defaultValue());
            s.put("secret", key.secret());
            s.put("description", key.description());
            s.put("environment", key.environmentName());
        }
    }

    private static void print(PrintWriter out, String type, String description, List<SettingKey> keys) {
        out.println("  " + type + ": " + description);
        for (SettingKey key : keys) {
            StringBuilder line = new StringBuilder("      ").append(key.key());
            if (key.required()) {
                line.append(" (required)");
            }
            if (key.secret()) {
                line.append(" (secret)");
            }
            if (key.defaultValue() != null) {
                line.append(" [default: ").append(key.defaultValue()).append(']');
            }
            line.append(" - ").append(key.description());
            out.println(line);
        }
    }

    /** A provider in use: its type and settings. */
    private record Used(String type, String role, List<SettingKey> keys) {}

    private int explain(PrintWriter out, PrintWriter err, ProviderRegistry registry) {
        SettingsResolver resolver = choice.load(parent.environment(), InstallHookCommand.home(parent));
        List<String> problems = new ArrayList<>();
        List<Used> used = new ArrayList<>();
        SettingsResolver.Selection selection = choice.choose(resolver);
        if (selection != null) {
            if (selection.source() != null) {
                registry.source(selection.source())
                        .ifPresentOrElse(
                                p -> used.add(new Used(p.type(), "source", p.settings())),
                                () -> problems.add(Invocation.unknownType(
                                        "source",
                                        selection.source(),
                                        selection.sourceOrigin(),
                                        registry.sources().stream()
                                                .map(SourceProvider::type)
                                                .toList())));
            }
            for (String type : selection.destinations()) {
                registry.destination(type)
                        .ifPresentOrElse(
                                p -> used.add(new Used(p.type(), "destination", p.settings())),
                                () -> problems.add(Invocation.unknownType(
                                        "destination",
                                        type,
                                        selection.destinationOrigin(),
                                        registry.destinations().stream()
                                                .map(DestinationProvider::type)
                                                .toList())));
            }
        } else {
            // Nothing chosen yet: every provider, so any key can be looked up.
            registry.sources().forEach(p -> used.add(new Used(p.type(), "source", p.settings())));
            registry.destinations().forEach(p -> used.add(new Used(p.type(), "destination", p.settings())));
        }
        List<SettingKey> keys = new ArrayList<>();
        used.forEach(u -> keys.addAll(u.keys()));
        KnownSettings known = selection != null
                ? KnownSettings.forRun(
                        used.stream()
                                .filter(u -> u.role().equals("source"))
                                .map(Used::type)
                                .findFirst()
                                .orElse(null),
                        used.stream()
                                .filter(u -> u.role().equals("source"))
                                .flatMap(u -> u.keys().stream())
                                .toList(),
                        used.stream()
                                .filter(u -> u.role().equals("destination"))
                                .map(Used::type)
                                .toList(),
                        used.stream()
                                .filter(u -> u.role().equals("destination"))
                                .flatMap(u -> u.keys().stream())
                                .toList(),
                        SettingsResolver.allKeys(registry))
                : KnownSettings.of(
                        SettingsResolver.allKeys(registry),
                        SettingsResolver.allKeys(registry),
                        used.stream().map(Used::type).distinct().toList());
        problems.addAll(resolver.problems(known));
        List<String> warnings = resolver.warnings(known);
        SettingsResolver.Resolved resolved = resolver.layered(keys);
        SyncSettings settings = resolved.settings();
        Map<String, String> env = parent.environment();
        List<String> found = resolver.files().stream().map(Path::toString).toList();

        ObjectNode root = ReportJson.MAPPER.createObjectNode();
        ArrayNode files = root.putArray("files");
        resolver.looked()
                .forEach(p -> files.addObject().put("path", p.toString()).put("found", found.contains(p.toString())));
        if (selection != null) {
            root.putObject("source").put("type", selection.source()).put("from", selection.sourceOrigin());
            ObjectNode d = root.putObject("destinations").put("from", selection.destinationOrigin());
            ArrayNode types = d.putArray("types");
            selection.destinations().forEach(types::add);
        }
        ArrayNode list = root.putArray("settings");
        for (Used u : used) {
            // Each side reads its own view: a scoped key (source.git.branch) is listed as written, with its origin.
            SyncSettings view =
                    settings.forScope(u.role().equals("source") ? SettingsScope.SOURCE : SettingsScope.DESTINATION);
            for (SettingKey key : u.keys()) {
                String written = view.written(key.key());
                boolean secret = key.secret() || view.isSecret(key.key());
                String value = view.get(key.key()).orElse(null);
                String from = resolved.origins().get(written);
                String sdk = SDK_VARIABLES.get(key.key());
                if (value == null
                        && sdk != null
                        && env.get(sdk) != null
                        && !env.get(sdk).isBlank()) {
                    value = env.get(sdk);
                    from = "env " + sdk + " (read by the Databricks SDK)";
                    secret |= sdk.endsWith("TOKEN") || sdk.endsWith("SECRET");
                }
                if (value == null && key.defaultValue() != null) {
                    value = key.defaultValue();
                    from = "default";
                }
                ObjectNode s = list.addObject()
                        .put("provider", u.type())
                        .put("role", u.role())
                        .put("key", value != null && !"default".equals(from) ? written : key.key())
                        .put("value", value == null ? null : secret ? Redactor.MASK : value)
                        .put("from", from)
                        .put("secret", secret)
                        .put("required", key.required())
                        .put("environment", key.environmentName());
                if (value == null) {
                    s.putNull("from");
                }
            }
        }
        problems.forEach(root.putArray("problems")::add);
        warnings.forEach(root.putArray("warnings")::add);
        if (json) {
            out.println(root.toPrettyString());
        } else {
            printExplained(out, root, selection == null);
        }
        out.flush();
        if (!json) {
            warnings.forEach(w -> err.println("Warning: " + w));
            err.flush();
        }
        if (!problems.isEmpty()) {
            if (!json) {
                problems.forEach(p -> err.println("Problem: " + p));
                err.flush();
            }
            return WorkspaceSync.USAGE;
        }
        return WorkspaceSync.OK;
    }

    private static void printExplained(PrintWriter out, ObjectNode root, boolean everyProvider) {
        out.println("Config files (a key in an earlier one wins; --set over these over the environment over"
                + " defaults):");
        root.get("files")
                .forEach(f -> out.println(
                        "  " + f.get("path").asText() + (f.get("found").asBoolean() ? "" : " (none)")));
        if (everyProvider) {
            out.println("No source or destination chosen (--source/--destination, or source=/destination= in a"
                    + " config file): every provider's settings.");
        } else {
            out.println("Source: "
                    + chosen(root.get("source").get("type"), root.get("source").get("from")));
            List<String> types = new ArrayList<>();
            root.get("destinations").get("types").forEach(t -> types.add(t.asText()));
            out.println("Destinations: "
                    + chosen(
                            types.isEmpty() ? null : new TextNode(String.join(", ", types)),
                            root.get("destinations").get("from")));
        }
        String provider = null;
        Map<String, java.util.Set<String>> roles = new java.util.HashMap<>();
        root.get("settings")
                .forEach(s -> roles.computeIfAbsent(s.get("provider").asText(), k -> new java.util.HashSet<>())
                        .add(s.get("role").asText()));
        for (var s : root.get("settings")) {
            String type = s.get("provider").asText();
            // One type on both sides: each side's values under its own heading.
            String heading =
                    roles.get(type).size() > 1 ? type + " (" + s.get("role").asText() + ")" : type;
            if (!heading.equals(provider)) {
                provider = heading;
                out.println(provider + ":");
            }
            StringBuilder line = new StringBuilder("  ").append(s.get("key").asText());
            if (s.get("value").isNull()) {
                line.append(" is not set").append(s.get("required").asBoolean() ? " (required)" : "");
                line.append("; set it with --set, a config file or ")
                        .append(s.get("environment").asText());
            } else {
                line.append(" = ")
                        .append(s.get("value").asText())
                        .append("  (")
                        .append(s.get("from").asText())
                        .append(')');
            }
            out.println(line);
        }
    }

    private static String chosen(JsonNode value, JsonNode from) {
        return value == null || value.isNull()
                ? "none chosen (--source/--destination, or source=/destination= in a config file)"
                : value.asText() + " (from " + from.asText() + ")";
    }
}
