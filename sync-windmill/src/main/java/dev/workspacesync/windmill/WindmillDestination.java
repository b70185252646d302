package dev.workspacesync.windmill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.core.ApplyResult;
import dev.workspacesync.core.Change;
import dev.workspacesync.core.Check;
import dev.workspacesync.core.Deadline;
import dev.workspacesync.core.DestinationException;
import dev.workspacesync.core.Redactor;
import dev.workspacesync.core.RetryPolicy;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SyncException;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.SyncPlan;
import dev.workspacesync.core.spi.Destination;
import dev.workspacesync.windmill.WindmillPullOptions.Flag;
import dev.workspacesync.windmill.internal.Filesets;
import dev.workspacesync.windmill.internal.Migrations;
import dev.workspacesync.windmill.internal.NativeTriggers;
import dev.workspacesync.windmill.internal.PullTransformer;
import dev.workspacesync.windmill.internal.PushApps;
import dev.workspacesync.windmill.internal.PushItems;
import dev.workspacesync.windmill.internal.PushItems.Group;
import dev.workspacesync.windmill.internal.PushItems.Kind;
import dev.workspacesync.windmill.internal.PushRequests;
import dev.workspacesync.windmill.internal.PushSettings;
import dev.workspacesync.windmill.internal.ScriptFolders;
import dev.workspacesync.windmill.internal.WindmillApi;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Windmill workspace as a {@link Destination}: applies a tree in the layout {@code wmill sync pull} writes
 * (what {@link WindmillSource} produces) through the HTTP API, as {@code wmill sync push} (windmill-cli 1.819.0)
 * does: the same endpoints, request bodies and headers ({@code X-Windmill-Deploy-Origin: sync}), in the CLI's
 * order of kinds (settings, key, users, groups, folders, resource types, variables, resources, dependencies,
 * scripts, flows, raw apps, apps, schedules, triggers).
 *
 * <p>Planning reads the workspace once, through the same code path as the {@link WindmillSource} (the archive,
 * transformed into the pull layout with the same options), and compares item by item with the CLI's rules
 * (YAML parsed and compared as values, code and locks byte for byte, {@code wmill-lock.yaml} ignored). Only
 * items that differ are written: a push with nothing changed makes no write request. Each planned change is
 * one item, named by its main file ({@code f/x/y.script.yaml}, {@code f/x/y.flow/flow.yaml}). The same
 * {@code wmill.yaml} filters and switches apply to both trees, so a partial tree never deletes what it does not
 * cover. The whole tree is validated before the first write (YAML that does not parse, a missing {@code !inline}
 * file, a file of no known item kind, a secret that is not ciphertext of this workspace): any problem fails the
 * plan, naming every path, and nothing is written. Removed scripts are archived, as the CLI does.
 */
public final class WindmillDestination implements Destination {
    private static final Logger LOG = LoggerFactory.getLogger(WindmillDestination.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WindmillSource reader;
    private final String baseUrl;
    private final Secret token;
    private final String workspace;
    private final WindmillPullOptions options;
    private final Duration timeout;
    private final Duration deadline;
    private final Redactor redactor;
    private final Map<SyncPath, Planned> planned = new HashMap<>();

    /** One planned item: what the tree holds (null for a removal) and what the workspace holds (null for new). */
    private record Planned(PushItems.Item item, Group local, Group remote) {}

    WindmillDestination(
            WindmillSource reader,
            String baseUrl,
            Secret token,
            String workspace,
            WindmillPullOptions options,
            Duration timeout,
            Duration deadline) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.baseUrl = baseUrl;
        this.token = token;
        this.workspace = workspace;
        this.options = options;
        this.timeout = timeout;
        this.deadline = deadline;
        this.redactor = Redactor.of(List.of(token));
    }

    /**
     * A destination for the workspace {@code source} reads, with its options (base URL, token, workspace and
     * {@code wmill.yaml} filters).
     */
    public static WindmillDestination of(WindmillSource source) {
        return new WindmillDestination(
                source,
                source.baseUrl(),
                source.token(),
                source.workspace(),
                source.pullOptions(),
                Duration.ofMinutes(2),
                source.deadline());
    }

