package io.lambdascope.processor.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's own health, as ordinary Micrometer meters of this process: records consumed and
 * records skipped as undecodable (each kind logged once).
 */
public final class PipelineMetrics {
  private static final Logger log = LoggerFactory.getLogger(PipelineMetrics.class);

  private final MeterRegistry registry;
  private final Map<String, Counter> records = new ConcurrentHashMap<>();
  private final Map<String, Counter> failures = new ConcurrentHashMap<>();

  public PipelineMetrics(MeterRegistry registry) {
    this.registry = java.util.Objects.requireNonNull(registry, "registry");
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void recordConsumed(String topic) {
    records.computeIfAbsent(topic, t -> Counter.builder("lambdascope.processor.records")
        .description("Kafka records consumed").tag("topic", t).register(registry)).increment();
  }

  /** Counts a skipped record; logs the first of each topic and reason, so a flood stays one line. */
  public void decodeFailure(String topic, String reason, String detail) {
    String key = topic + "/" + reason;
    boolean[] first = new boolean[1];
    Counter c = failures.computeIfAbsent(key, k -> {
      first[0] = true;
      return Counter.builder("lambdascope.processor.decode.failures")
          .description("Records skipped as undecodable").tag("topic", topic).tag("reason", reason)
          .register(registry);
    });
    c.increment();
    if (first[0]) {
      log.warn("skipping undecodable records on {} ({}): {}; further ones are only counted", topic, reason, detail);
    }
  }
}
