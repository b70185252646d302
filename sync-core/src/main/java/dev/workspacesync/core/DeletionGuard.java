package dev.workspacesync.core;

import java.util.Optional;

/**
 * Refuses plans that delete too much: more than {@code maxDeleteShare} of the files a destination holds,
 * or all of them. An empty pull caused by a wrong token or a broken server must never wipe a backup; a
 * caller who really means it passes {@link #force()}.
 *
 * @param maxDeleteShare the largest share of the destination's files a plan may delete (0 to 1)
 * @param forced whether to accept any plan
 */
public record DeletionGuard(double maxDeleteShare, boolean forced) {
    public DeletionGuard {
        if (!(maxDeleteShare >= 0 && maxDeleteShare <= 1)) {
            throw new IllegalArgumentException("maxDeleteShare must be between 0 and 1: " + maxDeleteShare);
        }
    }

    /** At most half the destination, never all of it. */
    public static DeletionGuard defaults() {
        return new DeletionGuard(0.5, false);
    }

    /** At most this share of the destination, never all of it. */
    public static DeletionGuard maxShare(double share) {
        return new DeletionGuard(share, false);
    }

    /** Accepts every plan. */
    public static DeletionGuard force() {
        return new DeletionGuard(1, true);
    }

    /** Why the plan is refused, or empty if it is accepted. */
    public Optional<String> check(SyncPlan plan) {
        int deletes = plan.deletes().size();
        int existing = plan.existingFiles();
        if (forced || deletes == 0 || existing == 0) {
            return Optional.empty();
        }
        if (deletes >= existing) {
            return Optional.of("Refused: the plan deletes all " + existing + " files at " + plan.target()
                    + " (an empty or failed pull?). Force deletes to accept it.");
        }
        if (deletes > maxDeleteShare * existing) {
            return Optional.of("Refused: the plan deletes %d of %d files at %s (%.0f%%), more than the allowed %.0f%%."
                            .formatted(
                                    deletes, existing, plan.target(), 100.0 * deletes / existing, 100 * maxDeleteShare)
                    + " Force deletes to accept it.");
        }
        return Optional.empty();
    }
}
