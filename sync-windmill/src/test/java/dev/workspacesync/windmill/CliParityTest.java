package dev.workspacesync.windmill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.windmill.WindmillPullOptions.Flag;
import dev.workspacesync.windmill.testing.Fixtures;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import dev.workspacesync.windmill.testing.WorkspaceArchive;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code wmill} CLI (windmill-cli 1.819.0, installed by the build) is the judge: our API-mode tree
 * and the CLI's tree from the same emulator have the same paths, identical bytes for non-YAML files and
 * semantically equal YAML; {@code wmill sync push --dry-run} from our tree reports 0 changes.
 */
class CliParityTest {
    static final String TOKEN = "parity-token-123";
    static final String INIT_WMILL_YAML = """
            defaultTs: bun
            includes:
              - f/**
            excludes: []
            skipVariables: false
            skipResources: false
            skipResourceTypes: false
            skipSecrets: true
            skipScripts: false
            skipFlows: false
            skipApps: false
            skipFolders: false
            skipWorkspaceDependencies: false
            nonDottedPaths: true
            syncBehavior: v1
            codebases: []
            workspaces: {}
            """;

    @BeforeAll
    static void needsCli() {
        assumeTrue(WmillJudge.available(), "wmill is installed by the Maven build (npm ci in src/test/wmill)");
    }

    static final String[] INCLUDE_FLAGS = {
        "--include-schedules", "--include-triggers", "--include-users", "--include-groups", "--include-settings"
    };

    @Test
    void noWmillYaml(@TempDir Path tmp) throws Exception {
        compare(tmp, Fixtures.fullWorkspace(), null, WindmillPullOptions.noConfig());
    }

    @Test
    void initDefaults(@TempDir Path tmp) throws Exception {
        // The file the real `wmill init --use-default` writes, read the way the provider reads windmill.config.
        String initYaml = WmillJudge.initWmillYaml();
        Files.writeString(tmp.resolve("init-wmill.yaml"), initYaml);
        assertThat(WindmillPullOptions.fromWmillYaml(tmp.resolve("init-wmill.yaml")))
                .isEqualTo(WindmillPullOptions.initDefaults());
        compare(tmp, Fixtures.fullWorkspace(), initYaml, WindmillPullOptions.initDefaults());
    }

    @Test
    void everyKindWithIncludeFlags(@TempDir Path tmp) throws Exception {
        compare(tmp, Fixtures.fullWorkspace(), null, withIncludes(WindmillPullOptions.noConfig()), INCLUDE_FLAGS);
    }

    @Test
    void edgeCasesNoWmillYaml(@TempDir Path tmp) throws Exception {
        compare(tmp, Fixtures.edgeCases(), null, withIncludes(WindmillPullOptions.noConfig()), INCLUDE_FLAGS);
    }

    @Test
    void edgeCasesInitDefaults(@TempDir Path tmp) throws Exception {
        assertThat(compare(
                        tmp,
                        Fixtures.edgeCases(),
                        INIT_WMILL_YAML,
                        withIncludes(WindmillPullOptions.initDefaults()),
                        INCLUDE_FLAGS))
                .as("migrations and dependencies are pulled even outside the includes")
                .contains(
                        "migrations/datatable/main/20260101120000_create_users.up.sql",
                        "dependencies/extra.requirements.in");
    }

    @Test
    void skipFlagsFromWmillYaml(@TempDir Path tmp) throws Exception {
        String yaml = INIT_WMILL_YAML
                        .replace("skipFolders: false", "skipFolders: true")
                        .replace("skipWorkspaceDependencies: false", "skipWorkspaceDependencies: true")
                + "skipDatatableMigrations: true\n";
        Files.writeString(tmp.resolve("skips.yaml"), yaml);
        WindmillPullOptions options = WindmillPullOptions.fromWmillYaml(tmp.resolve("skips.yaml"));
        assertThat(options.flags())
                .contains(Flag.SKIP_DATATABLE_MIGRATIONS, Flag.SKIP_WORKSPACE_DEPENDENCIES, Flag.SKIP_FOLDERS);
        assertThat(compare(tmp, Fixtures.edgeCases(), yaml, options))
                .noneMatch(p -> p.startsWith("migrations/") || p.startsWith("dependencies/"))
                .noneMatch(p -> p.endsWith("folder.meta.yaml"));
    }

