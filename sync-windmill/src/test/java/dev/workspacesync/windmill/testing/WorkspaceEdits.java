package dev.workspacesync.windmill.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * Changes to a workspace made as a user would make them in Windmill's UI: the REST calls the frontend makes
 * ({@code scripts/create}, {@code flows/create}, …) with that user's token, so the emulator records them as the
 * editor. Fails the test on any answer other than 2xx.
 */
public final class WorkspaceEdits {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String baseUrl;
    private final String workspace;
    private final String token;

    /** Edits of {@code workspace} at {@code baseUrl} (the emulator's) as the user of {@code token}. */
    public WorkspaceEdits(String baseUrl, String workspace, String token) {
        this.baseUrl = baseUrl;
        this.workspace = workspace;
        this.token = token;
    }

    /** A new script version (Python) at {@code path}: {@code parent_hash} is the current one when it exists. */
    public WorkspaceEdits script(String path, String code) {
        ObjectNode body = object().put("path", path).put("content", code).put("language", "python3");
        body.put("summary", "").put("description", "");
        String current = get("scripts/get/p/" + path);
        if (current != null) {
            try {
                body.put(
                        "parent_hash",
                        WorkspaceModel.JSON.readTree(current).path("hash").asText());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return send("POST", "scripts/create", body);
    }

    /** A flow at {@code path} with no steps, created or updated. */
    public WorkspaceEdits flow(String path, String summary) {
        ObjectNode body = object().put("path", path).put("summary", summary).put("description", "");
        body.putObject("value").putArray("modules");
        body.putObject("schema").put("type", "object");
        return get("flows/get/" + path) == null
                ? send("POST", "flows/create", body)
                : send("POST", "flows/update/" + path, body);
    }

    /** A resource of type {@code type} at {@code path}, created or updated. */
    public WorkspaceEdits resource(String path, String type, String host) {
        ObjectNode body = object().put("path", path).put("resource_type", type).put("description", "");
        body.putObject("value").put("host", host);
        return get("resources/get/" + path) == null
                ? send("POST", "resources/create", body)
                : send("POST", "resources/update/" + path, body);
    }

    /** A plain variable at {@code path}, created. */
    public WorkspaceEdits variable(String path, String value) {
        return send(
                "POST",
                "variables/create",
                object().put("path", path)
                        .put("value", value)
                        .put("is_secret", false)
                        .put("description", ""));
    }

    /** Deletes the flow at {@code path}. */
    public WorkspaceEdits deleteFlow(String path) {
        return send("DELETE", "flows/delete/" + path, null);
    }

    private static ObjectNode object() {
        return WorkspaceModel.JSON.createObjectNode();
    }

    private String get(String rest) {
        HttpResponse<String> response = call("GET", rest, null);
        return response.statusCode() == 200 ? response.body() : null;
    }

    private WorkspaceEdits send(String method, String rest, ObjectNode body) {
        HttpResponse<String> response = call(method, rest, body);
        if (response.statusCode() / 100 != 2) {
            throw new AssertionError(
                    method + " " + rest + " answered " + response.statusCode() + ": " + response.body());
        }
        return this;
    }

    private HttpResponse<String> call(String method, String rest, ObjectNode body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create(baseUrl + "/api/w/" + workspace + "/" + rest))
                    .header("Authorization", "Bearer " + token);
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(
                                method,
                                HttpRequest.BodyPublishers.ofString(
                                        WorkspaceModel.JSON.writeValueAsString(body), StandardCharsets.UTF_8));
            }
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot reach the emulator: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
