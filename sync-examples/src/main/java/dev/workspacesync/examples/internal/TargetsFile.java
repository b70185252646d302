package dev.workspacesync.examples.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.workspacesync.core.KnownSettings;
import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.Redactor;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.internal.FileErrors;
import dev.workspacesync.core.spi.DestinationProvider;
import dev.workspacesync.core.spi.SettingKey;
import dev.workspacesync.core.spi.SourceProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A targets file ({@code serve --targets FILE}, {@code run --target NAME}): named targets, each a source
 * and destinations with their settings, read with Jackson YAML and checked whole before anything starts.
 *
 * <pre>{@code
 * allowInlineSecrets: false        # optional; true lets secrets be written in the file itself
 * targets:
 *   - name: admins
 *     source: windmill
 *     destinations: [git]
 *     settings:
 *       windmill.base-url: http://windmill_server:8000
 *       windmill.workspace: admins
 *       windmill.token: ${env:WINDMILL_TOKEN}
 *       git.remote-url: https://github.com/acme/windmill-backup.git
 *       git.token: ${file:/run/secrets/git-token}
 *     schedule: "0 * * * *"          # optional, Unix cron
 *     timeout: 10m                   # optional; a run past it is stopped and reported failed
 *     notify:                        # optional; else SLACK_WEBHOOK_URL / DISCORD_WEBHOOK_URL
 *       slack: ${env:SLACK_WEBHOOK_URL}
 *       onSuccess: false
 * }</pre>
 *
 * <p>A value is either written out or a reference, the whole value: {@code ${env:NAME}} (an environment
 * variable of the process) or {@code ${file:PATH}} (a file's content without its trailing newline, a
 * relative path read from the targets file's directory; what Kubernetes and Docker secrets mount).
 * Secrets (every setting a provider declares secret, and notification URLs) must be references unless
 * the file sets {@code allowInlineSecrets: true}. Every problem of the file is reported at once, each
 * naming the file, the target, the key and (unless it is a secret) the value; unknown keys get a "did
 * you mean".
 */
public final class TargetsFile {
    /** Looked for by {@code run --target} without {@code --targets}, in the working directory. */
    public static final String PROJECT_FILE = "workspace-sync-targets.yaml";

    static final List<String> TOP_KEYS = List.of("allowInlineSecrets", "targets");
    static final List<String> TARGET_KEYS =
            List.of("name", "source", "destinations", "settings", "schedule", "timeout", "notify");
    static final List<String> NOTIFY_KEYS = List.of("slack", "discord", "onSuccess");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]*)}");
    private static final int MAX_SECRET_FILE = 64 * 1024;
    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Path path;
    private final Map<String, Target> targets;

    private TargetsFile(Path path, Map<String, Target> targets) {
        this.path = path;
        this.targets = targets;
    }

    /** The file read. */
    public Path path() {
        return path;
    }

    /** Every target, in file order. */
    public List<Target> targets() {
        return List.copyOf(targets.values());
    }

    /**
     * The target of this name.
     *
     * @throws SyncConfigException naming the file, the known targets and the nearest name
     */
    public Target target(String name) {
        Target target = targets.get(name);
        if (target != null) {
            return target;
        }
        Optional<String> near = KnownSettings.suggest(String.valueOf(name), targets.keySet());
        throw new SyncConfigException("No target '" + printable(name) + "' in " + path
                + near.map(n -> "; did you mean '" + n + "'?").orElse("") + " (targets: "
                + String.join(", ", targets.keySet()) + ")");
    }

    /**
     * Where {@code run --target} looks without {@code --targets}: {@value #PROJECT_FILE} in the working
     * directory, then {@code $XDG_CONFIG_HOME/workspace-sync/targets.yaml} (default {@code ~/.config}),
     * like the config files; the first that exists is read.
     */
    public static List<Path> candidates(Path workingDirectory, Map<String, String> environment, Path home) {
        List<Path> configs = SettingsResolver.configCandidates(workingDirectory, environment, home);
        return List.of(
                workingDirectory.toAbsolutePath().normalize().resolve(PROJECT_FILE),
                configs.get(1).resolveSibling("targets.yaml"));
    }

    /**
     * Reads and checks a targets file.
     *
     * @param environment what {@code ${env:NAME}} references read
     * @throws SyncConfigException listing every problem of the file
     */
    public static TargetsFile load(Path file, ProviderRegistry registry, Map<String, String> environment) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readAllBytes(file));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new SyncConfigException("Targets file " + file + " does not exist");
        } catch (IOException e) {
            // Jackson's message names the line and column (and the duplicate key).
            String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            com.fasterxml.jackson.core.JsonLocation at =
                    e instanceof com.fasterxml.jackson.core.JsonProcessingException p ? p.getLocation() : null;
            throw new SyncConfigException("Targets file " + file + " is not valid YAML"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")") + ": "
                    + message);
        }
        return new Reader(file, registry, environment).read(root);
    }

    /** One reading of a file: the problems found so far. */
    private static final class Reader {
        private final Path file;
        private final ProviderRegistry registry;
        private final Map<String, String> environment;
        private final List<String> problems = new ArrayList<>();
        private boolean allowInline;

        Reader(Path file, ProviderRegistry registry, Map<String, String> environment) {
            this.file = file;
            this.registry = registry;
            this.environment = environment;
        }

        TargetsFile read(JsonNode root) {
            if (root == null || root.isMissingNode() || root.isNull()) {
                throw new SyncConfigException(file + ": the file is empty; it needs 'targets:', a list of targets");
            }
            if (!root.isObject()) {
                throw new SyncConfigException(
                        file + ": expected a mapping with 'targets:' at the top, got a " + kind(root));
            }
            unknownKeys(root, TOP_KEYS, file + ":", "");
            JsonNode allow = root.get("allowInlineSecrets");
            if (allow != null && !allow.isBoolean()) {
                problems.add(file + ": key 'allowInlineSecrets' must be true or false, got " + shown(allow));
            }
            allowInline = allow != null && allow.asBoolean(false);
            JsonNode list = root.get("targets");
            Map<String, Target> targets = new LinkedHashMap<>();
            if (list == null || list.isNull() || (list.isArray() && list.isEmpty())) {
                problems.add(file + ": no targets: add 'targets:' with at least one '- name: …'");
            } else if (!list.isArray()) {
                problems.add(file + ": key 'targets' must be a list ('- name: …' entries), got a " + kind(list));
            } else {
                Set<String> names = new HashSet<>();
                for (int i = 0; i < list.size(); i++) {
                    Target target = target(list.get(i), i + 1, names);
                    if (target != null) {
                        targets.put(target.name(), target);
                    }
                }
            }
            if (!problems.isEmpty()) {
                throw new SyncConfigException(problems);
            }
            return new TargetsFile(file, targets);
        }

        private Target target(JsonNode node, int index, Set<String> names) {
            String numbered = file + ": target #" + index;
            if (!node.isObject()) {
                problems.add(
                        numbered + ": expected a mapping (name, source, destinations, settings…), got a " + kind(node));
                return null;
            }
            JsonNode nameNode = node.get("name");
            String name = null;
            if (nameNode == null || !nameNode.isValueNode() || nameNode.isNull()) {
                problems.add(numbered + ": key 'name' is missing (a name such as 'admins-backup')");
            } else if (!NAME.matcher(nameNode.asText()).matches()) {
                problems.add(numbered + ": key 'name' has value " + shown(nameNode)
                        + ", which is not a name (letters, digits, '.', '_', '-', at most 64, starting with a"
                        + " letter or digit)");
            } else if (!names.add(nameNode.asText())) {
                problems.add(numbered + ": key 'name' has value " + shown(nameNode) + ", which an earlier target has");
            } else {
                name = nameNode.asText();
            }
            String at = name == null ? numbered : file + ": target '" + name + "'";
            int before = problems.size();
            unknownKeys(node, TARGET_KEYS, at + ":", "");

            SourceProvider source = null;
            String sourceType = scalar(node, "source", at, true);
            if (sourceType != null) {
                source = registry.source(sourceType).orElse(null);
                if (source == null) {
                    problems.add(at + ": key 'source' has value '" + printable(sourceType)
                            + "', which is not a source type" + nearest(sourceType, sourceTypes()) + " (known: "
                            + sourceTypes() + ")");
                }
            }
            List<DestinationProvider> destinations = new ArrayList<>();
            List<String> destinationTypes = destinationTypes(node.get("destinations"), at);
            for (String type : destinationTypes) {
                registry.destination(type)
                        .ifPresentOrElse(
                                destinations::add,
                                () -> problems.add(at + ": key 'destinations' has value '" + printable(type)
                                        + "', which is not a destination type" + nearest(type, destinationNames())
                                        + " (known: " + destinationNames() + ")"));
            }

            String schedule = scalar(node, "schedule", at, false);
            if (schedule != null) {
                try {
                    new CronSchedule(schedule, at + ": key 'schedule'").close();
                } catch (SyncConfigException e) {
                    problems.add(e.getMessage());
                }
            }
            Duration timeout = null;
            String timeoutText = scalar(node, "timeout", at, false);
            if (timeoutText != null) {
                try {
                    timeout = SyncSettings.of(Map.of("timeout", timeoutText)).duration("timeout", null);
                } catch (SyncConfigException e) {
                    problems.add(at + ": key 'timeout' has value '" + printable(timeoutText)
                            + "', which is not a positive duration such as 30s, 10m, 2h or PT1H");
                }
            }
            Target.Notify notify = notify(node.get("notify"), at);
            SyncSettings settings =
                    settings(node.get("settings"), at, sourceType, source, destinationTypes, destinations);
            if (name == null || problems.size() > before || settings == null) {
                return null;
            }
            return new Target(name, sourceType, destinationTypes, settings, schedule, timeout, notify);
        }

        private List<String> destinationTypes(JsonNode node, String at) {
            if (node == null || node.isNull()) {
                problems.add(at + ": key 'destinations' is missing (a list of destination types, e.g. [git])");
                return List.of();
            }
            List<String> types = new ArrayList<>();
            if (node.isTextual()) {
                types.add(node.asText().strip());
            } else if (node.isArray()) {
                for (JsonNode element : node) {
                    if (element.isTextual() && !element.asText().isBlank()) {
                        types.add(element.asText().strip());
                    } else {
                        problems.add(at + ": key 'destinations' holds " + shown(element)
                                + ", which is not a destination type");
                    }
                }
            } else {
                problems.add(at + ": key 'destinations' must be a list of destination types, got a " + kind(node));
            }
            if (node.isArray() && node.isEmpty()) {
                problems.add(at + ": key 'destinations' is empty; name at least one destination type");
            }
            return types;
        }

        private SyncSettings settings(
                JsonNode node,
                String at,
                String sourceType,
                SourceProvider source,
                List<String> destinationTypes,
                List<DestinationProvider> destinations) {
            if (node != null && !node.isNull() && !node.isObject()) {
                problems.add(at + ": key 'settings' must be a mapping of setting keys to values, got a " + kind(node));
                return null;
            }
            List<List<SettingKey>> keysByProvider = new ArrayList<>();
            if (source != null) {
                keysByProvider.add(source.settings());
            }
            destinations.forEach(d -> keysByProvider.add(d.settings()));
            List<SettingKey> used =
                    keysByProvider.stream().flatMap(List::stream).toList();
            Map<String, SettingKey> byKey = new LinkedHashMap<>();
            SettingsResolver.allKeys(registry).forEach(k -> byKey.putIfAbsent(k.key(), k));
            used.forEach(k -> byKey.put(k.key(), k));
            List<String> types = new ArrayList<>();
            if (sourceType != null) {
                types.add(sourceType);
            }
            types.addAll(destinationTypes);
            KnownSettings known = KnownSettings.of(used, SettingsResolver.allKeys(registry), types);
            boolean providersKnown =
                    source != null && destinations.size() == destinationTypes.size() && !destinations.isEmpty();

            Map<String, String> values = new LinkedHashMap<>();
            List<Secret> secrets = new ArrayList<>();
            if (node != null && node.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    String key = field.getKey();
                    String where = at + ": key 'settings." + printable(key) + "'";
                    if (providersKnown) {
                        Optional<String> problem = known.check(key, file + " target '" + targetName(at) + "'", true);
                        if (problem.isPresent()) {
                            problems.add(at + ": " + problem.get());
                            continue;
                        }
                    }
                    SettingKey declared = byKey.get(key);
                    boolean secret = declared != null && declared.secret();
                    String value = value(field.getValue(), where, secret);
                    if (value != null) {
                        values.put(key, value);
                        if (secret && !value.isEmpty()) {
                            secrets.add(Secret.of(value));
                        }
                    }
                }
            }
            if (!providersKnown) {
                return null;
            }
            SyncSettings raw = SyncSettings.of(values);
            Redactor redactor = Redactor.of(secrets);
            SyncSettings validated = raw;
            boolean valid = true;
            for (List<SettingKey> keys : keysByProvider) {
                try {
                    validated = validated.validate(keys);
                } catch (SyncConfigException e) {
                    valid = false;
                    e.problems().forEach(p -> problems.add(at + ": " + redactor.redact(inFile(p))));
                }
            }
            return valid ? validated : null;
        }

        /** Core's message names the environment variable; in a file, the setting key is what to write. */
        private static String inFile(String problem) {
            return problem.replaceAll("; environment variable [A-Z0-9_]+\\)", "; add it under settings:)");
        }

        private String targetName(String at) {
            int quote = at.indexOf("target '");
            return quote < 0 ? at : at.substring(quote + 8, at.length() - 1);
        }

        private Target.Notify notify(JsonNode node, String at) {
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isObject()) {
                problems.add(at + ": key 'notify' must be a mapping (slack, discord, onSuccess), got a " + kind(node));
                return null;
            }
            unknownKeys(node, NOTIFY_KEYS, at + ":", "notify.");
            Secret slack = webhook(node.get("slack"), at + ": key 'notify.slack'");
            Secret discord = webhook(node.get("discord"), at + ": key 'notify.discord'");
            JsonNode onSuccess = node.get("onSuccess");
            if (onSuccess != null && !onSuccess.isBoolean()) {
                problems.add(at + ": key 'notify.onSuccess' must be true or false, got " + shown(onSuccess));
            }
            return new Target.Notify(slack, discord, onSuccess != null && onSuccess.asBoolean(false));
        }

        private Secret webhook(JsonNode node, String where) {
            if (node == null || node.isNull()) {
                return null;
            }
            String value = value(node, where, true);
            if (value == null || value.isEmpty()) {
                return null;
            }
            try {
                URI uri = new URI(value.strip());
                if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
                    problems.add(where + " is not an http(s) URL (value not shown: a webhook URL is a secret)");
                    return null;
                }
            } catch (java.net.URISyntaxException e) {
                problems.add(where + " is not a URL (value not shown: a webhook URL is a secret)");
                return null;
            }
            return Secret.of(value.strip());
        }

        /** A scalar value, its reference resolved; null (and a problem) when it cannot be had. */
        private String value(JsonNode node, String where, boolean secret) {
            if (node == null || node.isNull()) {
                problems.add(where + " has no value");
                return null;
            }
            if (!node.isValueNode()) {
                problems.add(where + " must be a single value, got a " + kind(node));
                return null;
            }
            String text = node.asText();
            Matcher m = REFERENCE.matcher(text.strip());
            if (m.matches()) {
                return resolve(m.group(1), m.group(2).strip(), where);
            }
            if (text.contains("${")) {
                problems.add(where + " holds '${' but is not a reference: write the whole value as ${env:NAME} or"
                        + " ${file:/path}");
                return null;
            }
            if (secret && !allowInline && !text.isEmpty()) {
                problems.add(where + " is a secret written in the file (value not shown): write ${env:NAME} or"
                        + " ${file:/path} instead, or set 'allowInlineSecrets: true' at the top of the file");
                return null;
            }
            return text;
        }

        private String resolve(String kind, String name, String where) {
            if (name.isEmpty()) {
                problems.add(where + ": ${" + kind + ":} names nothing");
                return null;
            }
            if (kind.equals("env")) {
                String value = environment.get(name);
                if (value == null) {
                    problems.add(where + ": environment variable " + printable(name) + " is not set");
                }
                return value;
            }
            Path secretFile = file.toAbsolutePath().getParent().resolve(name);
            try {
                if (Files.size(secretFile) > MAX_SECRET_FILE) {
                    problems.add(where + ": file " + secretFile + " is larger than " + MAX_SECRET_FILE + " bytes");
                    return null;
                }
                String content = Files.readString(secretFile, StandardCharsets.UTF_8);
                // What `echo token > file` and Kubernetes secrets written from a shell leave at the end.
                return content.replaceAll("[\\r\\n]+$", "");
            } catch (IOException e) {
                problems.add(where + ": cannot read file " + secretFile + ": " + FileErrors.describe(e, secretFile));
                return null;
            }
        }

        private String scalar(JsonNode node, String key, String at, boolean required) {
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                if (required) {
                    problems.add(at + ": key '" + key + "' is missing");
                }
                return null;
            }
            if (!value.isValueNode() || value.asText().isBlank()) {
                problems.add(at + ": key '" + key + "' must be a single non-empty value, got " + shown(value));
                return null;
            }
            return value.asText().strip();
        }

        private void unknownKeys(JsonNode node, List<String> allowed, String at, String prefix) {
            node.fieldNames().forEachRemaining(key -> {
                if (!allowed.contains(key)) {
                    problems.add(at + " unknown key '" + prefix + printable(key) + "'"
                            + KnownSettings.suggest(key, allowed)
                                    .map(n -> "; did you mean '" + prefix + n + "'?")
                                    .orElse("; known keys: " + String.join(", ", allowed)));
                }
            });
        }

        private List<String> sourceTypes() {
            return registry.sources().stream().map(SourceProvider::type).toList();
        }

        private List<String> destinationNames() {
            return registry.destinations().stream()
                    .map(DestinationProvider::type)
                    .toList();
        }

        private static String nearest(String typed, List<String> candidates) {
            return KnownSettings.suggest(typed, candidates)
                    .map(n -> "; did you mean '" + n + "'?")
                    .orElse("");
        }
    }

    private static String kind(JsonNode node) {
        return node.isArray() ? "list" : node.isObject() ? "mapping" : "value " + shown(node);
    }

    private static String shown(JsonNode node) {
        if (node.isValueNode()) {
            return "'" + printable(node.asText()) + "'";
        }
        return node.isArray() ? "a list" : "a mapping";
    }

    /** A name as a message may show it: control characters escaped, long ones cut. */
    static String printable(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(80).forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return text.codePointCount(0, text.length()) > 80 ? out + "…" : out.toString();
    }
}