    @Test
    void lockFileHashesNoWmillYaml(@TempDir Path tmp) throws Exception {
        assertThat(compare(tmp, Fixtures.lockCases(), null, WindmillPullOptions.noConfig()))
                .contains("wmill-lock.yaml", "f/x/modpy__mod/helper.py");
        // compare() held our file byte-identical to the CLI's; make sure it is the interesting kind.
        assertThat(Files.readString(tmp.resolve("ours/wmill-lock.yaml")))
                .startsWith("version: v2\nlocks:\n")
                .contains(
                        "  f/x/modpy+__script_hash: ",
                        "  f/x/modpy+sub/util.py: ",
                        "  f/x/mixed.flow+__flow_hash: ",
                        "  f/x/mixed.flow+a.inline_script.py: ",
                        "  f/x/ap.app+__app_hash: ",
                        "  f/x/ra.raw_app+abun.ts: ",
                        "  f/x/py2: ");
    }

    @Test
    void lockFileHashesDenoNonDotted(@TempDir Path tmp) throws Exception {
        String yaml = INIT_WMILL_YAML.replace("defaultTs: bun", "defaultTs: deno");
        compare(
                tmp,
                Fixtures.lockCases(),
                yaml,
                WindmillPullOptions.initDefaults().withDefaultTs("deno"));
    }

    @Test
    void dbtProjects(@TempDir Path tmp) throws Exception {
        assertThat(compare(tmp, Fixtures.dbtCases(), null, WindmillPullOptions.noConfig()))
                .contains(
                        "f/d/proj__dbt/models/target/keep.sql",
                        "f/d/proj__dbt/macros/m.lock",
                        "f/d/p2__dbt/build/x.sql")
                .doesNotContain(
                        "f/d/proj__dbt/target/compiled.sql", "f/d/proj__dbt/.env", "f/d/nodesc__dbt/wm_dbt.yaml");
        assertThat(Files.readString(tmp.resolve("ours/wmill-lock.yaml")))
                .contains("  f/d/proj+__script_hash: ", "  f/d/proj+macros/m.lock: ", "  f/d/nodesc+__script_hash: ")
                .doesNotContain("f/d/p2+build/");
    }

    @Test
    void dbtProjectsInitDefaults(@TempDir Path tmp) throws Exception {
        compare(tmp, Fixtures.dbtCases(), INIT_WMILL_YAML, WindmillPullOptions.initDefaults());
    }

    @Test
    void dedupeLockfiles(@TempDir Path tmp) throws Exception {
        String yaml = "dedupeLockfiles: true\n";
        Files.writeString(tmp.resolve("dedupe.yaml"), yaml);
        WindmillPullOptions options = WindmillPullOptions.fromWmillYaml(tmp.resolve("dedupe.yaml"));
        assertThat(options).isEqualTo(WindmillPullOptions.noConfig().with(Flag.DEDUPE_LOCKFILES, true));
        assertThat(compare(tmp, Fixtures.dedupeCases(), yaml, options))
                .contains("locks/requirements.in.lock", "locks/named.requirements.in.lock", "f/d/pyC.script.lock")
                .doesNotContain("f/d/pyA.script.lock", "locks/modules.json.lock", "locks/unused.requirements.in.lock");
    }

    @Test
    void dedupeLockfilesInitDefaults(@TempDir Path tmp) throws Exception {
        compare(
                tmp,
                Fixtures.dedupeCases(),
                INIT_WMILL_YAML + "dedupeLockfiles: true\n",
                WindmillPullOptions.initDefaults().with(Flag.DEDUPE_LOCKFILES, true));
    }