    @Override
    public String type() {
        return "windmill";
    }

    @Override
    public String target() {
        return "windmill workspace " + workspace + " at " + baseUrl;
    }

    @Override
    public Collection<Secret> secrets() {
        return List.of(token);
    }

    /** Any name the CLI can write: the layout's names are the workspace's paths. */
    @Override
    public Optional<String> cannotHold(SyncPath path) {
        return Optional.empty();
    }

    @Override
    public List<Check> check() {
        List<Check> checks = new ArrayList<>(reader.check());
        if (checks.stream().anyMatch(c -> c.status() == Check.Status.FAILED)) {
            return checks;
        }
        try {
            WindmillApi.Probe me = api().probe(api().workspacePath("users/whoami"));
            JsonNode user = JSON.readTree(me.body().isEmpty() ? "{}" : me.body());
            if (user.path("operator").asBoolean(false)) {
                checks.add(Check.failed(
                        "windmill",
                        "the token's user is an operator in " + workspace + ", who cannot deploy items",
                        "use a token of a developer or admin of the workspace"));
            } else {
                checks.add(Check.warning(
                        "windmill",
                        "the token's user may deploy to " + workspace
                                + (user.path("is_admin").asBoolean(false)
                                        ? " (admin)"
                                        : " (developer: folders it" + " cannot write refuse their items)"),
                        ""));
            }
        } catch (IOException | SyncException e) {
            checks.add(Check.failed("windmill", redactor.redact(String.valueOf(e.getMessage())), ""));
        }
        return checks;
    }

    @Override
    public synchronized SyncPlan plan(Snapshot snapshot) {
        PullTransformer filter = new PullTransformer(options, Map.of(), Set.of());
        PushItems items = new PushItems(filter);
        List<String> problems = new ArrayList<>();
        Map<String, byte[]> localFiles = new TreeMap<>();
        Map<String, byte[]> localLocks = new TreeMap<>();
        Map<String, SnapshotEntry> localEntries = new HashMap<>();
        for (SnapshotEntry entry : snapshot.entries()) {
            String path = entry.path().value();
            byte[] bytes = read(entry);
            if (filter.keepsLocal(path, secret(path, bytes))) {
                localFiles.put(path, bytes);
                localEntries.put(path, entry);
            } else if (ScriptFolders.isSharedLock(path)) {
                localLocks.put(path, bytes); // read by the scripts that reference it, as the CLI does
            }
        }
        Map<String, Group> local = items.group(localFiles, localLocks, problems);
        Map<String, Group> remote = remoteTree(filter, items);
        validate(local, remote, items, problems);
        if (!problems.isEmpty()) {
            throw new DestinationException("The tree cannot be pushed to " + target() + "; nothing was written:\n  "
                    + String.join("\n  ", problems));
        }
        planned.clear();
        List<Change> changes = new ArrayList<>();
        for (Map.Entry<String, Group> e : local.entrySet()) {
            Group before = remote.get(e.getKey());
            if (before != null && PushItems.same(e.getValue(), before)) {
                continue;
            }
            PushItems.Item item = e.getValue().item();
            SyncPath main = SyncPath.exact(item.mainFile());
            SnapshotEntry entry = localEntries.get(item.mainFile());
            if (entry == null) {
                entry = localEntries.get(
                        e.getValue().files().keySet().iterator().next());
                entry = entry.withPath(main);
            }
            changes.add(before == null ? Change.add(entry) : Change.update(entry));
            planned.put(main, new Planned(item, e.getValue(), before));
        }
        for (Map.Entry<String, Group> e : remote.entrySet()) {
            if (!local.containsKey(e.getKey())) {
                PushItems.Item item = e.getValue().item();
                if (item.kind() == Kind.DATATABLE_MIGRATION) {
                    continue; // kept, as the CLI keeps migrations no git history shows deleted
                }
                SyncPath main = SyncPath.exact(item.mainFile());
                if (snapshot.withheld(main) || neverDeleted(item)) {
                    continue;
                }
                changes.add(Change.delete(main));
                planned.put(main, new Planned(item, null, e.getValue()));
            }
        }
        LOG.info("Planned {} item changes for {}", changes.size(), target());
        return new SyncPlan(target(), changes, remote.size(), List.of(), List.of(), List.of(), snapshot);
    }

