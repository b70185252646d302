package dev.workspacesync.git;

import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.spi.SettingKey;
import dev.workspacesync.core.spi.Source;
import dev.workspacesync.core.spi.SourceProvider;
import java.util.List;

/**
 * Creates {@link LocalProjectSource}s from settings (type {@code local}).
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code local.path}</td><td>(required)</td><td>the project directory</td></tr>
 *   <tr><td>{@code local.mode}</td><td>{@code working-tree}</td><td>{@code working-tree} or
 *       {@code committed}</td></tr>
 *   <tr><td>{@code local.ref}</td><td>{@code HEAD}</td><td>the commit read in committed mode</td></tr>
 *   <tr><td>{@code local.include}</td><td>(all)</td><td>comma-separated gitignore-style patterns to
 *       include</td></tr>
 *   <tr><td>{@code local.exclude}</td><td>(none)</td><td>comma-separated gitignore-style patterns to
 *       leave out; wins over include</td></tr>
 * </table>
 */
public final class LocalProjectSourceProvider implements SourceProvider {
    static final String PATH = "local.path";
    static final String MODE = "local.mode";
    static final String REF = "local.ref";
    static final String INCLUDE = "local.include";
    static final String EXCLUDE = "local.exclude";

    @Override
    public String type() {
        return "local";
    }

    @Override
    public String description() {
        return "A local project directory: its working tree minus git-ignored files, or a commit's tree.";
    }

    @Override
    public List<SettingKey> settings() {
        return List.of(
                SettingKey.required(PATH, SettingKey.Type.PATH, "The project directory"),
                SettingKey.choice(
                        MODE,
                        List.of("working-tree", "committed"),
                        "working-tree: files on disk that git would not ignore; committed: the tree of local.ref"),
                SettingKey.optional(REF, SettingKey.Type.STRING, "HEAD", "The commit read in committed mode"),
                SettingKey.optional(
                        INCLUDE,
                        SettingKey.Type.LIST,
                        null,
                        "Gitignore-style patterns; when given, only matching files are synced"),
                SettingKey.optional(
                        EXCLUDE,
                        SettingKey.Type.LIST,
                        null,
                        "Gitignore-style patterns of files never synced (wins over include)"));
    }

    @Override
    public Source create(SyncSettings settings) {
        return LocalProjectSource.builder(settings.path(PATH)
                        .orElseThrow(() -> new dev.workspacesync.core.SyncConfigException(
                                "Missing required setting 'local.path'")))
                .mode(LocalProjectSource.Mode.parse(settings.string(MODE, "working-tree")))
                .ref(settings.string(REF, "HEAD"))
                .include(settings.list(INCLUDE))
                .exclude(settings.list(EXCLUDE))
                .build();
    }
}