    @Test
    void explicitlyEmptyIncludesWithExcludes(@TempDir Path tmp) throws Exception {
        String yaml = "includes: []\nexcludes:\n  - f/edge/multi*\n";
        Files.writeString(tmp.resolve("empty-includes.yaml"), yaml);
        WindmillPullOptions options = WindmillPullOptions.fromWmillYaml(tmp.resolve("empty-includes.yaml"));
        assertThat(options.includes()).containsExactly(WindmillPullOptions.MATCH_NOTHING);
        // JavaScript's [] is truthy: a list nothing matches. Only what bypasses the filter is pulled.
        assertThat(compare(tmp, Fixtures.edgeCases(), yaml, options))
                .containsExactly(
                        "dependencies/extra.requirements.in",
                        "migrations/datatable/main/20260101120000_create_users.down.sql",
                        "migrations/datatable/main/20260101120000_create_users.up.sql",
                        "wmill-lock.yaml");
    }

    /** What the emulator's {@code list_ws_specific} answers in {@link #compare}. */
    private String serverFlags = "[]";

    @Test
    void workspaceSpecificItems(@TempDir Path tmp) throws Exception {
        String yaml = INIT_WMILL_YAML.replace("workspaces: {}\n", "") + """
                workspaces:
                  commonSpecificItems:
                    variables: ["f/edge/*"]
                  demo:
                    overrides:
                      includeSchedules: true
                    specificItems:
                      schedules: ["f/**"]
                      triggers: ["f/edge/ws.websocket_trigger.yaml"]
                      folders: ["f/edge"]
                      settings: true
                  other:
                    specificItems:
                      variables: ["**"]
                """;
        // The server flags what wmill.yaml configures (push would otherwise mark them) and one item more. No
        // file resource: after the CLI's own pull, push still wants to mark its file (a CLI quirk).
        serverFlags = """
                [{"item_kind":"resource","path":"f/edge/tricky"},
                 {"item_kind":"variable","path":"f/edge/multi"},{"item_kind":"variable","path":"f/edge/kept"}]""";
        Files.writeString(tmp.resolve("specific.yaml"), yaml);
        WindmillPullOptions options = WindmillPullOptions.fromWmillYaml(tmp.resolve("specific.yaml"))
                .with(Flag.INCLUDE_TRIGGERS, true)
                .with(Flag.INCLUDE_SETTINGS, true);
        assertThat(options.has(Flag.INCLUDE_SCHEDULES))
                .as("only the workspace's overrides turn it on")
                .isFalse();
        java.util.Set<String> pulled =
                compare(tmp, Fixtures.specificCases(), yaml, options, "--include-triggers", "--include-settings");
        assertThat(pulled)
                .contains(
                        "f/edge/multi.demo.variable.yaml",
                        "f/edge/tricky.demo.resource.yaml",
                        "f/edge/folder.demo.meta.yaml",
                        "settings.demo.yaml",
                        "f/edge/every.demo.schedule.yaml",
                        "f/edge/kept.demo.variable.yaml")
                .doesNotContain(
                        "f/edge/multi.variable.yaml", "f/edge/my.var.variable.yaml", "f/edge/x.other.variable.yaml");
    }

    static WindmillPullOptions withIncludes(WindmillPullOptions o) {
        for (Flag flag : List.of(
                Flag.INCLUDE_SCHEDULES,
                Flag.INCLUDE_TRIGGERS,
                Flag.INCLUDE_USERS,
                Flag.INCLUDE_GROUPS,
                Flag.INCLUDE_SETTINGS)) {
            o = o.with(flag, true);
        }
        return o;
    }