    @Override
    public synchronized ApplyResult apply(SyncPlan plan, Progress progress) {
        List<Planned> todo = new ArrayList<>();
        for (Change change : plan.changes()) {
            Planned p = planned.get(change.path());
            if (p == null) {
                throw new DestinationException("The plan names " + change.path().escaped()
                        + ", which this destination did not plan; plan again");
            }
            todo.add(p);
        }
        // The CLI's order of kinds; within a kind, by path (the plan's order).
        todo.sort((a, b) -> a.item().kind().ordinal() - b.item().kind().ordinal());
        PushRequests requests = new PushRequests(
                new PushItems(new PullTransformer(options, Map.of(), Set.of())),
                options.defaultTs(),
                options.has(Flag.PLAIN_SECRETS));
        WindmillApi api = api();
        PushApps apps = new PushApps(new PushItems(new PullTransformer(options, Map.of(), Set.of())));
        JsonNode[] whoami = {null};
        int added = 0;
        int updated = 0;
        int deleted = 0;
        long bytes = 0;
        List<String> done = new ArrayList<>();
        for (Planned p : todo) {
            // windmill.deadline bounds the calls of one item, not the whole push (thousands of items).
            api.withDeadline(Deadline.after(deadline), WindmillSource.DEADLINE_KEY);
            try {
                List<PushRequests.Request> calls = p.local() == null
                        ? List.of(PushRequests.delete(p.item()))
                        : p.item().kind() == Kind.APP
                                ? apps.write(
                                        p.local(),
                                        p.remote() == null
                                                ? null
                                                : app(api, p.item().remotePath()),
                                        Integer.parseInt(options.syncBehavior().substring(1)) >= 1,
                                        () -> adminOrDeployer(api, whoami))
                                : requests.write(
                                        p.local(),
                                        p.remote(),
                                        () -> scriptHash(api, p.item().remotePath()));
                for (PushRequests.Request call : calls) {
                    WindmillApi.Answer answer = api.call(call.method(), call.rest(), call.body());
                    if (!answer.ok()) {
                        throw new DestinationException("Windmill at " + baseUrl + " answered HTTP " + answer.status()
                                + " to " + call.method() + " " + call.rest().replaceFirst("\\?.*", "") + ": "
                                + snippet(answer.body()));
                    }
                }
            } catch (SyncException e) {
                String message = "Pushing " + p.item() + " to " + target() + " failed after " + done.size()
                        + " of " + todo.size() + " items were written"
                        + (done.isEmpty()
                                ? ""
                                : " (" + String.join(", ", done.subList(0, Math.min(10, done.size())))
                                        + (done.size() > 10 ? ", … and " + (done.size() - 10) + " more" : "") + ")")
                        + "; the next run writes only the rest: " + e.getMessage();
                throw new DestinationException(redactor.redact(message), e);
            }
            SyncPath main = SyncPath.exact(p.item().mainFile());
            long size = p.local() == null ? 0 : size(p.local());
            bytes += size;
            progress.transferred(main, size);
            done.add(p.item().toString());
            if (p.local() == null) {
                deleted++;
            } else if (p.remote() == null) {
                added++;
            } else {
                updated++;
            }
        }
        planned.clear();
        return new ApplyResult(added, updated, deleted, bytes, done.size() + " items pushed to " + target());
    }

    private WindmillApi api() {
        return new WindmillApi(baseUrl, token, workspace, timeout, RetryPolicy.none())
                .withDeadline(Deadline.after(deadline), WindmillSource.DEADLINE_KEY);
    }

    private static String scriptHash(WindmillApi api, String path) {
        WindmillApi.Answer answer = api.call("GET", "scripts/get/p/" + WindmillApi.pathSegments(path), null);
        if (!answer.ok()) {
            throw new DestinationException(
                    "Cannot read script " + path + " (HTTP " + answer.status() + "): " + snippet(answer.body()));
        }
        try {
            return JSON.readTree(answer.body()).path("hash").asText(null);
        } catch (IOException e) {
            throw new DestinationException("The server answered script " + path + " with something not JSON", e);
        }
    }

