package dev.workspacesync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.spi.Destination;
import dev.workspacesync.core.spi.DestinationProvider;
import dev.workspacesync.core.spi.SettingKey;
import dev.workspacesync.core.spi.Source;
import dev.workspacesync.core.spi.SourceProvider;
import dev.workspacesync.core.testing.InMemoryDestination;
import dev.workspacesync.core.testing.InMemorySource;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderRegistryTest {
    /** A test source provider: {@code memory}. */
    public static final class MemorySourceProvider implements SourceProvider {
        @Override
        public String type() {
            return "memory";
        }

        @Override
        public String description() {
            return "files held in memory";
        }

        @Override
        public List<SettingKey> settings() {
            return List.of(SettingKey.required("memory.name", SettingKey.Type.STRING, "a name"));
        }

        @Override
        public Source create(SyncSettings settings) {
            return new InMemorySource(settings.string("memory.name"));
        }
    }

    /** A second provider claiming the same type. */
    public static final class OtherMemorySourceProvider implements SourceProvider {
        @Override
        public String type() {
            return "memory";
        }

        @Override
        public String description() {
            return "clash";
        }

        @Override
        public List<SettingKey> settings() {
            return List.of();
        }

        @Override
        public Source create(SyncSettings settings) {
            throw new UnsupportedOperationException();
        }
    }

    /** A test destination provider: {@code memory}. */
    public static final class MemoryDestinationProvider implements DestinationProvider {
        @Override
        public String type() {
            return "memory";
        }

        @Override
        public String description() {
            return "files held in memory";
        }

        @Override
        public List<SettingKey> settings() {
            return List.of(SettingKey.optional("memory.name", SettingKey.Type.STRING, "dest", "a name"));
        }

        @Override
        public Destination create(SyncSettings settings) {
            return new InMemoryDestination(settings.string("memory.name"));
        }
    }

    @TempDir
    Path dir;

    private ClassLoader loaderWithServices(String sources, String destinations) throws Exception {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve(SourceProvider.class.getName()), sources);
        Files.writeString(services.resolve(DestinationProvider.class.getName()), destinations);
        // Parent-last is not needed: the parent has no registrations of its own for these names.
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
    }

    @Test
    void discoversProvidersAndCreatesAdaptersFromValidatedSettings() throws Exception {
        ProviderRegistry registry = ProviderRegistry.discover(loaderWithServices(
                MemorySourceProvider.class.getName() + "\n", MemoryDestinationProvider.class.getName() + "\n"));
        assertThat(registry.problems()).isEmpty();
        assertThat(registry.sources()).extracting(SourceProvider::type).containsExactly("memory");
        Source source = registry.createSource("memory", SyncSettings.of(Map.of("memory.name", "x")));
        assertThat(source.describe()).isEqualTo("memory:x");
        Destination destination = registry.createDestination("memory", SyncSettings.empty());
        assertThat(destination.target()).isEqualTo("memory:dest");

        assertThatThrownBy(() -> registry.createSource("memory", SyncSettings.empty()))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("Missing required setting 'memory.name'");
        assertThatThrownBy(() -> registry.createSource("windmil", SyncSettings.empty()))
                .hasMessage("Unknown source type 'windmil'; known: [memory]");
    }

    @Test
    void aBrokenProviderIsReportedAndDoesNotHideTheOthers() throws Exception {
        ProviderRegistry registry = ProviderRegistry.discover(loaderWithServices(
                "com.example.DoesNotExist\n" + MemorySourceProvider.class.getName() + "\n",
                MemoryDestinationProvider.class.getName()));
        assertThat(registry.sources()).extracting(SourceProvider::type).containsExactly("memory");
        assertThat(registry.destinations())
                .extracting(DestinationProvider::type)
                .contains("memory", "directory");
        assertThat(registry.problems()).singleElement().asString().contains("com.example.DoesNotExist");
    }

    @Test
    void twoProvidersForOneTypeFailFast() throws Exception {
        ClassLoader loader = loaderWithServices(
                MemorySourceProvider.class.getName() + "\n" + OtherMemorySourceProvider.class.getName() + "\n", "");
        assertThatThrownBy(() -> ProviderRegistry.discover(loader))
                .isInstanceOf(SyncConfigException.class)
                .hasMessage("Two source providers claim type 'memory': " + MemorySourceProvider.class.getName()
                        + " and " + OtherMemorySourceProvider.class.getName());
    }
}
