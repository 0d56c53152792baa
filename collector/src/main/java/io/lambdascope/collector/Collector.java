package io.lambdascope.collector;

import static java.util.Objects.requireNonNull;

import io.lambdascope.collector.pipeline.Pipeline;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OTLP/HTTP collector: receives traces, metrics, logs and Lambda platform events, and answers
 * only when Kafka has acknowledged them. Start it with {@link #start(CollectorConfig)}; {@link
 * #close()} stops it gracefully.
 */
public final class Collector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Collector.class);

  private final CollectorConfig config;
  private final Pipeline pipeline;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Collector(CollectorConfig config, Pipeline pipeline) {
    this.config = config;
    this.pipeline = pipeline;
  }

  /**
   * Connects to Kafka, creates missing topics, and listens; returns once it is listening.
   *
   * @throws IllegalStateException when Kafka does not answer within the start timeout or the port
   *     cannot be bound; everything started so far is stopped again
   */
  public static Collector start(CollectorConfig config) {
    requireNonNull(config, "config");
    Pipeline pipeline = Pipeline.start(config);
    log.info("collector started port={} max.message.bytes={} {}", pipeline.port(), pipeline.maxMessageBytes(),
        config.describe());
    return new Collector(config, pipeline);
  }

  /** The port it listens on (useful with port 0). */
  public int port() {
    return pipeline.port();
  }

  /** The configuration it runs with. */
  public CollectorConfig config() {
    return config;
  }

  /**
   * Stops gracefully: refuses new requests (503), lets admitted requests finish and get their
   * answer, flushes the producer, then stops; bounded by the shutdown timeout.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    pipeline.close();
    log.info("collector stopped");
  }
}
