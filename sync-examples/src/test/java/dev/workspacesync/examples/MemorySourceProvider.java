package dev.workspacesync.examples;

import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SourceException;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.spi.SettingKey;
import dev.workspacesync.core.spi.Source;
import dev.workspacesync.core.spi.SourceProvider;
import dev.workspacesync.core.testing.InMemorySource;
import java.util.List;

/**
 * Test provider {@code memory}: files from {@code memory.files} ({@code path=content;path=content}),
 * an optional secret {@code memory.token}, and {@code memory.fail} to make the snapshot fail with a
 * message that quotes the token (so tests can check it is scrubbed).
 */
public final class MemorySourceProvider implements SourceProvider {
    @Override
    public String type() {
        return "memory";
    }

    @Override
    public String description() {
        return "files given in the settings (tests only)";
    }

    @Override
    public List<SettingKey> settings() {
        return List.of(
                SettingKey.optional("memory.name", SettingKey.Type.STRING, "test", "name"),
                SettingKey.optional("memory.files", SettingKey.Type.STRING, "", "path=content;…"),
                SettingKey.secret("memory.token", false, "a secret"),
                SettingKey.optional("memory.count", SettingKey.Type.INTEGER, "0", "a number"),
                SettingKey.optional("memory.fail", SettingKey.Type.BOOLEAN, "false", "fail the snapshot"),
                SettingKey.optional("memory.delay-ms", SettingKey.Type.INTEGER, "0", "slow every snapshot down"),
                SettingKey.optional(
                        "memory.crash",
                        SettingKey.Type.STRING,
                        "",
                        "create: a bug in create; error: an Error in snapshot"));
    }

    @Override
    public Source create(SyncSettings settings) {
        String crash = settings.string("memory.crash", "");
        String secret = settings.secret("memory.token").map(Secret::reveal).orElse("none");
        if (crash.equals("create")) {
            throw new IllegalStateException("a bug while creating the source, token " + secret);
        }
        InMemorySource source = new InMemorySource(settings.string("memory.name"));
        for (String file : settings.string("memory.files", "").split(";")) {
            if (!file.isBlank()) {
                String[] parts = file.split("=", 2);
                source.put(parts[0], parts.length > 1 ? parts[1] : "");
            }
        }
        settings.secret("memory.token").ifPresent(source::secret);
        long delay = settings.integer("memory.delay-ms", 0);
        if (delay > 0) {
            source.onSnapshot(() -> {
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        if (crash.equals("error")) {
            source.onSnapshot(() -> {
                throw new OutOfMemoryError("Java heap space (simulated), token " + secret);
            });
        }
        if (settings.bool("memory.fail", false)) {
            String token = settings.secret("memory.token").map(Secret::reveal).orElse("none");
            source.failWith(() -> new SourceException("HTTP 401 for token " + token));
        }
        return source;
    }
}
