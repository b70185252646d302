package dev.workspacesync.examples.internal;

import java.lang.reflect.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place the command line changes the log level ({@code -q}, {@code -v}, {@code -vv}). SLF4J has no
 * API for it, so this sets the root level of whichever binding is present: Logback's root logger when
 * Logback is on the class path (loggers configured with their own level, such as Jetty's, keep it), else
 * slf4j-simple's default level, which that binding reads only before it logs for the first time (the
 * command line sets it before any command runs). {@link #set} returns what undoes it, so a command line
 * run in-process (tests, embedding) leaves the level as it found it.
 */
public final class LogLevel {
    public static final String ERROR = "ERROR";
    public static final String INFO = "INFO";
    public static final String DEBUG = "DEBUG";

    private static final String LOGBACK_LOGGER = "ch.qos.logback.classic.Logger";
    private static final String LOGBACK_LEVEL = "ch.qos.logback.classic.Level";
    private static final String SIMPLE_DEFAULT_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    private LogLevel() {}

    /**
     * Sets the root level: {@link #ERROR}, {@link #INFO} or {@link #DEBUG} (any SLF4J level name).
     *
     * @return what restores the level it replaced
     */
    public static Runnable set(String level) {
        Runnable restore = setLogback(level);
        if (restore != null) {
            return restore;
        }
        String previous = System.getProperty(SIMPLE_DEFAULT_LEVEL);
        System.setProperty(SIMPLE_DEFAULT_LEVEL, level.toLowerCase(java.util.Locale.ROOT));
        return () -> {
            if (previous == null) {
                System.clearProperty(SIMPLE_DEFAULT_LEVEL);
            } else {
                System.setProperty(SIMPLE_DEFAULT_LEVEL, previous);
            }
        };
    }

    /** Through reflection, so this module compiles and runs with either binding; null without Logback. */
    private static Runnable setLogback(String level) {
        try {
            Class<?> loggerClass = Class.forName(LOGBACK_LOGGER);
            Logger root = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
            if (!loggerClass.isInstance(root)) {
                return null;
            }
            Class<?> levelClass = Class.forName(LOGBACK_LEVEL);
            Object value = levelClass.getMethod("toLevel", String.class).invoke(null, level);
            Method setLevel = loggerClass.getMethod("setLevel", levelClass);
            Object previous = loggerClass.getMethod("getLevel").invoke(root);
            setLevel.invoke(root, value);
            return () -> {
                try {
                    setLevel.invoke(root, previous);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("Cannot restore the Logback level", e);
                }
            };
        } catch (ClassNotFoundException e) {
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot set the Logback level to " + level, e);
        }
    }
}
