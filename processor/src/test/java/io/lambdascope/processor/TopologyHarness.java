package io.lambdascope.processor;

import io.lambdascope.processor.internal.DlqWatcher;
import io.lambdascope.processor.internal.FunctionState;
import io.lambdascope.processor.internal.PipelineMetrics;
import io.lambdascope.processor.internal.RecentInvocations;
import io.lambdascope.processor.internal.StateView;
import io.lambdascope.processor.internal.StoreMetricsCollector;
import io.lambdascope.processor.internal.TelemetryTopology;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** The topology in a TopologyTestDriver, with a mock wall clock and /metrics-style output. */
final class TopologyHarness implements AutoCloseable {
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  final TopologyTestDriver driver;
  final TestInputTopic<byte[], byte[]> spans;
  final TestInputTopic<byte[], byte[]> logs;
  final RecentInvocations recent = new RecentInvocations(100);
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final StoreMetricsCollector collector;
  DlqWatcher.Snapshot dlq = DlqWatcher.Snapshot.EMPTY;
  private long recordTime = START.toEpochMilli();

  TopologyHarness(Path stateDir, int maxLabelValues, int maxFunctions) {
    TelemetryTopology.Settings settings = new TelemetryTopology.Settings("otlp_spans", "otlp_logs",
        Duration.ofHours(24), maxLabelValues, maxFunctions, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofHours(1),
        Duration.ofMillis(250));
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    driver = new TopologyTestDriver(
        TelemetryTopology.build(settings, new PipelineMetrics(registry), recent), p, START);
    spans = driver.createInputTopic("otlp_spans", new ByteArraySerializer(), new ByteArraySerializer());
    logs = driver.createInputTopic("otlp_logs", new ByteArraySerializer(), new ByteArraySerializer());
    Clock clock = new Clock() {
      @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId zone) { return this; }
      @Override public Instant instant() { return START.plusMillis(wallMs); }
    };
    collector = new StoreMetricsCollector(new StateView() {
      @Override
      public void forEachSeries(BiConsumer<String, byte[]> consumer) {
        forEach(driver.getKeyValueStore(TelemetryTopology.SERIES_STORE), consumer);
      }

      @Override
      public void forEachFunction(BiConsumer<String, FunctionState> consumer) {
        forEach(driver.getKeyValueStore(TelemetryTopology.FUNCTION_STORE), consumer);
      }
    }, () -> dlq, clock, Duration.ofHours(1).toMillis());
    registry.getPrometheusRegistry().register(collector);
  }

  private long wallMs;

  private static <V> void forEach(KeyValueStore<String, V> store, BiConsumer<String, V> consumer) {
    try (KeyValueIterator<String, V> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, V> kv = it.next();
        consumer.accept(kv.key, kv.value);
      }
    }
  }

  void span(String function, byte[] value) {
    spans.pipeInput(key(function), value, ++recordTime);
  }

  void log(String function, byte[] value) {
    logs.pipeInput(key(function), value, ++recordTime);
  }

  void advance(Duration d) {
    wallMs += d.toMillis();
    driver.advanceWallClockTime(d);
  }

  Map<String, Double> metrics() {
    Map<String, Double> out = new TreeMap<>();
    for (String line : registry.scrape().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return out;
  }

  double metric(String series) {
    return metrics().getOrDefault(series, 0.0);
  }

  private static byte[] key(String function) {
    return function == null ? null : function.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    driver.close();
  }
}
