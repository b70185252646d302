package dev.workspacesync.windmill.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workspacesync.core.AttributedItem;
import dev.workspacesync.core.Attribution;
import dev.workspacesync.core.Author;
import dev.workspacesync.core.Change;
import dev.workspacesync.core.SourceException;
import dev.workspacesync.core.SyncPath;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who changed a Windmill workspace's items, read from the server only when a destination asks (a sync that
 * changes nothing costs no request): the list endpoints give the editor and time of flows ({@code edited_by},
 * {@code edited_at}) and resources ({@code created_by}, {@code edited_at}) and the times of scripts and apps;
 * the newest script version's and app version's {@code created_by} come from one {@code get} per changed
 * script or app (recent servers no longer list it). Users' emails come from {@code users/list}; a user it does
 * not show (or a token that may not list users) gets {@code username@<domain>}.
 *
 * <p>Items are found from the CLI layout of their files ({@code f/x/y.flow/…} is flow {@code f/x/y}); {@code
 * wmill-lock.yaml} belongs to every changed script, flow and app. Variables, folders, schedules and triggers
 * have no author the API tells, so they go to the service's commit. A deleted item is credited from the audit
 * log ({@code audit/list}, one request, only when something was deleted): an Enterprise feature, which the
 * Community edition answers with an empty list, so there deletions go to the service's commit too.
 */
public final class WindmillAttribution implements Attribution {
    private static final Logger LOG = LoggerFactory.getLogger(WindmillAttribution.class);
    private static final int PER_PAGE = 1000;
    private static final Pattern TRIGGER = Pattern.compile("(.+)\\.([a-z]+_trigger)\\.(yaml|json)");
    private static final Pattern DIRECTORY_ITEM =
            Pattern.compile("(.+?)(\\.flow|__flow|\\.raw_app|__raw_app|\\.app|__app|__mod|__dbt)/.*");

    private final Supplier<WindmillApi> api;
    private final String emailDomain;

    /**
     * @param api makes the API client for one attribution (its own deadline)
     * @param emailDomain the domain of stand-in emails, {@code username@<domain>}
     */
    public WindmillAttribution(Supplier<WindmillApi> api, String emailDomain) {
        this.api = api;
        this.emailDomain = emailDomain;
    }

    @Override
    public String tag() {
        return "WM";
    }

    /** A workspace item: kind and path. */
    record Key(String kind, String path) {}

    /** The item a file of the CLI layout belongs to, or null (root files, {@code wmill-lock.yaml}). */
    static Key itemOf(String file) {
        if (!file.startsWith("f/") && !file.startsWith("u/")) {
            if (file.endsWith(".resource-type.yaml") || file.endsWith(".resource-type.json")) {
                return new Key("resourcetype", file.substring(0, file.lastIndexOf(".resource-type.")));
            }
            return null;
        }
        Matcher dir = DIRECTORY_ITEM.matcher(file);
        if (dir.matches()) {
            String suffix = dir.group(2);
            String kind = suffix.contains("flow") ? "flow" : suffix.contains("app") ? "app" : "script";
            return new Key(kind, dir.group(1));
        }
        int slash = file.lastIndexOf('/');
        String name = file.substring(slash + 1);
        String folder = file.substring(0, slash);
        if (name.matches("folder(\\.[^.]+)?\\.meta\\.(yaml|json)")) {
            return new Key("folder", folder);
        }
        for (String kind : List.of("resource", "variable", "schedule")) {
            int at = file.indexOf("." + kind + ".", slash);
            if (at > slash) {
                return new Key(kind, file.substring(0, at));
            }
        }
        Matcher trigger = TRIGGER.matcher(file);
        if (trigger.matches() && trigger.group(1).length() > slash) {
            return new Key(trigger.group(2).replace("_", ""), trigger.group(1));
        }
        int dot = name.indexOf('.');
        if (dot <= 0) {
            return null;
        }
        // A script's code (f/x/y.py, f/x/y.bun.ts), metadata (.script.yaml) and lock (.script.lock).
        return new Key("script", folder + "/" + name.substring(0, dot));
    }

