package dev.workspacesync.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Part of a plan's changes made by one author (or by no one known), with the items they belong to: what a
 * destination that credits people writes as one commit. {@link #of} splits a plan in the order to write it.
 *
 * @param author who made these changes, or null for changes no one is known to have made
 * @param items the items the changes belong to, oldest change first
 * @param changes the changes, sorted by path
 */
public record ChangeGroup(Author author, List<AttributedItem> items, List<Change> changes) {
    public ChangeGroup {
        items = List.copyOf(items);
        List<Change> sorted = new ArrayList<>(changes);
        sorted.sort(Comparator.comparing(Change::path));
        changes = List.copyOf(sorted);
    }

    /** Who made these changes, when known. */
    public Optional<Author> authorIfKnown() {
        return Optional.ofNullable(author);
    }

    /**
     * Splits {@code changes} by author: one group per author whose items changed, the author whose oldest change
     * is oldest first (unknown times after known ones, then by id), then one group for everything no one is
     * known to have made (items without an author and paths that belong to no item). Every change is in exactly
     * one group. A file several changed items claim (a shared lock file) goes with the last of their groups, so
     * no commit shows it ahead of the items it reflects.
     */
    public static List<ChangeGroup> of(List<Change> changes, List<AttributedItem> items) {
        Map<SyncPath, Change> byPath = new LinkedHashMap<>();
        changes.forEach(c -> byPath.put(c.path(), c));
        Map<String, List<AttributedItem>> byAuthor = new HashMap<>();
        Map<String, Author> authors = new HashMap<>();
        List<AttributedItem> unknown = new ArrayList<>();
        for (AttributedItem item : items) {
            if (item.files().stream().noneMatch(byPath::containsKey)) {
                continue; // the source offered an item this plan does not touch
            }
            if (item.author() == null) {
                unknown.add(item);
            } else {
                authors.putIfAbsent(item.author().id(), item.author());
                byAuthor.computeIfAbsent(item.author().id(), k -> new ArrayList<>())
                        .add(item);
            }
        }
        Comparator<AttributedItem> oldestFirst = Comparator.comparing(
                        (AttributedItem i) -> i.changedAt() == null ? Instant.MAX : i.changedAt())
                .thenComparing(AttributedItem::kind)
                .thenComparing(AttributedItem::path);
        byAuthor.values().forEach(list -> list.sort(oldestFirst));
        unknown.sort(oldestFirst);
        List<String> order = new ArrayList<>(byAuthor.keySet());
        order.sort(Comparator.comparing((String id) -> {
                    Instant t = byAuthor.get(id).get(0).changedAt();
                    return t == null ? Instant.MAX : t;
                })
                .thenComparing(id -> id));
        int service = order.size();
        // Each path goes to the last group that claims it; unclaimed paths to the service group.
        Map<SyncPath, Integer> groupOf = new HashMap<>();
        for (int g = 0; g < order.size(); g++) {
            for (AttributedItem item : byAuthor.get(order.get(g))) {
                for (SyncPath path : item.files()) {
                    if (byPath.containsKey(path)) {
                        groupOf.merge(path, g, Math::max);
                    }
                }
            }
        }
        for (AttributedItem item : unknown) {
            item.files().forEach(p -> groupOf.put(p, service));
        }
        Map<Integer, List<Change>> grouped = new TreeMap<>();
        for (Change change : byPath.values()) {
            grouped.computeIfAbsent(groupOf.getOrDefault(change.path(), service), k -> new ArrayList<>())
                    .add(change);
        }
        List<ChangeGroup> out = new ArrayList<>();
        for (Map.Entry<Integer, List<Change>> e : grouped.entrySet()) {
            int g = e.getKey();
            if (g == service) {
                out.add(new ChangeGroup(null, unknown, e.getValue()));
            } else {
                String id = order.get(g);
                out.add(new ChangeGroup(authors.get(id), byAuthor.get(id), e.getValue()));
            }
        }
        return out;
    }

    /**
     * The summary line Windmill Enterprise git sync writes, with {@code tag} ({@code WM}) in brackets:
     * {@code [WM]: Deployed 2 scripts, 1 flow}; kinds by count, the third joined with "and" when there are
     * exactly three, more kinds as "and N other objects". Without items: the number of files.
     */
    public String summary(String tag) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        items.forEach(i -> counts.merge(i.kind(), 1, Integer::sum));
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort(Map.Entry.<String, Integer>comparingByValue().reversed()); // stable: ties keep first-seen order
        List<String> parts = new ArrayList<>();
        int others = 0;
        for (int i = 0; i < sorted.size(); i++) {
            int count = sorted.get(i).getValue();
            if (i < 3) {
                String label = sorted.get(i).getKey() + (count > 1 ? "s" : "");
                parts.add((i == 2 && sorted.size() == 3 ? "and " : "") + count + " " + label);
            } else {
                others += count;
            }
        }
        if (parts.isEmpty()) {
            parts.add(changes.size() + " file" + (changes.size() == 1 ? "" : "s"));
        }
        String header =
                (tag == null || tag.isEmpty() ? "" : "[" + tag + "]: ") + "Deployed " + String.join(", ", parts);
        if (others > 0) {
            header += " and " + others + " other object" + (others > 1 ? "s" : "");
        }
        return header;
    }

    /** One {@linkplain AttributedItem#line() line} per item, joined by newlines. */
    public String itemLines() {
        return String.join("\n", items.stream().map(AttributedItem::line).toList());
    }
}
