package io.lambdascope.processor.topology;

import io.lambdascope.processor.Otlp;
import io.lambdascope.processor.ProcessorConfig;
import io.lambdascope.processor.dlq.DlqWatcher;
import io.lambdascope.processor.findings.Finding;
import io.lambdascope.processor.http.RecentInvocations;
import io.lambdascope.processor.join.DecidedInvocation;
import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.metrics.PipelineMetrics;
import io.lambdascope.processor.metrics.StoreMetricsCollector;
import io.lambdascope.processor.decode.InputMetersConfig;
import io.lambdascope.processor.decode.SkipFailedRecords;
import io.lambdascope.processor.decode.SkipUndecodableRecords;
import io.lambdascope.processor.state.FunctionState;
import io.lambdascope.processor.state.Publication;
import io.lambdascope.processor.state.PublishedFunctions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The whole topology in a TopologyTestDriver, with a mock wall clock and /metrics as a scrape
 * renders it (the driver commits after every record, so what a record changed is published at
 * once); a fresh driver and state directory for each test. Register it with
 * {@code @RegisterExtension}.
 */
public final class TopologyHarness implements BeforeEachCallback, AfterEachCallback {
  public static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  /** Report wait and timeout grace of the harness's topology. */
  public static final Duration WAIT = Duration.ofSeconds(10);

  private final int maxLabelValues;
  private final int maxFunctions;
  private Duration functionTtl = Duration.ofDays(7);
  private Duration lateReportWindow = Duration.ofHours(1);
  private Path stateDir;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> spans;
  private TestInputTopic<byte[], byte[]> logs;
  private RecentInvocations recent;
  private PrometheusMeterRegistry registry;
  private StoreMetricsCollector collector;
  private PublishedFunctions published;
  private long recordTime;
  private long wallMs;

  /** A topology with these bounds on label values per function and on functions per task. */
  public TopologyHarness(int maxLabelValues, int maxFunctions) {
    this.maxLabelValues = maxLabelValues;
    this.maxFunctions = maxFunctions;
  }

  /** The function TTL of the harness's topology (default 7 days). */
  public TopologyHarness functionTtl(Duration ttl) {
    this.functionTtl = ttl;
    return this;
  }

  /** The late report window of the harness's topology (default 1 hour). */
  public TopologyHarness lateReportWindow(Duration window) {
    this.lateReportWindow = window;
    return this;
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    stateDir = Files.createTempDirectory("topology-test");
    recent = new RecentInvocations(100);
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    recordTime = START.toEpochMilli();
    wallMs = 0;
    TopologySettings settings = new TopologySettings("otlp_spans", "otlp_logs", Duration.ofHours(24), maxLabelValues,
        maxFunctions, WAIT, WAIT, Duration.ofHours(1), Duration.ofMillis(250), functionTtl, lateReportWindow,
        ProcessorConfig.defaultCost());
    PipelineMetrics pipeline = new PipelineMetrics(registry);
    published = new PublishedFunctions();
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, SkipUndecodableRecords.class.getName());
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, SkipFailedRecords.class.getName());
    p.put(InputMetersConfig.KEY, pipeline);
    driver = new TopologyTestDriver(TelemetryTopology.build(settings,
        new TelemetryTopology.Outputs(pipeline, recent, Publication.atFlush(), published)), p, START);
    spans = driver.createInputTopic("otlp_spans", new ByteArraySerializer(), new ByteArraySerializer());
    logs = driver.createInputTopic("otlp_logs", new ByteArraySerializer(), new ByteArraySerializer());
    Clock clock = new Clock() {
      @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(ZoneId zone) { return this; }
      @Override public Instant instant() { return START.plusMillis(wallMs); }
    };
    collector = new StoreMetricsCollector(published, () -> DlqWatcher.Snapshot.EMPTY, clock,
        Duration.ofHours(1).toMillis(), ProcessorConfig.defaultCost());
    registry.getPrometheusRegistry().register(collector);
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    if (driver != null) {
      driver.close();
    }
    try (Stream<Path> files = Files.walk(stateDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> {
        try {
          Files.delete(f);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  /** The functions /metrics shows now (their committed state). */
  public Map<FunctionId, FunctionState> functions() {
    Map<FunctionId, FunctionState> out = new java.util.HashMap<>();
    published.forEach(out::put);
    return out;
  }

  /** A record on the spans topic, keyed by function (null: no key). */
  public void span(String function, byte[] value) {
    spans.pipeInput(key(function), value, ++recordTime);
  }

  /** A record on the logs topic, keyed by function. */
  public void log(String function, byte[] value) {
    logs.pipeInput(key(function), value, ++recordTime);
  }

  /** Moves the wall clock on, running the punctuators that fall due. */
  public void advance(Duration d) {
    wallMs += d.toMillis();
    driver.advanceWallClockTime(d);
  }

  /** Teaches the processor that a function sends platform reports (its first report and span). */
  public void teachReports(String function) {
    log(function, Otlp.report(function, "warmup", "success", 1, -1, 10, null));
    span(function, Otlp.span(function, "warmup").request());
  }

  /** Series ("name{labels}") to value, as a scrape of /metrics shows them. */
  public Map<String, Double> metrics() {
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

  /** A series' value; 0 when the scrape does not show it (use {@link #metrics()} to tell the two apart). */
  public double metric(String series) {
    return metrics().getOrDefault(series, 0.0);
  }

  /** The invocations decided so far, oldest first. */
  public List<DecidedInvocation> decided() {
    return recent.query(i -> true, -1, 100).entries().stream().map(RecentInvocations.Entry::invocation).toList();
  }

  public List<Finding> findings() {
    return collector.findings();
  }

  /** The series name of faas_invocations_total for these labels, of a function of the default identity. */
  public static String invocations(String function, String trigger, String outcome) {
    return io.lambdascope.processor.Series.invocations(function, trigger, outcome);
  }

  private static byte[] key(String function) {
    return function == null ? null : function.getBytes(StandardCharsets.UTF_8);
  }
}
