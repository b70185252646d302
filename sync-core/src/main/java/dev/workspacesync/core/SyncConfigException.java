package dev.workspacesync.core;

import java.util.List;

/**
 * Settings or wiring are wrong: a required key is missing, a value is malformed, a provider type is
 * unknown. Thrown early (when building a pipeline or creating an adapter), never for a failed sync.
 * Lists every problem at once.
 */
public class SyncConfigException extends SyncException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public SyncConfigException(String problem) {
        this(List.of(problem));
    }

    public SyncConfigException(List<String> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    public SyncConfigException(String problem, Throwable cause) {
        super(problem, cause);
        this.problems = List.of(problem);
    }

    /** Each problem found, one sentence each, naming the key or value at fault. */
    public List<String> problems() {
        return problems;
    }

    private static String format(List<String> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a configuration error needs at least one problem");
        }
        if (problems.size() == 1) {
            return problems.get(0);
        }
        return problems.size() + " configuration problems:\n  - " + String.join("\n  - ", problems);
    }
}
