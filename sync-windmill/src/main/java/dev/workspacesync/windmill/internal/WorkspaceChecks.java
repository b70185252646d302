package dev.workspacesync.windmill.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.core.Check;
import dev.workspacesync.core.Redactor;
import dev.workspacesync.core.SyncException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The read-only checks of a Windmill source, with the endpoints a pull uses: {@code GET /api/users/whoami}
 * (the server answers, the token is accepted), {@code GET /api/w/{ws}/users/whoami} (the workspace exists
 * and the token's user is in it) and the start of {@code GET /api/w/{ws}/workspaces/tarball} (the export
 * may be read; the body is not read past its first bytes). Every request is a GET.
 *
 * @param api the source's API client, bounded by its deadline
 * @param baseUrl the server, for messages
 * @param workspace the workspace id
 * @param tarballQuery the query the pull sends for the export
 * @param redactor scrubs the token from anything the server echoes
 */
public record WorkspaceChecks(
        WindmillApi api, String baseUrl, String workspace, String tarballQuery, Redactor redactor) {
    private static final String NAME = "windmill";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN_REMEDY =
            "set WINDMILL_TOKEN (windmill.token) to a valid token (Windmill: User settings > Tokens)";

    /** Runs the checks in the order a pull meets them, stopping at the first failure; never throws. */
    public List<Check> run() {
        List<Check> checks = new ArrayList<>();
        try {
            WindmillApi.Probe me = api.probe("/api/users/whoami");
            WindmillApi.Probe member = api.probe(api.workspacePath("users/whoami"));
            if (me.status() / 100 == 2) {
                checks.add(Check.passed(NAME, "token accepted by " + baseUrl + user(me.body(), "email")));
            } else if (unauthorized(me) && member.status() / 100 == 2) {
                // A workspace-scoped token: the global whoami refuses it, the workspace's accepts it (as in the CLI).
                checks.add(Check.passed(NAME, "token accepted by " + baseUrl + " for workspace " + workspace));
            } else if (unauthorized(me)) {
                checks.add(Check.failed(
                        NAME, "token rejected by " + baseUrl + " (HTTP " + me.status() + ")", TOKEN_REMEDY));
                return checks;
            } else {
                checks.add(unexpected("/api/users/whoami", me));
                return checks;
            }
            if (member.status() / 100 == 2) {
                checks.add(Check.passed(NAME, "workspace " + workspace + " exists" + signedInAs(member.body())));
            } else if (member.status() == 404 || member.body().contains("no rows returned")) {
                checks.add(Check.failed(
                        NAME,
                        "no workspace '" + workspace + "' at " + baseUrl + " (HTTP " + member.status() + ")",
                        "set WINDMILL_WORKSPACE (windmill.workspace) to an existing workspace id"));
                return checks;
            } else if (unauthorized(member)) {
                checks.add(Check.failed(
                        NAME,
                        "the token's user may not enter workspace " + workspace + " (HTTP " + member.status() + ")",
                        "add the user to the workspace, or use a token of one of its members"));
                return checks;
            } else {
                checks.add(unexpected(api.workspacePath("users/whoami"), member));
                return checks;
            }
            WindmillApi.Probe export = api.probe(api.workspacePath("workspaces/tarball?") + tarballQuery);
            if (export.status() == 200
                    || (export.status() == 400 && export.body().contains("Invalid Archive Type"))) {
                // 400 "Invalid Archive Type": an older server that only sends tar; the pull falls back to it.
                checks.add(Check.passed(NAME, "the export of " + workspace + " can be read (workspaces/tarball)"));
            } else if (unauthorized(export)) {
                checks.add(Check.failed(
                        NAME,
                        "the token may not read the export of " + workspace + " (HTTP " + export.status() + ")",
                        "use a token of a workspace admin"));
            } else {
                checks.add(unexpected(api.workspacePath("workspaces/tarball"), export));
            }
        } catch (SyncException e) {
            checks.add(Check.failed(
                    NAME,
                    redactor.redact(String.valueOf(e.getMessage())),
                    "check windmill.base-url (WINDMILL_BASE_URL)" + " and that the server is up"));
        } catch (RuntimeException e) {
            checks.add(Check.failed(
                    NAME,
                    redactor.redact(
                            "cannot check " + baseUrl + ": " + e.getClass().getSimpleName() + " " + e.getMessage()),
                    "check windmill.base-url (WINDMILL_BASE_URL)"));
        }
        return checks;
    }

    private static boolean unauthorized(WindmillApi.Probe probe) {
        return probe.status() == 401 || probe.status() == 403;
    }

    private Check unexpected(String path, WindmillApi.Probe probe) {
        String line = probe.body().lines().findFirst().orElse("");
        // What a server says is shown, but never a control character that could redraw the terminal.
        String body = (line.length() > 200 ? line.substring(0, 200) + "…" : line).replaceAll("\\p{Cntrl}", "?");
        return Check.failed(
                NAME,
                redactor.redact(baseUrl + " answered HTTP " + probe.status() + " to " + path
                        + (body.isBlank() ? "" : ": " + body)),
                probe.status() >= 500 ? "the server has a problem; try again later" : "check windmill.base-url");
    }

    private static String user(String body, String field) {
        String value = field(body, field);
        return value.isEmpty() ? "" : " (" + value + ")";
    }

    /** {@code ; signed in as admin (a workspace admin)}, or nothing when the body does not say. */
    private static String signedInAs(String body) {
        String name = field(body, "username");
        return name.isEmpty() ? "" : "; signed in as " + name + role(body);
    }

    /** A text field of a JSON body, or empty; the body may be cut at 4 KiB, and the user is only a nicety. */
    private static String field(String body, String field) {
        try {
            String value = JSON.readTree(body).path(field).asText("");
            return value.chars().anyMatch(Character::isISOControl) ? "" : value;
        } catch (IOException e) {
            return "";
        }
    }

    private static String role(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node.path("is_admin").asBoolean(false)) {
                return " (a workspace admin)";
            }
            return node.path("operator").asBoolean(false) ? " (an operator)" : "";
        } catch (IOException e) {
            return "";
        }
    }
}
