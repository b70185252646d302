package dev.workspacesync.examples;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.spi.DestinationProvider;
import dev.workspacesync.core.spi.SettingKey;
import dev.workspacesync.core.spi.SourceProvider;
import dev.workspacesync.examples.internal.ReportJson;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code providers}: every discovered source and destination with its settings. */
@Command(name = "providers", description = "List every source and destination type with its settings.")
final class ProvidersCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--json", description = "Print JSON.")
    private boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ProviderRegistry registry = ProviderRegistry.discover();
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
}
