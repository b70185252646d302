package dev.workspacesync.core.internal;

import dev.workspacesync.core.Skipped;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.spi.Destination;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Splits a snapshot into what one destination can hold and what it cannot, before it plans: the rest
 * becomes {@link Skipped} entries (withheld, so the destination keeps what it has at those paths).
 */
public final class Holding {
    private Holding() {}

    /** The part of {@code snapshot} that {@code destination} can hold; the rest is listed as skipped. */
    public static Snapshot split(Snapshot snapshot, Destination destination) {
        List<SnapshotEntry> kept = new ArrayList<>(snapshot.size());
        List<Skipped> skipped = new ArrayList<>();
        List<SyncPath> withheld = new ArrayList<>();
        boolean exact = destination.keepsUnicodeForms();
        boolean renamed = false;
        Map<String, List<SnapshotEntry>> byLandingName = exact ? Map.of() : new LinkedHashMap<>();
        for (SnapshotEntry entry : snapshot.entries()) {
            Optional<String> problem = destination.cannotHold(entry.path());
            if (problem.isPresent()) {
                skipped.add(Skipped.of(entry.path(), problem.get()));
                withheld.add(entry.path());
            } else if (exact || entry.path().isNfc()) {
                if (exact) {
                    kept.add(entry);
                } else {
                    byLandingName
                            .computeIfAbsent(entry.path().value(), k -> new ArrayList<>(1))
                            .add(entry);
                }
            } else {
                String nfc = Normalizer.normalize(entry.path().value(), Normalizer.Form.NFC);
                byLandingName.computeIfAbsent(nfc, k -> new ArrayList<>(1)).add(entry);
            }
        }
        // A path the source withholds (offered twice) is held here under its NFC spelling: keep that, and
        // let nothing else land on it.
        Set<SyncPath> occupied = new HashSet<>();
        if (!exact) {
            for (SyncPath path : snapshot.withheldPaths()) {
                SyncPath nfc = SyncPath.exact(Normalizer.normalize(path.value(), Normalizer.Form.NFC));
                occupied.add(nfc);
                withheld.add(nfc);
            }
        }
        for (Map.Entry<String, List<SnapshotEntry>> group : byLandingName.entrySet()) {
            List<SnapshotEntry> entries = group.getValue();
            SyncPath landing = SyncPath.exact(group.getKey());
            if (entries.size() == 1 && !occupied.contains(landing)) {
                SnapshotEntry entry = entries.get(0);
                if (entry.path().equals(landing)) {
                    kept.add(entry);
                } else {
                    kept.add(entry.withPath(landing));
                    renamed = true;
                }
                continue;
            }
            withheld.add(landing);
            for (SnapshotEntry entry : entries) {
                List<String> others = entries.stream()
                        .filter(e -> e != entry)
                        .map(e ->
                                e.path().escaped() + " (" + codePoints(e.path().value()) + ")")
                        .toList();
                String with = others.isEmpty() ? "a name the source offered twice" : String.join(", ", others);
                skipped.add(Skipped.of(
                        entry.path(),
                        "its name (" + codePoints(entry.path().value()) + ") clashes with " + with
                                + ": the same name in another Unicode form, which " + destination.target()
                                + " cannot tell apart"));
                withheld.add(entry.path());
            }
        }
        if (skipped.isEmpty() && !renamed && withheld.isEmpty()) {
            return snapshot;
        }
        return snapshot.restrict(kept, skipped, withheld);
    }

    /** The non-ASCII characters of a name as code points, to show why two names that look alike differ. */
    private static String codePoints(String name) {
        StringBuilder out = new StringBuilder();
        name.codePoints().filter(c -> c >= 0x80).forEach(c -> {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append("U+%04X".formatted(c));
        });
        return out.length() == 0 ? "ASCII" : out.toString();
    }
}
