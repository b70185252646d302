package dev.workspacesync.examples.internal;

import dev.workspacesync.core.Endpoint;
import dev.workspacesync.core.HttpRequests;
import dev.workspacesync.core.Redactor;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncListener;
import dev.workspacesync.core.SyncReport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts a line to Slack and/or Discord incoming webhooks when a sync fails (or is refused), and on
 * success too when asked. Sends from its own thread, with timeouts: a slow or broken chat service never
 * delays or fails a sync. Report messages are already redacted; the webhook URLs are secrets themselves
 * and never logged.
 */
public final class Notifier implements SyncListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

    private final Endpoint slack;
    private final Endpoint discord;
    private final boolean onSuccess;
    private final HttpClient http;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "workspace-sync-notify");
        t.setDaemon(true);
        return t;
    });

    /**
     * Either URI may be null; with both null nothing is sent.
     *
     * @throws SyncConfigException when a URL is not one the project can post to (the message names the
     *     service, never the URL: a webhook URL is a secret)
     */
    public Notifier(URI slack, URI discord, boolean onSuccess) {
        this.slack = endpoint(slack, "SLACK_WEBHOOK_URL");
        this.discord = endpoint(discord, "DISCORD_WEBHOOK_URL");
        this.onSuccess = onSuccess;
        this.http = HttpRequests.newClient()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Through core's Endpoint: a Compose host such as hooks_server has no java.net.URI host. */
    private static Endpoint endpoint(URI uri, String name) {
        if (uri == null) {
            return null;
        }
        try {
            return Endpoint.parse(name, uri.toString()).requireHttp(name);
        } catch (SyncConfigException e) {
            throw new SyncConfigException(name + " must be an http or https URL that Java can reach"
                    + " (https needs a host name without '_'); its value is not shown, it is a secret");
        }
    }

    public boolean enabled() {
        return slack != null || discord != null;
    }

    @Override
    public void finished(SyncReport report) {
        if (!enabled() || (report.succeeded() && !onSuccess)) {
            return;
        }
        String icon = report.succeeded() ? ":white_check_mark:" : ":x:";
        String text = icon + " workspace-sync " + report.status() + ": " + report.message();
        if (slack != null) {
            post(slack, "{\"text\":" + ReportJson.MAPPER.valueToTree(text) + "}", "Slack");
        }
        if (discord != null) {
            String content = text.length() > 1900 ? text.substring(0, 1900) + "…" : text;
            post(discord, "{\"content\":" + ReportJson.MAPPER.valueToTree(content) + "}", "Discord");
        }
    }

    private void post(Endpoint endpoint, String json, String service) {
        sender.execute(() -> {
            try {
                HttpRequest request = HttpRequests.newRequest(endpoint)
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build();
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() >= 300) {
                    LOG.warn("{} notification answered HTTP {}", service, response.statusCode());
                }
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                // The webhook URL is a secret: name the service, not the URL.
                LOG.warn(
                        "{} notification failed: {}",
                        service,
                        Redactor.none().redact(e.getClass().getSimpleName()));
            }
        });
    }

    /** Lets pending notifications go out (a few seconds at most). */
    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