    /** The app as {@code apps/get/p} answers it: its deployed policy and grants, which the CLI's push reads. */
    private static JsonNode app(WindmillApi api, String path) {
        WindmillApi.Answer answer = api.call("GET", "apps/get/p/" + WindmillApi.pathSegments(path), null);
        if (!answer.ok()) {
            throw new DestinationException(
                    "Cannot read app " + path + " (HTTP " + answer.status() + "): " + snippet(answer.body()));
        }
        try {
            return JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new DestinationException("The server answered app " + path + " with something not JSON", e);
        }
    }

    /** The CLI's {@code userIsAdminOrDeployer} (asked once per push, only when an identity could be kept). */
    private static boolean adminOrDeployer(WindmillApi api, JsonNode[] whoami) {
        if (whoami[0] == null) {
            WindmillApi.Answer answer = api.call("GET", "users/whoami", null);
            try {
                whoami[0] = answer.ok() ? JSON.readTree(answer.body()) : JSON.createObjectNode();
            } catch (IOException e) {
                whoami[0] = JSON.createObjectNode();
            }
        }
        boolean deployer = false;
        for (JsonNode g : whoami[0].path("groups")) {
            deployer |= g.asText().equals("wm_deployers");
        }
        return whoami[0].path("is_admin").asBoolean(false) || deployer;
    }

