package io.lambdascope.collector;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** What one logger wrote while the capture was open: level and message of each line. */
final class LogCapture implements AutoCloseable {
  /** One line. */
  record Line(Level level, String message) {}

  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Level levelBefore;

  /** Captures {@code INFO} and above, whatever the test configuration's level. */
  LogCapture(String loggerName) {
    logger = (Logger) LoggerFactory.getLogger(loggerName);
    levelBefore = logger.getLevel();
    logger.setLevel(Level.INFO);
    appender.start();
    logger.addAppender(appender);
  }

  List<Line> lines() {
    return appender.list.stream().map(e -> new Line(e.getLevel(), e.getFormattedMessage())).toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setLevel(levelBefore);
    appender.stop();
  }
}
