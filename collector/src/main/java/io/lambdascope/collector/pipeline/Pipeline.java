package io.lambdascope.collector.pipeline;

import static java.util.Objects.requireNonNull;

import io.lambdascope.collector.CollectorConfig;
import io.lambdascope.collector.admission.Admission;
import io.lambdascope.collector.admission.InflightBudget;
import io.lambdascope.collector.exporter.kafka.KafkaExporter;
import io.lambdascope.collector.exporter.kafka.KafkaExporterSettings;
import io.lambdascope.collector.meters.CollectorMeters;
import io.lambdascope.collector.receiver.IngestHandler;
import io.lambdascope.collector.receiver.otlp.OtlpHttpReceiver;
import io.lambdascope.collector.receiver.telemetryapi.TelemetryApiReceiver;
import io.lambdascope.collector.signal.Signal;
import io.lambdascope.httpguard.PemTls;
import io.lambdascope.httpguard.RequestDeadlines;
import io.lambdascope.httpguard.TenantTokens;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's components and how they connect: the OTLP/HTTP and Telemetry API receivers on one
 * HTTP server, each request through admission to the Kafka exporter, plus {@code /metrics} and
 * health. {@link #start} brings up the exporter first and the server last; {@link #close} stops
 * them the other way round, gracefully.
 */
public final class Pipeline implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

  private final Duration shutdownTimeout;
  private final PrometheusMeterRegistry registry;
  private final KafkaExporter exporter;
  private final Vertx vertx;
  private final Admission admission;
  private final HttpServer server;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Pipeline(Duration shutdownTimeout, PrometheusMeterRegistry registry, KafkaExporter exporter, Vertx vertx,
      Admission admission, HttpServer server) {
    this.shutdownTimeout = shutdownTimeout;
    this.registry = registry;
    this.exporter = exporter;
    this.vertx = vertx;
    this.admission = admission;
    this.server = server;
  }

  /**
   * Connects to Kafka, creates missing topics, and listens; returns once it is listening.
   *
   * @throws IllegalStateException when Kafka does not answer within the start timeout or the port
   *     cannot be bound; everything started so far is stopped again
   */
  public static Pipeline start(CollectorConfig config) {
    requireNonNull(config, "config");
    // Read before anything starts: an unreadable Kafka properties file fails as itself, not as a failed start.
    KafkaExporterSettings kafkaSettings = kafkaSettings(config);
    List<AutoCloseable> started = new ArrayList<>();
    try {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      started.add(registry::close);
      InflightBudget inflight = new InflightBudget(config.maxInflightBytes(), config.maxInflightRequests());
      CollectorMeters meters = new CollectorMeters(registry, inflight);

      KafkaExporter exporter = KafkaExporter.start(kafkaSettings, meters);
      started.add(() -> exporter.close(Duration.ofSeconds(2)));

      Vertx vertx = Vertx.builder()
          .with(new VertxOptions()
              .setEventLoopPoolSize(2)
              .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)))
          .withMetrics(new MicrometerMetricsFactory(registry))
          .build();
      started.add(() -> await(vertx.close(), Duration.ofSeconds(5)));
      exporter.startReadinessProbe(vertx);

      Admission admission = new Admission(new TenantTokens(config.tenantsByToken()), inflight, config.maxRequestBytes());
      WorkerExecutor decoders = vertx.createSharedWorkerExecutor("lambdascope-decode", config.decodeThreads());
      IngestHandler ingest = new IngestHandler(vertx, decoders, admission, exporter, meters,
          config.maxDecompressedBytes(), config.kafkaTimeout());
      HttpRoutes routes = new HttpRoutes()
          .add(new OtlpHttpReceiver(ingest, config.maxDecodedMessages()).routes())
          .add(new TelemetryApiReceiver(ingest, config.maxDecodedMessages()).routes())
          .add(new ServiceEndpoints(registry, admission::closing, exporter::ready).routes());

      RequestDeadlines deadlines = new RequestDeadlines(vertx, config.requestReadTimeout(),
          config.keepAliveTimeout(), meters::connectionTimedOut);
      HttpServer server = deadlines.install(vertx.createHttpServer(serverOptions(config)), routes);
      await(server.listen(), Duration.ofSeconds(30));
      return new Pipeline(config.shutdownTimeout(), registry, exporter, vertx, admission, server);
    } catch (Exception e) {
      for (int i = started.size() - 1; i >= 0; i--) {
        try {
          started.get(i).close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("collector failed to start: " + e.getMessage(), e);
    }
  }

  private static KafkaExporterSettings kafkaSettings(CollectorConfig config) {
    Map<Signal, String> topics = new EnumMap<>(Signal.class);
    topics.put(Signal.TRACES, config.topicSpans());
    topics.put(Signal.METRICS, config.topicMetrics());
    topics.put(Signal.LOGS, config.topicLogs());
    topics.put(Signal.PLATFORM, config.topicLogs()); // platform events are log records, next to the OTLP logs
    return new KafkaExporterSettings(config.kafkaBootstrapServers(), config.kafkaClientProperties(), topics,
        config.topicPartitions(), config.topicReplicationFactor(), config.kafkaStartTimeout(), config.kafkaTimeout(),
        config.maxInflightBytes());
  }

  private static HttpServerOptions serverOptions(CollectorConfig config) {
    HttpServerOptions o = new HttpServerOptions()
        .setHost(config.host())
        .setPort(config.port())
        // A backstop beyond RequestDeadlines: a connection on which nothing moves, such as a
        // client that stops reading its answer, longer than any request may wait for Kafka.
        .setIdleTimeout((int) config.keepAliveTimeout().plus(config.kafkaTimeout()).toMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setMaxHeaderSize(16 * 1024)
        .setMaxInitialLineLength(4096)
        .setMaxFormAttributeSize(0)
        .setHandle100ContinueAutomatically(true)
        // HTTP/1.1 only: RequestDeadlines see a connection as soon as it is accepted.
        .setHttp2ClearTextEnabled(false)
        .setDecompressionSupported(false)
        .setCompressionSupported(false);
    if (config.tlsCert() != null) {
      PemTls.apply(o, config.tlsCert(), config.tlsKey());
    }
    return o;
  }

  private static <T> T await(Future<T> future, Duration timeout) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The port it listens on (useful with port 0). */
  public int port() {
    return server.actualPort();
  }

  /** The largest Kafka record it writes. */
  public int maxMessageBytes() {
    return exporter.maxMessageBytes();
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
    long deadline = System.nanoTime() + shutdownTimeout.toNanos();
    admission.startClosing();
    Future<Void> shutdown = server.shutdown(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
    try {
      // Send what lingers now rather than after linger.ms; requests still decoding send later, hence the loop.
      while (admission.requestsInFlight() > 0 && System.nanoTime() < deadline) {
        exporter.flush();
        Thread.sleep(10);
      }
      if (admission.requestsInFlight() > 0) {
        log.warn("shutdown timeout: {} requests still in flight", admission.requestsInFlight());
      }
      await(shutdown, remaining(deadline));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("HTTP server did not shut down cleanly: {}", e.toString());
    }
    exporter.close(remaining(deadline));
    try {
      await(vertx.close(), Duration.ofSeconds(5));
    } catch (Exception e) {
      log.warn("Vert.x did not close cleanly: {}", e.toString());
    }
    registry.close();
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(100), deadline - System.nanoTime()));
  }
}
