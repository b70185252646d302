package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.testing.Seeds;
import dev.workspacesync.git.testing.GitTesting;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code run}'s listings through the picocli main: a dry run's {@code + ~ -} lines (capped unless -v, all
 * in --json), a refusal naming its files and the flag that accepts it, {@code --max-delete}, -q and -v.
 * File names come from a seeded generator, hostile ones included (newlines, escapes, look-alike markers).
 */
class RunListingTest {
    private static final String[] PIECES = {
        "a",
        "Z",
        "7",
        " ",
        "\n",
        "\t",
        "\r",
        "\\",
        "\u001b[31m",
        "\u007f",
        "\u0085",
        "é",
        "e\u0301",
        "…",
        "+ ",
        "- ",
        "~",
        "\"",
        "'",
        "*",
        "?",
        "[x]",
        "#",
        "!",
        "日本",
        "\uD83D\uDE00",
        "and 3 more",
        "%s"
    };

    @TempDir
    Path dir;

    @BeforeAll
    static void isolate() {
        GitTesting.isolateJGit();
    }

    @AfterAll
    static void restore() {
        GitTesting.restoreJGit();
    }

    record Result(int code, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }

        /** The listing lines under the destination line (four spaces, then a mark). */
        List<String> listed() {
            return out.lines()
                    .filter(l -> l.startsWith("    "))
                    .map(l -> l.substring(4))
                    .toList();
        }
    }

    private Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new WorkspaceSync(Map.of(), false).execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    private Result local(Path project, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "run",
                "--source",
                "local",
                "--destination",
                "directory",
                "--set",
                "local.path=" + project,
                "--set",
                "directory.path=" + dir.resolve("mirror"),
                "--set",
                "directory.state-dir=" + dir.resolve("state")));
        args.addAll(List.of(extra));
        return cli(args.toArray(String[]::new));
    }

    private Result memory(String files, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "run",
                "--source",
                "memory",
                "--destination",
                "directory",
                "--set",
                "memory.files=" + files,
                "--set",
                "directory.path=" + dir.resolve("mirror"),
                "--set",
                "directory.state-dir=" + dir.resolve("state")));
        args.addAll(List.of(extra));
        return cli(args.toArray(String[]::new));
    }

    static Stream<Long> seeds() {
        return Seeds.seeds(6);
    }

    private static String name(SplittableRandom random) {
        StringBuilder name = new StringBuilder();
        int segments = random.nextInt(1, 3);
        for (int s = 0; s < segments; s++) {
            if (s > 0) {
                name.append('/');
            }
            // A letter first: never ".", "..", ".git" or an empty segment.
            name.append((char) ('a' + random.nextInt(26)));
            for (int i = random.nextInt(0, 5); i > 0; i--) {
                name.append(PIECES[random.nextInt(PIECES.length)]);
            }
        }
        return name.toString();
    }

    /** {@code count} distinct generated names, none a directory of another. */
    private static List<String> names(SplittableRandom random, int count) {
        TreeSet<String> names = new TreeSet<>();
        while (names.size() < count) {
            String candidate = name(random);
            boolean clash = names.stream()
                    .anyMatch(
                            n -> n.equals(candidate) || n.startsWith(candidate + "/") || candidate.startsWith(n + "/"));
            if (!clash) {
                names.add(candidate);
            }
        }
        return new ArrayList<>(names);
    }

    private static List<String> expected(char mark, List<String> names) {
        return names.stream()
                .map(SyncPath::exact)
                .sorted()
                .map(p -> mark + " " + p.escaped())
                .toList();
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void aDryRunListsEveryChangeEscapedCappedUnlessVerboseAndCompleteInJson(long seed) throws Exception {
        SplittableRandom random = Seeds.random("RunListingTest", seed);
        Path project = Files.createDirectories(dir.resolve("project"));
        List<String> files = names(random, random.nextInt(1, 60));
        for (String f : files) {
            GitTesting.write(project, f, "v1 " + f);
        }

        Result dry = local(project, "--dry-run");
        assertThat(dry.code()).as(dry.out() + dry.err()).isZero();
        List<String> adds = expected('+', files);
        assertListing(dry, adds);
        // No name can add, split or forge a line: every line is a known shape.
        assertThat(dry.out().lines())
                .allMatch(l -> l.startsWith("Dry run ") || l.startsWith("  SYNCED  ") || l.startsWith("    "));
        assertThat(local(project, "--dry-run", "-v").listed()).isEqualTo(adds);
        JsonNode plan = local(project, "--dry-run", "--json")
                .json()
                .get("destinations")
                .get(0)
                .get("plan");
        assertThat(texts(plan.get("add")))
                .isEqualTo(adds.stream().map(l -> l.substring(2)).toList());
        assertThat(plan.get("update")).isEmpty();
        assertThat(plan.get("delete")).isEmpty();
        assertThat(Files.exists(dir.resolve("mirror"))).isFalse();

        assertThat(local(project).code()).isZero();
        List<String> updated = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        for (String f : files) {
            int pick = random.nextInt(4);
            if (pick == 0) {
                GitTesting.write(project, f, "v2 " + f);
                updated.add(f);
            } else if (pick == 1 && deleted.size() + 1 < files.size() / 2) {
                Files.delete(project.resolve(f));
                deleted.add(f);
            }
        }
        Result second = local(project, "--dry-run", "-v");
        assertThat(second.code()).as(second.out() + second.err()).isZero();
        List<String> changes = new ArrayList<>();
        changes.addAll(expected('~', updated));
        changes.addAll(expected('-', deleted));
        changes.sort((a, b) -> SyncPath.unescape(a.substring(2)).compareTo(SyncPath.unescape(b.substring(2))));
        assertThat(second.listed()).isEqualTo(changes);
        JsonNode json = local(project, "--dry-run", "--json")
                .json()
                .get("destinations")
                .get(0)
                .get("plan");
        assertThat(texts(json.get("update"))).isEqualTo(strip(expected('~', updated)));
        assertThat(texts(json.get("delete"))).isEqualTo(strip(expected('-', deleted)));
        assertListing(local(project, "--dry-run"), changes);
    }

    private static void assertListing(Result result, List<String> all) {
        if (all.size() <= 20) {
            assertThat(result.listed()).isEqualTo(all);
        } else {
            List<String> shown = new ArrayList<>(all.subList(0, 20));
            shown.add("… and " + (all.size() - 20) + " more (use -v to list all)");
            assertThat(result.listed()).isEqualTo(shown);
        }
    }

    private static List<String> strip(List<String> lines) {
        return lines.stream().map(l -> l.substring(2)).toList();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void aRefusalNamesAFewFilesAndTheFlagThatAcceptsItAndVerboseListsThemAll() throws Exception {
        String ten = "f0=0;f1=1;f2=2;f3=3;f4=4;f5=5;f6=6;f7=7;f8=8;f9=9";
        assertThat(memory(ten).code()).isZero();
        String three = "f0=0;f1=1;f2=2";

        Result refused = memory(three);
        assertThat(refused.code()).isEqualTo(WorkspaceSync.REFUSED);
        assertThat(refused.out())
                .contains("REFUSED  directory:")
                .contains("deletes 7 of 10 files")
                .contains(": f3, f4, f5, f6, f7 … and 2 more.")
                .contains("    To accept it: --max-delete 7, or --force-deletes; -v lists every file.");
        assertThat(refused.listed()).hasSize(1);

        Result verbose = memory(three, "-v");
        assertThat(verbose.listed())
                .containsExactly(
                        "- f3",
                        "- f4",
                        "- f5",
                        "- f6",
                        "- f7",
                        "- f8",
                        "- f9",
                        "To accept it: --max-delete 7, or --force-deletes.");
        JsonNode json = memory(three, "--json").json().get("destinations").get(0);
        assertThat(texts(json.get("plan").get("delete"))).containsExactly("f3", "f4", "f5", "f6", "f7", "f8", "f9");

        assertThat(memory(three, "--max-delete", "6").code()).isEqualTo(WorkspaceSync.REFUSED);
        assertThat(memory(three, "--max-delete", "69%").code()).isEqualTo(WorkspaceSync.REFUSED);
        assertThat(memory(three, "--max-delete", "6", "--dry-run").code()).isEqualTo(WorkspaceSync.REFUSED);
        assertThat(Files.exists(dir.resolve("mirror/f9"))).isTrue();
        Result accepted = memory(three, "--max-delete", "7");
        assertThat(accepted.code()).as(accepted.out()).isZero();
        assertThat(accepted.out()).contains("0 added, 0 updated, 7 deleted");
        assertThat(Files.exists(dir.resolve("mirror/f9"))).isFalse();
    }

    @Test
    void deletingEverythingNeedsForceWhateverTheLimit() {
        assertThat(memory("a=1;b=2").code()).isZero();
        for (String limit : List.of("100%", "1000")) {
            Result refused = memory("", "--max-delete", limit);
            assertThat(refused.code()).isEqualTo(WorkspaceSync.REFUSED);
            assertThat(refused.out())
                    .contains("deletes all 2 files")
                    .contains("    To accept it: --force-deletes (the plan deletes every file).");
        }
        assertThat(Files.exists(dir.resolve("mirror/a"))).isTrue();
        assertThat(memory("", "--force-deletes").code()).isZero();
        assertThat(Files.exists(dir.resolve("mirror/a"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-3", "150%", "", "1.5", "10%%"})
    void aBadLimitIsExitTwoNamingTheValue(String value) throws Exception {
        Result human = memory("a=1", "--max-delete", value);
        assertThat(human.code()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(human.err()).contains("--max-delete has value '" + value + "'");
        Result json = memory("a=1", "--json", "--max-delete=" + value);
        assertThat(json.code()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(json.json().get("message").asText()).contains("'" + value + "'");
        assertThat(Files.exists(dir.resolve("mirror"))).isFalse();
    }

    @Test
    void quietPrintsNothingWhenAllWentWellAndTheSummaryOnStderrWhenNot() {
        Result ok = memory("a=1;b=2", "-q");
        assertThat(ok.code()).isZero();
        assertThat(ok.out()).isEmpty();
        assertThat(ok.err()).isEmpty();
        assertThat(Files.exists(dir.resolve("mirror/b"))).isTrue();

        Result refused = memory("", "--quiet");
        assertThat(refused.code()).isEqualTo(WorkspaceSync.REFUSED);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err()).startsWith("REFUSED in ").contains("To accept it: --force-deletes");

        Result both = memory("a=1", "-q", "-v");
        assertThat(both.code()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(both.err()).contains("-q/--quiet and -v/--verbose contradict each other");
        // Before the subcommand, as git takes them, too.
        Result rootQuiet = cli(
                "-q",
                "run",
                "--source",
                "memory",
                "--destination",
                "directory",
                "--set",
                "memory.files=a=1;b=2;c=3",
                "--set",
                "directory.path=" + dir.resolve("mirror"),
                "--set",
                "directory.state-dir=" + dir.resolve("state"));
        assertThat(rootQuiet.code()).isZero();
        assertThat(rootQuiet.out() + rootQuiet.err()).isEmpty();
    }

    @Test
    void verboseListsEveryFileOfARealRunAndTheDefaultListsNone() {
        Result quiet = memory("a=1;b=2");
        assertThat(quiet.listed()).isEmpty();
        Result verbose = memory("a=1;b=22;c=3", "-v");
        assertThat(verbose.code()).isZero();
        assertThat(verbose.listed()).containsExactly("~ b", "+ c");
    }

    @Test
    void theGitSummaryLineHasCountsLikeTheOthers() throws Exception {
        Path project = dir.resolve("project");
        GitTesting.write(project, "README.md", "# p\n");
        GitTesting.write(project, "src/app.py", "print(1)\n");
        GitTesting.write(project, "src/old.py", "print(0)\n");
        Path remote = GitTesting.bareRepository(dir.resolve("remote"));
        String[] args = {
            "run",
            "--source",
            "local",
            "--destination",
            "git",
            "--set",
            "local.path=" + project,
            "--set",
            "git.remote-url=" + remote.toUri(),
            "--set",
            "git.work-dir=" + dir.resolve("clone")
        };
        Result first = cli(args);
        assertThat(first.code()).as(first.out() + first.err()).isZero();
        assertThat(first.out())
                .containsPattern(
                        "  SYNCED  file:.*#main: 3 added, 0 updated, 0 deleted; pushed commit [0-9a-f]{40} to ");
        GitTesting.write(project, "src/app.py", "print(2)\n");
        Files.delete(project.resolve("src/old.py"));
        GitTesting.write(project, "new.txt", "n\n");
        Result second = cli(args);
        assertThat(second.out()).contains(": 1 added, 1 updated, 1 deleted; pushed commit ");
    }
}
