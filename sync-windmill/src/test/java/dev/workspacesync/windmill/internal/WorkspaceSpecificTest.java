package dev.workspacesync.windmill.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.workspacesync.core.SyncConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The entry selection and file rules the CLI parity test does not reach (it always pulls workspace "demo"). */
class WorkspaceSpecificTest {
    private static JsonNode yaml(String text) throws Exception {
        return new ObjectMapper(new YAMLFactory()).readTree(text);
    }

    @Test
    void theEntryNamedAfterTheWorkspaceWinsThenBaseUrlAndWorkspaceId() throws Exception {
        JsonNode config = yaml("""
                workspaces:
                  staging:
                    baseUrl: HTTP://Windmill.example:80
                    workspaceId: demo
                  demo: {}
                """);
        assertThat(WorkspaceSpecific.select(config, "demo", "http://x/").name()).isEqualTo("demo");
        JsonNode byUrl = yaml("""
                workspaces:
                  nourl: {workspaceId: demo}
                  staging:
                    baseUrl: HTTP://Windmill.example:80
                    workspaceId: demo
                """);
        assertThat(WorkspaceSpecific.select(byUrl, "demo", "http://windmill.example/")
                        .name())
                .isEqualTo("staging");
        assertThat(WorkspaceSpecific.select(byUrl, "other", "http://windmill.example/")
                        .name())
                .as("no entry: the workspace id")
                .isEqualTo("other");
    }

    @Test
    void legacyGitBranchesAndDottedNames(@TempDir Path tree) throws Exception {
        JsonNode config = yaml("""
                gitBranches:
                  my.ws:
                    specificItems:
                      variables: ["f/a/*"]
                      folders: ["f/a"]
                """);
        Files.createDirectories(tree.resolve("f/a"));
        for (String f : new String[] {"f/a/v.variable.yaml", "f/a/folder.meta.yaml", "f/a/w.x.variable.yaml"}) {
            Files.writeString(tree.resolve(f), f);
        }
        WorkspaceSpecific.select(config, "my.ws", "http://x/").apply(tree);
        assertThat(tree.resolve("f/a/v.my_ws.variable.yaml")).hasContent("f/a/v.variable.yaml");
        assertThat(tree.resolve("f/a/folder.my_ws.meta.yaml")).exists();
        assertThat(tree.resolve("f/a/w.x.variable.yaml"))
                .as("another workspace's copy")
                .doesNotExist();
    }

    @Test
    void aPatternListOfTheWrongShapeNamesTheKey() throws Exception {
        JsonNode config = yaml("""
                workspaces:
                  demo:
                    specificItems:
                      resources: {a: 1}
                """);
        assertThatThrownBy(() -> WorkspaceSpecific.select(config, "demo", "http://x/"))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("specificItems.resources");
    }
}
