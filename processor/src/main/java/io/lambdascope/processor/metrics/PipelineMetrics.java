package io.lambdascope.processor.metrics;

import io.lambdascope.processor.decode.InputMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's own health, as ordinary Micrometer meters of this process: records consumed,
 * records skipped as undecodable (each kind logged once), items folded into {@code other}, and the
 * consumer lag.
 */
public final class PipelineMetrics implements InputMeters {
  private static final Logger log = LoggerFactory.getLogger(PipelineMetrics.class);

  private final MeterRegistry registry;
  private final Map<String, Counter> records = new ConcurrentHashMap<>();
  private final Map<String, Counter> failures = new ConcurrentHashMap<>();
  private final Map<String, Counter> folded = new ConcurrentHashMap<>();

  public PipelineMetrics(MeterRegistry registry) {
    this.registry = java.util.Objects.requireNonNull(registry, "registry");
    for (String kind : List.of("function", "label_value")) {
      folded.put(kind, Counter.builder("lambdascope.processor.folded")
          .description("Items counted under other: past the functions a task keeps, or a function's label values")
          .tag("kind", kind).register(registry));
    }
  }

  public MeterRegistry registry() {
    return registry;
  }

  @Override
  public void recordConsumed(String topic) {
    records.computeIfAbsent(topic, t -> Counter.builder("lambdascope.processor.records")
        .description("Kafka records consumed").tag("topic", t).register(registry)).increment();
  }

  /** Counts a skipped record; logs the first of each topic and reason, so a flood stays one line. */
  @Override
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

  @Override
  public void folded(String kind) {
    Counter c = folded.get(kind);
    if (c != null) {
      c.increment();
    }
  }

  /** Exposes the Streams consumer's {@code records-lag}, summed over each topic's partitions. */
  public void bindConsumerLag(KafkaStreams streams, List<String> topics) {
    for (String topic : topics) {
      Gauge.builder("lambdascope.processor.lag.records", () -> lag(streams, topic))
          .description("Consumer lag summed over partitions").tag("topic", topic).register(registry);
    }
  }

  private static double lag(KafkaStreams streams, String topic) {
    double sum = 0;
    for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
      MetricName n = e.getKey();
      if (n.name().equals("records-lag") && n.group().equals("consumer-fetch-manager-metrics")
          && topic.equals(n.tags().get("topic")) && n.tags().containsKey("partition")) {
        Object v = e.getValue().metricValue();
        if (v instanceof Number num && !Double.isNaN(num.doubleValue())) {
          sum += num.doubleValue();
        }
      }
    }
    return sum;
  }
}