    @Override
    public List<AttributedItem> attribute(List<Change> changes) {
        Map<Key, List<Change>> byItem = new LinkedHashMap<>();
        List<Change> locks = new ArrayList<>();
        for (Change change : changes) {
            String path = change.path().value();
            if (path.equals("wmill-lock.yaml")) {
                locks.add(change);
                continue;
            }
            Key key = itemOf(path);
            if (key != null) {
                byItem.computeIfAbsent(key, k -> new ArrayList<>()).add(change);
            }
        }
        if (byItem.isEmpty()) {
            return List.of();
        }
        WindmillApi windmill = api.get();
        Map<String, Meta> scripts = list(windmill, "scripts/list", "created_by", "created_at");
        Map<String, Meta> flows = list(windmill, "flows/list", "edited_by", "edited_at");
        Map<String, Meta> apps = list(windmill, "apps/list", "edited_by", "edited_at");
        Map<String, Meta> resources = list(windmill, "resources/list", "created_by", "edited_at");
        Map<String, String> emails = emails(windmill);
        boolean anyDeleted =
                byItem.values().stream().anyMatch(list -> list.stream().allMatch(c -> c.kind() == Change.Kind.DELETE));
        Map<String, Meta> deletions = anyDeleted ? deletions(windmill) : Map.of();
        List<AttributedItem> items = new ArrayList<>();
        for (Map.Entry<Key, List<Change>> e : byItem.entrySet()) {
            Key key = e.getKey();
            boolean deleted = e.getValue().stream().allMatch(c -> c.kind() == Change.Kind.DELETE);
            Set<SyncPath> files = new LinkedHashSet<>();
            e.getValue().forEach(c -> files.add(c.path()));
            if (!deleted && Set.of("script", "flow", "app").contains(key.kind)) {
                locks.forEach(c -> files.add(c.path()));
            }
            Meta meta = deleted
                    ? deletions.get(key.kind + " " + key.path)
                    : switch (key.kind) {
                        case "script" -> complete(windmill, scripts.get(key.path), "scripts/get/p/", key.path);
                        case "flow" -> flows.get(key.path);
                        case "app" -> complete(windmill, apps.get(key.path), "apps/get/p/", key.path);
                        case "resource" -> resources.get(key.path);
                        default -> null;
                    };
            Author author = meta == null || meta.username == null ? null : author(meta.username, emails);
            items.add(new AttributedItem(key.kind, key.path, deleted, files, author, meta == null ? null : meta.at));
        }
        return items;
    }

    /** An item's editor and time as the server lists it; either may be missing. */
    private record Meta(String username, Instant at) {}

    /** Every page of a list endpoint, by path. A refusal (403) is thrown: attribution is then unavailable. */
    private static Map<String, Meta> list(WindmillApi windmill, String endpoint, String byField, String atField) {
        Map<String, Meta> out = new HashMap<>();
        for (int page = 1; ; page++) {
            JsonNode answer = windmill.getJson(endpoint + "?per_page=" + PER_PAGE + "&page=" + page);
            if (!answer.isArray()) {
                throw new SourceException("Windmill answered " + endpoint + " with something that is not a list");
            }
            for (JsonNode row : answer) {
                String path = row.path("path").asText("");
                if (!path.isEmpty()) {
                    out.put(path, new Meta(text(row, byField), time(row, atField)));
                }
            }
            if (answer.size() < PER_PAGE) {
                return out;
            }
        }
    }

    /** A listed item without its editor: the newest version's {@code created_by}, from one get. */
    private static Meta complete(WindmillApi windmill, Meta listed, String get, String path) {
        if (listed != null && listed.username != null) {
            return listed;
        }
        try {
            JsonNode item = windmill.getJson(get + WindmillApi.pathSegments(path));
            Instant at = listed != null && listed.at != null ? listed.at : time(item, "created_at");
            return new Meta(text(item, "created_by"), at);
        } catch (SourceException e) {
            LOG.debug("No author for {}: {}", path, e.getMessage());
            return listed;
        }
    }

    /**
     * Who deleted what, newest first, from the audit log: {@code kind path} (the operation names the kind,
     * {@code flows.delete}) to the user and time. Enterprise servers keep it; the Community edition answers
     * an empty list, and a token that may not read it gets none: then deletions are credited to no one.
     */
    private static Map<String, Meta> deletions(WindmillApi windmill) {
        Map<String, Meta> out = new HashMap<>();
        JsonNode entries;
        try {
            entries = windmill.getJson("audit/list?action_kind=delete&per_page=" + PER_PAGE);
        } catch (SourceException e) {
            LOG.debug("No audit log, deletions credited to no one: {}", e.getMessage());
            return out;
        }
        for (JsonNode entry : entries) {
            String operation = entry.path("operation").asText("");
            String resource = text(entry, "resource");
            int dot = operation.indexOf('.');
            if (resource == null || dot <= 0) {
                continue;
            }
            String kind = operation.substring(0, dot).replaceFirst("s\\z", "").replace("_", "");
            out.putIfAbsent(kind + " " + resource, new Meta(text(entry, "username"), time(entry, "timestamp")));
        }
        return out;
    }

    /** Emails by username from {@code users/list}; empty when the token may not list users. */
    private static Map<String, String> emails(WindmillApi windmill) {
        Map<String, String> out = new HashMap<>();
        JsonNode users;
        try {
            users = windmill.getJson("users/list");
        } catch (SourceException e) {
            LOG.debug("Users not listed, stand-in emails: {}", e.getMessage());
            return out;
        }
        for (JsonNode user : users) {
            String username = text(user, "username");
            String email = text(user, "email");
            if (username != null && email != null) {
                out.put(username, email);
            }
        }
        return out;
    }

    private Author author(String username, Map<String, String> emails) {
        String email = emails.get(username);
        return new Author(username, username, email != null ? email : username + "@" + emailDomain);
    }

    private static String text(JsonNode row, String field) {
        JsonNode value = row.get(field);
        return value == null || !value.isTextual() || value.asText().isBlank() ? null : value.asText();
    }

    private static Instant time(JsonNode row, String field) {
        String value = text(row, field);
        if (value == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