    /** Pulls with both tools, compares the trees, checks push sees 0 changes; returns the pulled paths. */
    private java.util.Set<String> compare(
            Path tmp, WorkspaceArchive archive, String wmillYaml, WindmillPullOptions options, String... extraFlags)
            throws Exception {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN)
                .workspace("demo", archive)
                .fileResourceTypes(Fixtures.EDGE_FILE_RESOURCE_TYPES)
                .workspaceSpecific(serverFlags)) {
            Path cliTree = Files.createDirectories(tmp.resolve("cli"));
            Path ourTree = Files.createDirectories(tmp.resolve("ours"));
            if (wmillYaml != null) {
                Files.writeString(cliTree.resolve("wmill.yaml"), wmillYaml);
                Files.writeString(ourTree.resolve("wmill.yaml"), wmillYaml);
            }
            List<String> pull = new ArrayList<>(List.of("sync", "pull", "--yes", "--skip-branch-validation"));
            pull.addAll(List.of(extraFlags));
            WmillJudge.run(
                    cliTree, tmp.resolve("home1"), emulator.baseUrl(), TOKEN, "demo", pull.toArray(String[]::new));
            WindmillSource.Builder builder = WindmillSource.builder()
                    .baseUrl(emulator.baseUrl())
                    .token(Secret.of(TOKEN))
                    .workspace("demo")
                    .pullOptions(options);
            if (wmillYaml != null) {
                builder.wmillYaml(ourTree.resolve("wmill.yaml")); // its workspaces section applies as well
            }
            try (WindmillSource source = builder.build()) {
                Snapshot snapshot = source.snapshot();
                assertThat(snapshot.attributes()).containsEntry("workspace", "demo");
                for (SnapshotEntry entry : snapshot.entries()) {
                    Path target = entry.path().under(ourTree);
                    Files.createDirectories(target.getParent());
                    try (InputStream in = entry.open()) {
                        Files.copy(in, target);
                    }
                }
            }
            TreeMap<String, Path> cli = files(cliTree);
            TreeMap<String, Path> ours = files(ourTree);
            assertThat(ours.keySet()).containsExactlyElementsOf(cli.keySet());
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
            int yamlFiles = 0;
            int identical = 0;
            List<String> differing = new ArrayList<>();
            for (String path : cli.keySet()) {
                byte[] expected = Files.readAllBytes(cli.get(path));
                byte[] actual = Files.readAllBytes(ours.get(path));
                if (path.endsWith(".yaml") && !path.startsWith("dependencies/")) {
                    yamlFiles++;
                    if (Arrays.equals(expected, actual)) {
                        identical++;
                    } else {
                        differing.add(path);
                        if (Boolean.getBoolean("parity.showDiffs")) {
                            System.out.println("--- cli " + path + "\n" + new String(expected, StandardCharsets.UTF_8)
                                    + "--- ours " + path + "\n" + new String(actual, StandardCharsets.UTF_8));
                        }
                        JsonNode e = yaml.readTree(expected);
                        JsonNode a = yaml.readTree(actual);
                        assertThat(a)
                                .as(path + "\n--- cli:\n" + new String(expected) + "\n--- ours:\n" + new String(actual))
                                .isEqualTo(e);
                    }
                } else {
                    assertThat(new String(actual)).as(path).isEqualTo(new String(expected));
                    assertThat(actual).as(path).isEqualTo(expected);
                }
            }
            System.out.printf(
                    "[parity %s] %d files; YAML byte-identical: %d/%d; differing: %s%n",
                    wmillYaml == null ? "no wmill.yaml" : "wmill init defaults",
                    cli.size(),
                    identical,
                    yamlFiles,
                    differing);
            // The goal is byte identity for every YAML file; hold it so a regression shows.
            assertThat(differing)
                    .as("YAML files that are only semantically equal")
                    .isEmpty();
            List<String> push = new ArrayList<>(List.of("sync", "push", "--dry-run", "--skip-branch-validation"));
            push.addAll(List.of(extraFlags));
            String pushed = WmillJudge.run(
                    ourTree, tmp.resolve("home2"), emulator.baseUrl(), TOKEN, "demo", push.toArray(String[]::new));
            assertThat(pushed).as(pushed).contains("0 changes");
            return cli.keySet();
        }
    }

    private static TreeMap<String, Path> files(Path root) throws IOException {
        TreeMap<String, Path> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile).forEach(p -> {
                String rel = root.relativize(p).toString().replace('\\', '/');
                if (!rel.equals("wmill.yaml") && !rel.startsWith(".")) {
                    out.put(rel, p);
                }
            });
        }
        return out;
    }
}