    private static String snippet(String body) {
        String text = body == null ? "" : body.strip();
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    private static long size(Group group) {
        long total = 0;
        for (byte[] b : group.files().values()) {
            total += b.length;
        }
        return total;
    }

    /** The workspace as the pull layout, read through the source's code path, grouped by item. */
    private Map<String, Group> remoteTree(PullTransformer filter, PushItems items) {
        Snapshot remote = reader.snapshot();
        try {
            Map<String, byte[]> files = new TreeMap<>();
            Map<String, byte[]> locks = new TreeMap<>();
            for (SnapshotEntry entry : remote.entries()) {
                String path = entry.path().value();
                byte[] bytes = read(entry);
                if (filter.keepsLocal(path, secret(path, bytes))) {
                    files.put(path, bytes);
                } else if (ScriptFolders.isSharedLock(path)) {
                    locks.put(path, bytes);
                }
            }
            List<String> ignored = new ArrayList<>();
            Map<String, Group> groups = items.group(files, locks, ignored);
            if (!ignored.isEmpty()) {
                // Kinds this destination cannot write are left alone: never deleted, never compared.
                LOG.debug("Remote files of kinds not pushed: {}", ignored);
            }
            return groups;
        } finally {
            reader.close();
        }
    }

    private void validate(Map<String, Group> local, Map<String, Group> remote, PushItems items, List<String> problems) {
        boolean plain = options.has(Flag.PLAIN_SECRETS);
        byte[][] key = {null};
        boolean[] keyRead = {false};
        for (Group group : local.values()) {
            PushItems.Item item = group.item();
            Map<String, JsonNode> parsed = new HashMap<>();
            for (Map.Entry<String, byte[]> file : group.files().entrySet()) {
                String path = file.getKey();
                if (path.endsWith(".yaml") || path.endsWith(".yml") && !path.endsWith(".playbook.yml")) {
                    if (item.kind() == Kind.DEPENDENCIES || ScriptFolders.isVerbatim(path)) {
                        continue;
                    }
                    try {
                        parsed.put(path, PushItems.yaml(file.getValue()));
                    } catch (RuntimeException e) {
                        problems.add(path + ": the YAML does not parse: " + firstLine(e.getMessage()));
                    }
                }
            }
            JsonNode main = parsed.get(item.mainFile());
            boolean needsMain = item.kind() != Kind.DEPENDENCIES && item.kind() != Kind.DATATABLE_MIGRATION;
            if (needsMain && !group.files().containsKey(item.mainFile())) {
                problems.add(item.mainFile() + ": missing (" + item + " has "
                        + String.join(", ", group.files().keySet()) + ")");
                continue;
            }
            if (needsMain && main == null) {
                continue; // reported above as unparsable
            }
            if (needsMain && !main.isObject() && item.kind() != Kind.KEY) {
                problems.add(item.mainFile() + ": does not hold a YAML mapping");
                continue;
            }
            switch (item.kind()) {
                case SCRIPT -> {
                    String code = PushRequests.codeFile(group);
                    if (!ScriptFolders.validate(group, code, options.defaultTs(), problems)) {
                        break; // two code files: which one the metadata belongs to is unknown
                    }
                    if (code == null) {
                        problems.add(item.mainFile() + ": the script has no code file");
                        break;
                    }
                    try {
                        if (!ScriptFolders.isDbtDescriptor(code)) {
                            PushRequests.language(code, options.defaultTs());
                        }
                    } catch (DestinationException e) {
                        problems.add(code + ": " + e.getMessage());
                    }
                    inlineExists(main.path("lock"), "", group, item.mainFile(), problems);
                }
                case FLOW -> {
                    String dir = item.remotePath() + items.flowSuffix() + "/";
                    if (!main.path("value").isObject()) {
                        problems.add(item.mainFile() + ": the flow has no value");
                    }
                    inlineRefs(main, dir, group, item.mainFile(), problems);
                }
                case SETTINGS -> PushSettings.validateSettings(item.mainFile(), main, problems);
                case KEY -> PushSettings.validateKey(item.mainFile(), main, problems);
                case TRIGGER -> {
                    String native_ =
                            item.subtype().equals(NativeTriggers.SUBTYPE) ? NativeTriggers.problem(item) : null;
                    if (native_ != null) {
                        problems.add(item.mainFile() + ": " + native_);
                    }
                }
                case APP -> new PushApps(items).validate(group, problems);
                case RAW_APP -> {
                    Group before = remote.get(keyOf(group, local));
                    if (before == null || !PushItems.same(group, before)) {
                        problems.add(PushApps.rawAppRefusal(item));
                    }
                }
                case RESOURCE -> {
                    inlineExists(main.path("value").path("content"), "", group, item.mainFile(), problems);
                    Filesets.validate(group, main, problems);
                }
                case VARIABLE -> {
                    if (!plain
                            && main.path("is_secret").asBoolean(false)
                            && main.path("value").isTextual()) {
                        String value = main.path("value").asText();
                        Group before = remote.get(keyOf(group, local));
                        boolean unchanged = before != null
                                && value.equals(PushItems.yaml(
                                                before.files().get(before.item().mainFile()))
                                        .path("value")
                                        .asText(null));
                        if (!unchanged && !value.isEmpty()) {
                            if (!keyRead[0]) {
                                keyRead[0] = true;
                                key[0] = secretKey(local, remote);
                            }
                            if (!isCiphertext(value, key[0])) {
                                problems.add(item.mainFile() + ": the secret value is not ciphertext of workspace "
                                        + workspace
                                        + (hasKey(local) ? " under the key of encryption_key.yaml, pushed first" : "")
                                        + " (a plain value would be stored as garbage); encrypt it"
                                        + " in this workspace or set windmill.plain-secrets=true");
                            }
                        }
                    }
                }
                default -> {}
            }
        }
        Migrations.validate(local, problems);
    }

    private static boolean hasKey(Map<String, Group> tree) {
        return tree.values().stream().anyMatch(g -> g.item().kind() == Kind.KEY);
    }

    /** Settings and the key: the CLI's push has no call that removes them, so a tree without them keeps them. */
    private static boolean neverDeleted(PushItems.Item item) {
        return item.kind() == Kind.SETTINGS || item.kind() == Kind.KEY;
    }

    private static String keyOf(Group group, Map<String, Group> local) {
        for (Map.Entry<String, Group> e : local.entrySet()) {
            if (e.getValue() == group) {
                return e.getKey();
            }
        }
        return "";
    }

    private static void inlineRefs(JsonNode node, String dir, Group group, String owner, List<String> problems) {
        if (node.isObject()) {
            for (String field : List.of("content", "lock")) {
                JsonNode v = node.get(field);
                if (v != null && v.isTextual() && v.asText().strip().startsWith("!inline ")) {
                    String file = dir + v.asText().strip().split(" ")[1];
                    if (!group.files().containsKey(file)) {
                        problems.add(owner + ": the !inline file " + file + " is missing");
                    }
                }
            }
            node.fields().forEachRemaining(f -> inlineRefs(f.getValue(), dir, group, owner, problems));
        } else if (node.isArray()) {
            node.forEach(n -> inlineRefs(n, dir, group, owner, problems));
        }
    }

    private static void inlineExists(JsonNode v, String dir, Group group, String owner, List<String> problems) {
        if (v != null && v.isTextual() && v.asText().startsWith("!inline ")) {
            String file = dir + v.asText().split(" ")[1];
            if (!group.files().containsKey(file)) {
                problems.add(owner + ": the !inline file " + file + " is missing");
            }
        }
    }

    /**
     * The key the secrets must be ciphertext of when they are written: the tree's {@code encryption_key.yaml} when
     * it has one (it is pushed before the variables), else the workspace's. Null (only the base64 check) when the
     * workspace key cannot be read, or does not decrypt the workspace's own secrets (a server started with
     * {@code SECRET_SALT} adds it to every key).
     */
    private byte[] secretKey(Map<String, Group> local, Map<String, Group> remote) {
        String remoteKey = null;
        String treeKey = null;
        for (Group g : remote.values()) {
            if (g.item().kind() == Kind.KEY) {
                remoteKey = PushSettings.key(g);
            }
        }
        for (Group g : local.values()) {
            if (g.item().kind() == Kind.KEY) {
                treeKey = PushSettings.key(g);
            }
        }
        if (remoteKey == null) {
            byte[] read = workspaceKey();
            remoteKey = read == null ? null : new String(read, StandardCharsets.UTF_8);
        }
        if (remoteKey != null) {
            byte[] bytes = remoteKey.getBytes(StandardCharsets.UTF_8);
            for (Group g : remote.values()) {
                if (g.item().kind() != Kind.VARIABLE) {
                    continue;
                }
                JsonNode v = PushItems.yaml(g.files().get(g.item().mainFile()));
                String value = v.path("value").asText("");
                if (v.path("is_secret").asBoolean(false) && !value.isEmpty() && !isCiphertext(value, bytes)) {
                    LOG.debug("The workspace key does not decrypt {}: checking secrets as base64 only", g.item());
                    return null;
                }
            }
        }
        String key = treeKey != null ? treeKey : remoteKey;
        return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    }

    /** The workspace's encryption key, when the token may read it (admins); null otherwise. */
    private byte[] workspaceKey() {
        try {
            WindmillApi.Answer answer = api().call("GET", "workspaces/encryption_key", null);
            if (!answer.ok()) {
                return null;
            }
            String key = JSON.readTree(answer.body()).path("key").asText("");
            return key.isEmpty() ? null : key.getBytes(StandardCharsets.UTF_8);
        } catch (IOException | SyncException e) {
            return null;
        }
    }

    /**
     * Whether {@code value} is ciphertext of the workspace: with its key, it must decrypt as the server
     * decrypts (magic_crypt 256: AES-256-CBC, key SHA-256 of the workspace key, zero IV, base64); without it,
     * it must at least be base64 text, which a plain password rarely is.
     */
    static boolean isCiphertext(String value, byte[] workspaceKey) {
        if (!value.matches("[A-Za-z0-9+/]+={0,2}")) {
            return false;
        }
        if (workspaceKey == null) {
            return true;
        }
        try {
            byte[] raw = Base64.getDecoder().decode(value);
            byte[] aesKey = MessageDigest.getInstance("SHA-256").digest(workspaceKey);
            Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(aesKey, "AES"), new IvParameterSpec(new byte[16]));
            cipher.doFinal(raw);
            return true;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static String firstLine(String message) {
        String text = String.valueOf(message).strip();
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    private static boolean secret(String path, byte[] bytes) {
        if (!path.endsWith(".variable.yaml")) {
            return false;
        }
        try {
            return PushItems.yaml(bytes).path("is_secret").asBoolean(false);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static byte[] read(SnapshotEntry entry) {
        try (InputStream in = entry.open()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new DestinationException("Cannot read " + entry.path().escaped() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        reader.close();
    }

    @Override
    public String toString() {
        return "WindmillDestination[" + target() + "]";
    }
}
