package io.lambdascope.collector;

import static java.util.Objects.requireNonNull;

import io.lambdascope.collector.internal.Admission;
import io.lambdascope.collector.internal.CollectorMetrics;
import io.lambdascope.collector.internal.KafkaSetup;
import io.lambdascope.collector.internal.KafkaWriter;
import io.lambdascope.collector.internal.RequestHandler;
import io.lambdascope.collector.internal.Signal;
import io.lambdascope.collector.internal.Tokens;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OTLP/HTTP collector: receives traces, metrics, logs and Lambda platform events, and answers
 * only when Kafka has acknowledged them. Start it with {@link #start(CollectorConfig)}; {@link
 * #close()} stops it gracefully.
 */
public final class Collector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Collector.class);
  private static final Duration PROBE_INTERVAL = Duration.ofSeconds(2);

  private final CollectorConfig config;
  private final Admin admin;
  private final Producer<byte[], byte[]> producer;
  private final PrometheusMeterRegistry registry;
  private final Vertx vertx;
  private final HttpServer server;
  private final RequestHandler handler;
  private final Admission admission;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Collector(CollectorConfig config, Admin admin, Producer<byte[], byte[]> producer,
      PrometheusMeterRegistry registry, Vertx vertx, HttpServer server, RequestHandler handler, Admission admission) {
    this.config = config;
    this.admin = admin;
    this.producer = producer;
    this.registry = registry;
    this.vertx = vertx;
    this.server = server;
    this.handler = handler;
    this.admission = admission;
  }

  /**
   * Connects to Kafka, creates missing topics, and listens; returns once it is listening.
   *
   * @throws IllegalStateException when Kafka does not answer within the start timeout or the port
   *     cannot be bound; everything started so far is stopped again
   */
  public static Collector start(CollectorConfig config) {
    requireNonNull(config, "config");
    Map<String, String> client = config.kafkaClientProperties();
    List<AutoCloseable> started = new ArrayList<>();
    try {
      Admin admin = Admin.create(KafkaSetup.adminProperties(config.kafkaBootstrapServers(), client));
      started.add(() -> admin.close(Duration.ofSeconds(2)));
      List<String> topicNames = List.of(config.topicSpans(), config.topicMetrics(), config.topicLogs());
      int maxMessageBytes = KafkaSetup.ensureTopics(
          admin, topicNames, config.topicPartitions(), config.topicReplicationFactor(), config.kafkaStartTimeout());
      String userMaxRequest = client.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
      if (userMaxRequest != null) {
        maxMessageBytes = Math.min(maxMessageBytes, Integer.parseInt(userMaxRequest.trim()));
      }
      Producer<byte[], byte[]> producer = new KafkaProducer<>(KafkaSetup.producerProperties(
          config.kafkaBootstrapServers(), client, config.kafkaTimeout(), config.maxInflightBytes(), maxMessageBytes));
      started.add(() -> producer.close(Duration.ofSeconds(2)));
      for (String topic : topicNames) {
        producer.partitionsFor(topic); // fetch metadata now, so no request waits for it
      }

      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      started.add(registry::close);
      Vertx vertx = Vertx.builder()
          .with(new VertxOptions()
              .setEventLoopPoolSize(2)
              .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)))
          .withMetrics(new MicrometerMetricsFactory(registry))
          .build();
      started.add(() -> await(vertx.close(), Duration.ofSeconds(5)));
      WorkerExecutor decoders = vertx.createSharedWorkerExecutor("lambdascope-decode", config.decodeThreads());

      Admission admission = new Admission(config.maxInflightBytes(), config.maxInflightRequests());
      CollectorMetrics metrics = new CollectorMetrics(registry, admission);
      KafkaWriter writer = new KafkaWriter(producer, metrics);
      Map<Signal, String> topics = new EnumMap<>(Signal.class);
      topics.put(Signal.TRACES, config.topicSpans());
      topics.put(Signal.METRICS, config.topicMetrics());
      topics.put(Signal.LOGS, config.topicLogs());
      topics.put(Signal.PLATFORM, config.topicLogs());
      AtomicBoolean kafkaReady = new AtomicBoolean(true);
      startProbe(vertx, admin, kafkaReady);
      RequestHandler handler = new RequestHandler(vertx, decoders,
          new RequestHandler.Limits(config.maxRequestBytes(), config.maxDecompressedBytes(),
              config.maxDecodedMessages(), config.kafkaTimeout()),
          new Tokens(config.tenantsByToken()), admission, metrics, writer, topics, maxMessageBytes, registry,
          kafkaReady::get);

      HttpServer server = vertx.createHttpServer(serverOptions(config)).requestHandler(handler);
      await(server.listen(), Duration.ofSeconds(30));
      Collector collector = new Collector(config, admin, producer, registry, vertx, server, handler, admission);
      log.info("collector started port={} max.message.bytes={} {}", server.actualPort(), maxMessageBytes, config.describe());
      return collector;
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

  private static HttpServerOptions serverOptions(CollectorConfig config) {
    HttpServerOptions o = new HttpServerOptions()
        .setHost(config.host())
        .setPort(config.port())
        .setIdleTimeout(60)
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setMaxHeaderSize(16 * 1024)
        .setMaxInitialLineLength(4096)
        .setMaxFormAttributeSize(0)
        .setHandle100ContinueAutomatically(true)
        .setHttp2ClearTextEnabled(false)
        .setDecompressionSupported(false)
        .setCompressionSupported(false);
    if (config.tlsCert() != null) {
      o.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(config.tlsCert().toString())
          .setKeyPath(config.tlsKey().toString()));
    }
    return o;
  }

  /**
   * Asks Kafka every few seconds whether it answers; /health/ready reports it. Two failures in a
   * row make it unready (one slow answer on a busy machine is not an outage), one success ready.
   */
  private static void startProbe(Vertx vertx, Admin admin, AtomicBoolean ready) {
    AtomicBoolean probing = new AtomicBoolean();
    AtomicInteger failures = new AtomicInteger();
    vertx.setPeriodic(PROBE_INTERVAL.toMillis(), id -> {
      if (!probing.compareAndSet(false, true)) {
        return;
      }
      vertx.executeBlocking(() -> KafkaSetup.reachable(admin, Duration.ofMillis(2500)), false)
          .onComplete(ar -> {
            probing.set(false);
            boolean answered = ar.succeeded() && ar.result();
            boolean now = answered || failures.incrementAndGet() < 2;
            if (answered) {
              failures.set(0);
            }
            if (ready.getAndSet(now) != now) {
              if (now) {
                log.info("Kafka reachable again");
              } else {
                log.warn("Kafka unreachable: not ready");
              }
            }
          });
    });
  }

  private static <T> T await(Future<T> future, Duration timeout) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The port it listens on (useful with port 0). */
  public int port() {
    return server.actualPort();
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
    long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
    handler.startClosing();
    Future<Void> shutdown = server.shutdown(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
    try {
      // Send what lingers now rather than after linger.ms; requests still decoding send later, hence the loop.
      while (admission.requests() > 0 && System.nanoTime() < deadline) {
        producer.flush();
        Thread.sleep(10);
      }
      if (admission.requests() > 0) {
        log.warn("shutdown timeout: {} requests still in flight", admission.requests());
      }
      await(shutdown, remaining(deadline));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("HTTP server did not shut down cleanly: {}", e.toString());
    }
    producer.close(remaining(deadline));
    admin.close(Duration.ofSeconds(1));
    try {
      await(vertx.close(), Duration.ofSeconds(5));
    } catch (Exception e) {
      log.warn("Vert.x did not close cleanly: {}", e.toString());
    }
    registry.close();
    log.info("collector stopped");
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(100), deadline - System.nanoTime()));
  }
}
