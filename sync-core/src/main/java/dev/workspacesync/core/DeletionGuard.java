package dev.workspacesync.core;

import java.util.List;
import java.util.Optional;

/**
 * Refuses plans that delete too much: more than {@code maxDeleteShare} of the files a destination holds,
 * more than {@code maxDeleteCount} files, or all of them (whatever the limits). An empty pull caused by a
 * wrong token or a broken server must never wipe a backup; a caller who really means it passes {@link
 * #force()}. A refusal names a few of the files the plan would delete.
 *
 * @param maxDeleteShare the largest share of the destination's files a plan may delete (0 to 1)
 * @param maxDeleteCount the most files a plan may delete ({@link Integer#MAX_VALUE}: no count limit)
 * @param forced whether to accept any plan
 */
public record DeletionGuard(double maxDeleteShare, int maxDeleteCount, boolean forced) {
    /** How many of the files a refused plan would delete its message names. */
    public static final int NAMED_IN_REFUSAL = 5;

    public DeletionGuard {
        if (!(maxDeleteShare >= 0 && maxDeleteShare <= 1)) {
            throw new IllegalArgumentException("maxDeleteShare must be between 0 and 1: " + maxDeleteShare);
        }
        if (maxDeleteCount < 0) {
            throw new IllegalArgumentException("maxDeleteCount must not be negative: " + maxDeleteCount);
        }
    }

    /** A guard limited by share only. */
    public DeletionGuard(double maxDeleteShare, boolean forced) {
        this(maxDeleteShare, Integer.MAX_VALUE, forced);
    }

    /** At most half the destination, never all of it. */
    public static DeletionGuard defaults() {
        return new DeletionGuard(0.5, false);
    }

    /** At most this share of the destination, never all of it. */
    public static DeletionGuard maxShare(double share) {
        return new DeletionGuard(share, false);
    }

    /** At most this many files, never all of the destination. */
    public static DeletionGuard maxCount(int count) {
        return new DeletionGuard(1, count, false);
    }

    /** Accepts every plan. */
    public static DeletionGuard force() {
        return new DeletionGuard(1, Integer.MAX_VALUE, true);
    }

    /**
     * Reads a limit as people write it (rclone's {@code --max-delete}): {@code N} files or {@code N%} of the
     * destination, e.g. {@code 25} or {@code 10%}.
     *
     * @param name what the value is called in the error, e.g. {@code --max-delete}
     * @throws SyncConfigException naming the value when it is not a whole number of files or a percentage
     *     from 0 to 100
     */
    public static DeletionGuard parse(String name, String value) {
        String text = value == null ? "" : value.strip();
        boolean percent = text.endsWith("%");
        String number = percent ? text.substring(0, text.length() - 1).strip() : text;
        try {
            if (percent) {
                double share = Double.parseDouble(number);
                if (number.matches("\\d+(\\.\\d+)?") && share <= 100) {
                    return maxShare(share / 100);
                }
            } else if (number.matches("\\d+")) {
                return maxCount(Integer.parseInt(number));
            }
        } catch (NumberFormatException e) {
            // Falls through to the error below (also for counts beyond int).
        }
        throw new SyncConfigException(List.of(name + " has value '" + SyncPath.escape(String.valueOf(value))
                + "', which is neither a number of files (e.g. 25) nor a percentage from 0% to 100% (e.g. 10%)"));
    }

    /** Why the plan is refused, or empty if it is accepted. */
    public Optional<String> check(SyncPlan plan) {
        int deletes = plan.deletes().size();
        int existing = plan.existingFiles();
        if (forced || deletes == 0) {
            return Optional.empty();
        }
        if (existing > 0 && deletes >= existing) {
            return Optional.of("Refused: the plan deletes all " + existing + " files at " + plan.target()
                    + " (an empty or failed pull?)" + named(plan) + ". Force deletes to accept it.");
        }
        if (deletes > maxDeleteCount) {
            return Optional.of("Refused: the plan deletes %d files at %s, more than the allowed %d%s."
                            .formatted(deletes, plan.target(), maxDeleteCount, named(plan))
                    + " Raise the limit or force deletes to accept it.");
        }
        if (existing > 0 && deletes > maxDeleteShare * existing) {
            return Optional.of(
                    "Refused: the plan deletes %d of %d files at %s (%.0f%%), more than the allowed %.0f%%%s."
                                    .formatted(
                                            deletes,
                                            existing,
                                            plan.target(),
                                            100.0 * deletes / existing,
                                            100 * maxDeleteShare,
                                            named(plan))
                            + " Raise the limit or force deletes to accept it.");
        }
        return Optional.empty();
    }

    /** ": a, b, c … and 7 more", paths escaped so a file name cannot break the line. */
    private static String named(SyncPlan plan) {
        List<Change> deletes = plan.deletes();
        StringBuilder text = new StringBuilder(": ");
        for (int i = 0; i < Math.min(NAMED_IN_REFUSAL, deletes.size()); i++) {
            text.append(i == 0 ? "" : ", ").append(deletes.get(i).path().escaped());
        }
        if (deletes.size() > NAMED_IN_REFUSAL) {
            text.append(" … and ").append(deletes.size() - NAMED_IN_REFUSAL).append(" more");
        }
        return text.toString();
    }
}
