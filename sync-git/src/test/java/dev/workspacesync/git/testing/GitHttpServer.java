package dev.workspacesync.git.testing;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.junit.http.AppServer;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * A real smart-HTTP git server on 127.0.0.1 (Jetty via JGit's {@link AppServer} and {@link GitServlet})
 * that serves the bare repositories below a directory at {@code /git/<name>}, with basic auth on every
 * request. Authenticated users may push. For tests here and in other modules (test-jar).
 */
public final class GitHttpServer implements AutoCloseable {
    /** The only user. */
    public static final String USER = AppServer.username;

    /** Its password: use it as the token. */
    public static final String PASSWORD = AppServer.password;

    private final AtomicInteger failures = new AtomicInteger();
    private volatile int failStatus = 503;
    private volatile String refuseReceive;
    private final AppServer server;
    private final Path base;

    /** Starts a server for the repositories below {@code base}. */
    public GitHttpServer(Path base) throws Exception {
        this.base = base.toAbsolutePath().normalize();
        Files.createDirectories(this.base);
        server = new AppServer(0);
        ServletContextHandler context = server.addContext("/git");
        GitServlet servlet = new GitServlet();
        servlet.setRepositoryResolver((request, name) -> {
            Path dir = this.base.resolve(name).normalize();
            if (!dir.startsWith(this.base) || !Files.isDirectory(dir)) {
                throw new RepositoryNotFoundException(name);
            }
            try {
                return new FileRepositoryBuilder()
                        .setGitDir(dir.toFile())
                        .setMustExist(true)
                        .build();
            } catch (IOException e) {
                throw new RepositoryNotFoundException(name, e);
            }
        });
        // A refusal the test switches on: every pushed ref refused (as a hook or a protected branch does).
        org.eclipse.jgit.http.server.resolver.DefaultReceivePackFactory receive =
                new org.eclipse.jgit.http.server.resolver.DefaultReceivePackFactory();
        servlet.setReceivePackFactory((request, repository) -> {
            org.eclipse.jgit.transport.ReceivePack pack = receive.create(request, repository);
            String refusal = refuseReceive;
            if (refusal != null) {
                pack.setPreReceiveHook((rp, commands) -> commands.forEach(c ->
                        c.setResult(org.eclipse.jgit.transport.ReceiveCommand.Result.REJECTED_OTHER_REASON, refusal)));
            }
            return pack;
        });
        context.addServlet(new ServletHolder(servlet), "/*");
        context.addFilter(
                new FilterHolder((Filter) (request, response, chain) -> {
                    if (failures.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                        ((HttpServletResponse) response).sendError(failStatus, "failing on purpose");
                        return;
                    }
                    chain.doFilter(request, response);
                }),
                "/*",
                EnumSet.of(DispatcherType.REQUEST));
        server.authBasic(context);
        server.setUp();
    }

    /** Refuses every pushed ref with this reason (a pre-receive hook's), or accepts again with null. */
    public void refuseReceive(String reason) {
        refuseReceive = reason;
    }

    /** Creates an empty bare repository (HEAD on {@code main}) and returns its directory. */
    public Path createRepository(String name) throws IOException {
        return GitTesting.bareRepository(base.resolve(name));
    }

    /** Answers the next {@code count} requests with {@code status} (e.g. 503) instead of serving them. */
    public void failNext(int count, int status) {
        failStatus = status;
        failures.set(count);
    }

    /** Every HTTP request received so far, authenticated or not (Jetty's request log). */
    public int requests() {
        return server.getRequests().size();
    }

    /**
     * Requests of the push service, authenticated or not ({@code info/refs?service=git-receive-pack} and
     * {@code POST git-receive-pack}): zero means nobody pushed, nor even started to.
     */
    public int receivePackRequests() {
        return (int) server.getRequests().stream()
                .filter(e -> e.getPath().endsWith("/git-receive-pack")
                        || "git-receive-pack".equals(e.getParameter("service")))
                .count();
    }

    /** The HTTP URL of a repository, without credentials. */
    public String url(String name) {
        return server.getURI() + "/git/" + name;
    }

    /** The directory of a repository. */
    public Path directory(String name) {
        return base.resolve(name);
    }

    @Override
    public void close() throws Exception {
        server.tearDown();
    }
}
