package dev.workspacesync.examples.internal;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's entry point (a {@code META-INF/services} configurator): sets up {@link Logging} from the
 * environment as soon as anything logs, before the command line is parsed. A configuration file named by
 * {@code -Dlogback.configurationFile} takes over instead.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class LoggingConfigurator extends ContextAwareBase implements Configurator {
    /** Logback instantiates this through the service loader. */
    public LoggingConfigurator() {}

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        Logging.install(context, System.getenv());
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
