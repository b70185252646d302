package dev.workspacesync.databricks.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.Fault;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.Kind;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.ObjectType;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The emulator answers as the reference describes the real service (status codes, bodies, quirks). */
class WorkspaceEmulatorTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String U = "/Users/" + WorkspaceEmulator.USER;

    WorkspaceEmulator emulator;
    HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    record Reply(int status, JsonNode body, String retryAfter) {
        String code() {
            return body.path("error_code").asText(null);
        }
    }

    @BeforeEach
    void start() {
        emulator = WorkspaceEmulator.start("tok");
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    Reply get(String path, String query) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(emulator.host() + path + "?" + query))
                .header("Authorization", "Bearer tok")
                .GET());
    }

    Reply post(String path, String json) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(emulator.host() + path))
                .header("Authorization", "Bearer tok")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply upload(String workspacePath, String content, boolean overwrite) throws Exception {
        String escaped = URLEncoder.encode(workspacePath.substring(1), StandardCharsets.UTF_8)
                .replace("+", "%20");
        return send(HttpRequest.newBuilder(URI.create(emulator.host() + "/api/2.0/workspace-files/import-file/"
                        + escaped + "?overwrite=" + overwrite))
                .header("Authorization", "Bearer tok")
                .POST(HttpRequest.BodyPublishers.ofString(content)));
    }

    Reply send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        return new Reply(
                response.statusCode(),
                JSON.readTree(response.body()),
                response.headers().firstValue("Retry-After").orElse(null));
    }

    static String q(String path) {
        return "path=" + URLEncoder.encode(path, StandardCharsets.UTF_8);
    }

    @Test
    void aWrongTokenIsUnauthenticated() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(emulator.host() + "/api/2.0/preview/scim/v2/Me"))
                        .header("Authorization", "Bearer nope")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("UNAUTHENTICATED");
    }

    @Test
    void meAndWellKnown() throws Exception {
        assertThat(get("/api/2.0/preview/scim/v2/Me", "")
                        .body()
                        .path("userName")
                        .asText())
                .isEqualTo(WorkspaceEmulator.USER);
        assertThat(get("/.well-known/databricks-config", "").status()).isEqualTo(404);
    }

    @Test
    void getStatusAndListFollowTheService() throws Exception {
        Reply missing = get("/api/2.0/workspace/get-status", q(U + "/nope"));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.code()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
        assertThat(missing.body().path("message").asText()).isEqualTo("Path (" + U + "/nope) doesn't exist.");

        assertThat(post("/api/2.0/workspace/mkdirs", "{\"path\":\"/Workspace" + U + "/p/q\"}")
                        .status())
                .isEqualTo(200);
        assertThat(post("/api/2.0/workspace/mkdirs", "{\"path\":\"" + U + "/p/q\"}")
                        .body()
                        .size())
                .isZero();
        assertThat(get("/api/2.0/workspace/list", q(U + "/p/q")).body().size())
                .as("empty folder: {}")
                .isZero();
        assertThat(upload("/Workspace" + U + "/p/a b.txt", "hello", false).status())
                .isEqualTo(200);

        JsonNode file = get("/api/2.0/workspace/get-status", q("/Workspace" + U + "/p/a b.txt"))
                .body();
        assertThat(file.path("object_type").asText()).isEqualTo("FILE");
        assertThat(file.path("path").asText())
                .as("echoes the /Workspace form")
                .isEqualTo("/Workspace" + U + "/p/a b.txt");
        assertThat(file.path("size").asLong()).isEqualTo(5);
        assertThat(file.has("modified_at")).isTrue();
        JsonNode dir = get("/api/2.0/workspace/get-status", q(U + "/p")).body();
        assertThat(dir.path("object_type").asText()).isEqualTo("DIRECTORY");
        assertThat(dir.has("size")).isFalse();

        JsonNode list = get("/api/2.0/workspace/list", q(U + "/p")).body().path("objects");
        assertThat(list).hasSize(2);
        assertThat(list.get(0).path("path").asText()).isEqualTo(U + "/p/a b.txt");
        assertThat(get("/api/2.0/workspace/list", q(U + "/p/a b.txt")).body().path("objects"))
                .hasSize(1);
        assertThat(get("/api/2.0/workspace/list", q(U + "/zzz")).status()).isEqualTo(404);
    }

    @Test
    void mkdirsOverAFileAndDeleteRules() throws Exception {
        upload(U + "/f", "x", false);
        Reply over = post("/api/2.0/workspace/mkdirs", "{\"path\":\"" + U + "/f/g\"}");
        assertThat(over.status()).isEqualTo(400);
        assertThat(over.code()).isEqualTo("RESOURCE_ALREADY_EXISTS");

        post("/api/2.0/workspace/mkdirs", "{\"path\":\"" + U + "/d/e\"}");
        post("/api/2.0/workspace/mkdirs", "{\"path\":\"" + U + "/de\"}");
        Reply notEmpty = post("/api/2.0/workspace/delete", "{\"path\":\"" + U + "/d\"}");
        assertThat(notEmpty.status()).isEqualTo(400);
        assertThat(notEmpty.code()).isEqualTo("DIRECTORY_NOT_EMPTY");
        assertThat(post("/api/2.0/workspace/delete", "{\"path\":\"" + U + "/d\",\"recursive\":true}")
                        .status())
                .isEqualTo(200);
        assertThat(emulator.object(U + "/de"))
                .as("recursive delete matches p and p/ only")
                .isPresent();
        assertThat(post("/api/2.0/workspace/delete", "{\"path\":\"" + U + "/d\"}")
                        .status())
                .isEqualTo(404);
    }

    @Test
    void importFileDetectsNotebooksAndKeepsTheQuirks() throws Exception {
        assertThat(upload(U + "/none/x.txt", "x", true).status()).isEqualTo(404);
        assertThat(upload(U + "/nb.py", "# Databricks notebook source\n1", false)
                        .status())
                .isEqualTo(200);
        assertThat(emulator.object(U + "/nb").orElseThrow().type()).isEqualTo(ObjectType.NOTEBOOK);
        assertThat(emulator.object(U + "/nb").orElseThrow().language()).isEqualTo("PYTHON");
        Reply again = upload(U + "/nb.py", "# Databricks notebook source\n2", false);
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.code()).isEmpty();
        assertThat(again.body().path("message").asText()).contains("already exists.");
        assertThat(upload(U + "/nb.py", "# Databricks notebook source\n2", true).status())
                .isEqualTo(200);
        assertThat(upload(U + "/nb.py", "plain", true).status())
                .as("x.py file beside notebook x")
                .isEqualTo(400);

        upload(U + "/f.txt", "1", false);
        Reply conflict = upload(U + "/f.txt", "2", false);
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(upload(U + "/f.txt", "2", true).status()).isEqualTo(200);
        assertThat(emulator.object(U + "/f.txt").orElseThrow().text()).isEqualTo("2");
    }

    @Test
    void importJsonAndExport() throws Exception {
        String b64 = Base64.getEncoder().encodeToString("-- Databricks notebook source\nSELECT 1".getBytes());
        assertThat(post(
                                "/api/2.0/workspace/import",
                                "{\"path\":\"" + U + "/q.sql\",\"format\":\"AUTO\",\"content\":\"" + b64 + "\"}")
                        .status())
                .isEqualTo(200);
        assertThat(emulator.object(U + "/q").orElseThrow().language()).isEqualTo("SQL");
        Reply exists = post(
                "/api/2.0/workspace/import",
                "{\"path\":\"" + U + "/q.sql\",\"format\":\"AUTO\",\"content\":\"" + b64 + "\"}");
        assertThat(exists.status()).isEqualTo(400);
        assertThat(exists.code()).isEqualTo("RESOURCE_ALREADY_EXISTS");
        JsonNode exported =
                get("/api/2.0/workspace/export", q(U + "/q") + "&format=SOURCE").body();
        assertThat(new String(
                        Base64.getDecoder().decode(exported.path("content").asText())))
                .startsWith("-- Databricks notebook source");
    }

    @Test
    void faultsAndCounts() throws Exception {
        emulator.inject(Fault.rateLimited(Fault.kind(Kind.MKDIRS), 1, 0))
                .inject(Fault.unavailable(Fault.kind(Kind.MKDIRS), 1))
                .inject(Fault.folderFull(Fault.kind(Kind.IMPORT_FILE), 1));
        Reply limited = post("/api/2.0/workspace/mkdirs", "{\"path\":\"" + U + "/z\"}");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.code()).isEqualTo("REQUEST_LIMIT_EXCEEDED");
        assertThat(limited.retryAfter()).isEqualTo("0");
        assertThat(post("/api/2.0/workspace/mkdirs", "{\"path\":\"" + U + "/z\"}")
                        .status())
                .isEqualTo(503);
        assertThat(post("/api/2.0/workspace/mkdirs", "{\"path\":\"" + U + "/z\"}")
                        .status())
                .isEqualTo(200);
        Reply full = upload(U + "/z/a", "a", true);
        assertThat(full.status()).isEqualTo(403);
        assertThat(full.code()).isEqualTo("MAX_CHILD_NODE_SIZE_EXCEEDED");
        assertThat(emulator.count(Kind.MKDIRS)).isEqualTo(3);
        assertThat(emulator.mutatingRequests()).isEqualTo(4);
        assertThat(emulator.uploadsOf(U + "/z/a")).isEqualTo(1);
    }

    @Test
    void exportAnswersBase64WithTheFileTypeAndTheFormatAsked() throws Exception {
        String ipynb = "{\"cells\":[{\"cell_type\":\"code\",\"source\":[\"select 1\"]}],\"metadata\":"
                + "{\"application/vnd.databricks.v1+notebook\":{\"language\":\"sql\"}},\"nbformat\":4}";
        assertThat(post("/api/2.0/workspace/mkdirs", "{\"path\":\"" + U + "/e\"}")
                        .status())
                .isEqualTo(200);
        assertThat(upload(U + "/e/nb.ipynb", ipynb, true).status()).isEqualTo(200);
        assertThat(upload(U + "/e/s.py", "# Databricks notebook source\nx = 1", true)
                        .status())
                .isEqualTo(200);

        JsonNode asJupyter = get("/api/2.0/workspace/export", q(U + "/e/nb") + "&format=JUPYTER")
                .body();
        assertThat(asJupyter.path("file_type").asText()).isEqualTo("ipynb");
        assertThat(new String(
                        Base64.getDecoder().decode(asJupyter.path("content").asText()), StandardCharsets.UTF_8))
                .isEqualTo(ipynb);
        JsonNode asSource = get("/api/2.0/workspace/export", q(U + "/e/nb") + "&format=SOURCE")
                .body();
        assertThat(asSource.path("file_type").asText()).isEqualTo("sql");
        assertThat(new String(
                        Base64.getDecoder().decode(asSource.path("content").asText()), StandardCharsets.UTF_8))
                .isEqualTo("-- Databricks notebook source\nselect 1");
        JsonNode py = get("/api/2.0/workspace/export", q(U + "/e/s") + "&format=JUPYTER")
                .body();
        assertThat(JSON.readTree(Base64.getDecoder().decode(py.path("content").asText()))
                        .path("cells")
                        .get(0)
                        .path("source")
                        .asText())
                .isEqualTo("x = 1");

        Reply missing = get("/api/2.0/workspace/export", q(U + "/e/nope") + "&format=SOURCE");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.code()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    }

    @Test
    void exportStopsAt10MbAndTheFilesApiDoesNot() throws Exception {
        byte[] big = new byte[10 * 1024 * 1024 + 1];
        emulator.putFile(U + "/big.bin", big);
        emulator.putNotebook(U + "/huge", "PYTHON", "# Databricks notebook source\n" + "x".repeat(10 * 1024 * 1024));

        Reply json = get("/api/2.0/workspace/export", q(U + "/big.bin") + "&format=AUTO");
        assertThat(json.status()).isEqualTo(400);
        assertThat(json.code()).isEqualTo("MAX_NOTEBOOK_SIZE_EXCEEDED");
        Reply direct = get("/api/2.0/workspace/export", q(U + "/big.bin") + "&format=AUTO&direct_download=true");
        assertThat(direct.status()).isEqualTo(400);
        assertThat(direct.body().path("message").asText()).contains("exceeded max size (10485760 bytes)");
        Reply notebook = get("/api/2.0/workspace/export", q(U + "/huge") + "&format=SOURCE");
        assertThat(notebook.status()).isEqualTo(400);
        assertThat(notebook.code()).isEqualTo("MAX_NOTEBOOK_SIZE_EXCEEDED");

        HttpResponse<byte[]> file = http.send(
                HttpRequest.newBuilder(URI.create(emulator.host() + "/api/2.0/fs/files/Workspace" + U + "/big.bin"))
                        .header("Authorization", "Bearer tok")
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.headers().firstValue("Content-Type")).contains("application/octet-stream");
        assertThat(file.headers().firstValue("Last-Modified")).isPresent();
        assertThat(file.body()).hasSize(big.length);
        Reply gone = send(
                HttpRequest.newBuilder(URI.create(emulator.host() + "/api/2.0/fs/files/Workspace" + U + "/nope.bin"))
                        .header("Authorization", "Bearer tok")
                        .GET());
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.code()).isEqualTo("NOT_FOUND");
        assertThat(emulator.count(Kind.DOWNLOAD)).isEqualTo(2);
    }
}
