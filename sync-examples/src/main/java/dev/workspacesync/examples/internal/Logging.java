package dev.workspacesync.examples.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import ch.qos.logback.core.encoder.JsonEscapeUtil;
import ch.qos.logback.core.spi.FilterReply;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.workspacesync.core.Redactor;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncConfigException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * The command line's logging, on Logback: every line goes to standard error with a timestamp and a level,
 * as text or as one JSON object per line (Logback's {@link JsonEncoder}) for log collectors, and every
 * secret the run or service knows is masked in both. Set up by {@link LoggingConfigurator} when Logback
 * starts (from the environment) and again by the command line once its options are parsed.
 *
 * <p>The root level: {@code WORKSPACE_SYNC_LOG_LEVEL} if set, else {@code INFO} for {@code serve} and
 * for JSON logs, else {@code WARN} (the interactive commands print their own summary on standard output);
 * {@link #verbosity} ({@code -q}, {@code -v}, {@code -vv}) overrides it. A Logback configuration of one's
 * own ({@code -Dlogback.configurationFile=...}) replaces all of this, masking included.
 */
public final class Logging {
    /** The environment variable that picks the format ({@code text} or {@code json}). */
    public static final String FORMAT_VARIABLE = "WORKSPACE_SYNC_LOG_FORMAT";
    /** The environment variable that sets the root level ({@code error} … {@code trace}). */
    public static final String LEVEL_VARIABLE = "WORKSPACE_SYNC_LOG_LEVEL";

    /** Jetty logs request headers (tokens) at debug: it never goes below INFO, and says only warnings unless -v. */
    static final String JETTY = "org.eclipse.jetty";
    /** The Databricks SDK's logger that warns when a host serves no {@code /.well-known/databricks-config}. */
    static final String DATABRICKS_CONFIG = "com.databricks.sdk.core.DatabricksConfig";

    /**
     * Loggers that repeat, with a stack trace, what the adapters already report in one line (the SDK's
     * sign-in search, MINA's "server key did not validate"): errors only, unless -vv asks for debug.
     */
    static final java.util.List<String> RESTATING = java.util.List.of(
            "com.databricks.sdk.core.DefaultCredentialsProvider",
            "com.databricks.sdk.core.oauth.CachedTokenSource",
            "org.eclipse.jgit.internal.transport.sshd.JGitClientSession");

    /** Secrets remembered for masking (the most recent; a service sees tokens in request bodies). */
    static final int MAX_SECRETS = 512;

    private static final String APPENDER = "stderr";
    // A sync's trace id (TraceIds) as "[id] " before the message; nothing outside a sync.
    private static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} - "
            + "%replace([%X{" + TraceIds.MDC_KEY + "}] ){'^\\[\\] $', ''}%msg%n";
    private static final Pattern SECRET_VARIABLE =
            Pattern.compile(".*(TOKEN|SECRET|PASSWORD|PASSPHRASE|WEBHOOK_URL)$", Pattern.CASE_INSENSITIVE);

    /** How log lines are written. */
    public enum Format {
        /** {@code 2026-12-02T00:14:55.123Z INFO  SyncPipeline - Sync started: ...} */
        TEXT,
        /** One JSON object per line: {@code timestamp}, {@code time}, {@code level}, {@code message}, ... */
        JSON;

        /**
         * The format a value names, case-insensitively.
         *
         * @throws SyncConfigException naming {@code origin} and the value
         */
        public static Format parse(String origin, String value) {
            String name = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
            return switch (name) {
                case "text" -> TEXT;
                case "json" -> JSON;
                default -> throw new SyncConfigException(origin + " must be 'text' or 'json', got '" + value + "'");
            };
        }
    }

    // All guarded by Logging.class.
    private static LoggerContext context;
    private static boolean installed;
    private static boolean configured;
    private static Format format = Format.TEXT;
    private static Level environmentLevel;
    private static int verbosity;
    private static boolean service;
    private static final LinkedHashMap<String, Secret> SECRETS = new LinkedHashMap<>(16, 0.75f, true);
    private static volatile Masks masks = Masks.of(List.of());

    private Logging() {}

    /** Called by {@link LoggingConfigurator} while Logback starts: the environment's format and level. */
    static synchronized void install(LoggerContext loggerContext, Map<String, String> environment) {
        context = loggerContext;
        installed = true;
        if (!configured) {
            try {
                fromEnvironment(environment, null);
            } catch (SyncConfigException e) {
                // Reported by the command line once it runs; until then, text at the default level.
            }
        }
        apply();
    }

    /**
     * Starts Logback (whose {@link LoggingConfigurator} calls {@link #install}) before any lock of ours is
     * taken: SLF4J initialises under its own lock, which must never wait for ours.
     */
    private static void start() {
        LoggerFactory.getILoggerFactory();
    }

    /**
     * Reads {@link #FORMAT_VARIABLE}, {@link #LEVEL_VARIABLE} and the secrets of {@code environment}
     * ({@code *_TOKEN}, {@code *_SECRET}, {@code *_PASSWORD}, {@code *_WEBHOOK_URL}); {@code option}
     * ({@code --log-format}, or null) wins over the variable.
     *
     * @throws SyncConfigException naming the variable with a bad value
     */
    public static void configure(Map<String, String> environment, Format option) {
        start();
        synchronized (Logging.class) {
            fromEnvironment(environment, option);
            configured = true;
            apply();
        }
    }

    private static void fromEnvironment(Map<String, String> environment, Format option) {
        String variable = environment.get(FORMAT_VARIABLE);
        format = option != null
                ? option
                : variable == null || variable.isBlank() ? Format.TEXT : Format.parse(FORMAT_VARIABLE, variable);
        environmentLevel = level(environment.get(LEVEL_VARIABLE));
        List<Secret> found = new ArrayList<>();
        environment.forEach((name, value) -> {
            // Short values would mask every occurrence of common words; real credentials are longer.
            if (SECRET_VARIABLE.matcher(name).matches()
                    && value != null
                    && value.trim().length() >= 4) {
                found.add(Secret.of(value.trim()));
            }
        });
        remember(found);
    }

    private static Level level(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String name = value.trim().toUpperCase(Locale.ROOT);
        if (!List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE").contains(name)) {
            throw new SyncConfigException(
                    LEVEL_VARIABLE + " must be one of error, warn, info, debug, trace; got '" + value + "'");
        }
        return Level.toLevel(name);
    }

    /**
     * Sets the verbosity of {@code -q}/{@code -v}: {@code -1} quiet (errors only), {@code 0} the default,
     * {@code 1} INFO (and Jetty's own INFO lines), {@code 2} DEBUG, {@code 3} or more TRACE. At DEBUG and
     * below the Databricks SDK's host-metadata warning shows too.
     */
    public static void verbosity(int level) {
        start();
        synchronized (Logging.class) {
            verbosity = level;
            apply();
        }
    }

    /** A long-running service: INFO by default, so each sync's start and end lines show. */
    public static void service() {
        start();
        synchronized (Logging.class) {
            service = true;
            apply();
        }
    }

    /** The format in use. */
    public static synchronized Format format() {
        return format;
    }

    /** The root level in use. */
    public static synchronized Level rootLevel() {
        return rootLevelFor(environmentLevel, verbosity, service || format == Format.JSON);
    }

    static Level rootLevelFor(Level configured, int verbosity, boolean serviceOrJson) {
        Level base = configured != null ? configured : serviceOrJson ? Level.INFO : Level.WARN;
        if (verbosity < 0) {
            return Level.ERROR;
        }
        Level asked = switch (verbosity) {
            case 0 -> base;
            case 1 -> Level.INFO;
            case 2 -> Level.DEBUG;
            default -> Level.TRACE;
        };
        // -v never hides what the environment already asked to see.
        return asked.isGreaterOrEqual(base) ? base : asked;
    }

    /** Masks these secrets (and their URL- and JSON-encoded forms) in every later log line. */
    public static void redact(Collection<Secret> secrets) {
        synchronized (Logging.class) {
            remember(secrets);
        }
    }

    private static void remember(Collection<Secret> secrets) {
        boolean changed = false;
        for (Secret secret : secrets) {
            if (secret != null && !secret.reveal().isEmpty()) {
                changed |= SECRETS.put(secret.reveal(), secret) == null;
            }
        }
        while (SECRETS.size() > MAX_SECRETS) {
            SECRETS.remove(SECRETS.keySet().iterator().next());
            changed = true;
        }
        if (changed) {
            masks = Masks.of(SECRETS.values());
        }
    }

    /** The text with every remembered secret masked and URL credentials removed (what log lines get). */
    public static String mask(String text) {
        return masks.redactor.redact(text);
    }

    private static void apply() {
        if (!installed) {
            return; // someone else's Logback configuration (logback.configurationFile), or another binding
        }
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level level = rootLevel();
        root.setLevel(level);
        hostMetadataShown = !level.isGreaterOrEqual(Level.INFO);
        context.getLogger(JETTY).setLevel(verbosity >= 1 ? Level.INFO : Level.WARN);
        RESTATING.forEach(name -> context.getLogger(name).setLevel(verbosity >= 2 ? null : Level.ERROR));
        if (context.getTurboFilterList().stream().noneMatch(QuietHostMetadata.class::isInstance)) {
            QuietHostMetadata quiet = new QuietHostMetadata();
            quiet.setContext(context);
            quiet.start();
            context.addTurboFilter(quiet);
        }

        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName(APPENDER);
        appender.setTarget("System.err");
        Encoder<ILoggingEvent> encoder = format == Format.JSON ? new JsonLines() : text();
        encoder.setContext(context);
        encoder.start();
        MaskingEncoder masking = new MaskingEncoder(encoder, format == Format.JSON);
        masking.setContext(context);
        masking.start();
        appender.setEncoder(masking);
        appender.start();
        // Swapped in one step, so no line is lost or written twice while switching formats.
        var old = root.getAppender(APPENDER);
        root.addAppender(appender);
        if (old != null) {
            root.detachAppender(old);
            old.stop();
        }
    }

    private static PatternLayoutEncoder text() {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setPattern(TEXT_PATTERN);
        encoder.setCharset(StandardCharsets.UTF_8);
        return encoder;
    }

    // Read on every log call of the SDK's logger: kept apart from the lock.
    private static volatile boolean hostMetadataShown;

    /**
     * The SDK asks every host for {@code /.well-known/databricks-config} and warns when it is missing (a
     * 404 on most workspaces), though it then carries on with the settings given: noise, shown at -vv.
     */
    static final class QuietHostMetadata extends TurboFilter {
        @Override
        public FilterReply decide(
                Marker marker,
                ch.qos.logback.classic.Logger logger,
                Level level,
                String message,
                Object[] params,
                Throwable t) {
            if (message != null
                    && logger.getName().equals(DATABRICKS_CONFIG)
                    && message.startsWith("Failed to resolve host metadata")
                    && !hostMetadataShown) {
                return FilterReply.DENY;
            }
            return FilterReply.NEUTRAL;
        }
    }

    /**
     * Logback's JSON encoder with {@code message} holding the formatted, masked text (the encoder's own
     * {@code message} is the unformatted template), an ISO-8601 {@code time} next to the epoch
     * {@code timestamp}, and a throwable as one masked {@code exception} string.
     */
    static final class JsonLines extends JsonEncoder {
        JsonLines() {
            setWithSequenceNumber(false);
            setWithNanoseconds(false);
            setWithContext(false);
            setWithMDC(false); // unused: every field of a line is in its key-value pairs
            setWithMessage(false);
            setWithFormattedMessage(false);
            setWithArguments(false);
            setWithThrowable(false);
        }

        @Override
        protected void appendCustomFields(StringBuilder sb, ILoggingEvent event) {
            member(sb, "time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
            member(sb, "message", mask(event.getFormattedMessage()));
            // A sync's correlation id (checked when taken: TraceIds).
            String traceId = event.getMDCPropertyMap().get(TraceIds.MDC_KEY);
            if (traceId != null) {
                member(sb, TraceIds.MDC_KEY, traceId);
            }
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                member(sb, "exception", mask(ThrowableProxyUtil.asString(thrown)));
            }
        }

        private static void member(StringBuilder sb, String key, String value) {
            sb.append(",\"").append(key).append("\":\"");
            JsonStringEncoder.getInstance().quoteAsString(value == null ? "" : value, sb);
            sb.append('"');
        }
    }

    /**
     * Masks every remembered secret in what another encoder wrote. Text lines go through the whole
     * {@link Redactor} (URL credentials too); JSON lines, whose message and exception are masked already,
     * get the secrets' literal and JSON-escaped forms replaced, which cannot break the JSON.
     */
    static final class MaskingEncoder extends EncoderBase<ILoggingEvent> {
        private final Encoder<ILoggingEvent> delegate;
        private final boolean json;

        MaskingEncoder(Encoder<ILoggingEvent> delegate, boolean json) {
            this.delegate = delegate;
            this.json = json;
        }

        @Override
        public byte[] headerBytes() {
            return delegate.headerBytes();
        }

        @Override
        public byte[] encode(ILoggingEvent event) {
            String line = new String(delegate.encode(event), StandardCharsets.UTF_8);
            Masks current = masks;
            return (json ? current.literal(line) : current.redactor.redact(line)).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] footerBytes() {
            return delegate.footerBytes();
        }
    }

    /** The secrets as a {@link Redactor} and as literal needles (raw, URL-encoded, JSON-escaped). */
    private record Masks(Redactor redactor, List<String> needles) {
        static Masks of(Collection<Secret> secrets) {
            Set<String> needles = new LinkedHashSet<>();
            for (Secret secret : secrets) {
                String value = secret.reveal();
                needles.add(value);
                needles.add(URLEncoder.encode(value, StandardCharsets.UTF_8));
                needles.add(new String(JsonStringEncoder.getInstance().quoteAsString(value)));
                // Logback escapes its own fields (key-value pairs, thread names) differently ("/" as "\/").
                needles.add(JsonEscapeUtil.jsonEscapeString(value));
            }
            return new Masks(
                    Redactor.of(List.copyOf(secrets)),
                    needles.stream()
                            .sorted(Comparator.comparingInt(String::length).reversed())
                            .toList());
        }

        String literal(String line) {
            String result = line;
            for (String needle : needles) {
                if (result.contains(needle)) {
                    result = result.replace(needle, Redactor.MASK);
                }
            }
            return result;
        }
    }
}
