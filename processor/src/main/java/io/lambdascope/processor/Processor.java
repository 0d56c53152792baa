package io.lambdascope.processor;

import static java.util.Objects.requireNonNull;

import io.lambdascope.processor.awsconfig.ConfigMetrics;
import io.lambdascope.processor.awsconfig.ConfigReader;
import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.decode.InputMetersConfig;
import io.lambdascope.processor.decode.SkipFailedRecords;
import io.lambdascope.processor.decode.SkipUndecodableRecords;
import io.lambdascope.processor.dedup.DedupWindow;
import io.lambdascope.processor.dlq.DlqMetrics;
import io.lambdascope.processor.dlq.DlqWatcher;
import io.lambdascope.processor.dlq.TaskOwnership;
import io.lambdascope.processor.http.HttpApi;
import io.lambdascope.processor.http.RecentInvocations;
import io.lambdascope.processor.metrics.PipelineMetrics;
import io.lambdascope.processor.join.PendingInvocations;
import io.lambdascope.processor.metrics.StoreMetricsCollector;
import io.lambdascope.processor.state.BoundedRocksDbConfig;
import io.lambdascope.processor.state.Environments;
import io.lambdascope.processor.state.FunctionRegistry;
import io.lambdascope.processor.state.Publication;
import io.lambdascope.processor.state.PublishedFunctions;
import io.lambdascope.processor.state.PublishingClientSupplier;
import io.lambdascope.processor.topology.TelemetryTopology;
import io.lambdascope.processor.topology.TopologySettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running processor: a Kafka Streams application turning spans and platform events into
 * metrics, plus its HTTP port. Several replicas with the same application id share the partitions.
 */
public final class Processor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Processor.class);
  /** The stores of the topology (for the replication check of their changelogs). */
  static final List<String> STORES = List.of(FunctionRegistry.STORE_NAME, Environments.STORE_NAME,
      PendingInvocations.STORE_NAME, DedupWindow.STORE_NAME);
  /** A stream thread that failed is replaced at most this often in {@link #REPLACE_WINDOW}; then the client stops. */
  private static final int MAX_REPLACEMENTS = 3;
  private static final Duration REPLACE_WINDOW = Duration.ofMinutes(10);

  private final KafkaStreams streams;
  private final Vertx vertx;
  private final HttpServer server;
  private final DlqWatcher dlqWatcher;
  private final ConfigReader configReader;
  private final PrometheusMeterRegistry registry;
  private final RestoreLog restores;
  private boolean closed;

  private Processor(KafkaStreams streams, Vertx vertx, HttpServer server, DlqWatcher dlqWatcher,
      ConfigReader configReader, PrometheusMeterRegistry registry, RestoreLog restores) {
    this.configReader = configReader;
    this.restores = restores;
    this.streams = streams;
    this.vertx = vertx;
    this.server = server;
    this.dlqWatcher = dlqWatcher;
    this.registry = registry;
  }

  /**
   * Creates the input topics if missing, starts the HTTP port and the streams application, and
   * returns once the port listens (the application may still be rebalancing: see /health/ready).
   */
  public static Processor start(ProcessorConfig config) {
    requireNonNull(config, "config");
    log.info("starting {}", config.describe());
    if (config.unauthenticatedOnNetwork()) {
      log.warn("the HTTP port serves every tenant's invocations and metrics to anyone who reaches {} "
          + "(LAMBDASCOPE_METRICS_ALLOW_UNAUTHENTICATED=true and no tokens)", config.metricsHost());
    }
    createTopics(config);

    RecentInvocations recent = new RecentInvocations(config.recentInvocations());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PipelineMetrics pipeline = new PipelineMetrics(registry);
    Publication publication = Publication.afterTransactionCommit();
    PublishedFunctions published = new PublishedFunctions();
    TopologySettings settings = new TopologySettings(
        config.spansTopic(), config.logsTopic(), config.dedupWindow(), config.maxLabelValues(), config.maxFunctions(),
        config.reportWait(), config.timeoutGrace(), config.findingsWindow(), Duration.ofMillis(250),
        config.functionTtl(), config.lateReportWindow(), config.cost());
    Properties properties = streamsProperties(config);
    properties.put(InputMetersConfig.KEY, pipeline);
    KafkaStreams streams = new KafkaStreams(
        TelemetryTopology.build(settings, new TelemetryTopology.Outputs(pipeline, recent, publication, published)),
        properties, new PublishingClientSupplier(publication));
    streams.setUncaughtExceptionHandler(replaceAFewTimes());
    RestoreLog restores = new RestoreLog();
    streams.setGlobalStateRestoreListener(restores);
    pipeline.bindConsumerLag(streams, List.of(config.spansTopic(), config.logsTopic()));

    DlqWatcher watcher = null;
    ConfigReader reader = null;
    Vertx vertx = null;
    try {
      if (config.dlqWatcherEnabled()) {
        // One replica polls: the one running the task of the spans topic's partition 0.
        watcher = new DlqWatcher(config, Clock.systemUTC(),
            new TaskOwnership(streams, new TopicPartition(config.spansTopic(), 0)));
        watcher.start();
      }
      DlqWatcher w = watcher;
      Supplier<DlqWatcher.Snapshot> dlq = () -> w == null ? DlqWatcher.Snapshot.EMPTY : w.snapshot();
      registry.getPrometheusRegistry().register(new DlqMetrics(dlq));
      Supplier<DlqWatcher.Snapshot> forFindings = dlq;
      if (config.awsConfigEnabled()) {
        // Each replica reads the functions it owns. Their event source mappings replace the watcher's source
        // queues in the visibility finding: matched by account, region and name, with the configured timeout.
        ConfigReader r = reader = new ConfigReader(config, () -> {
          List<FunctionId> ids = new ArrayList<>();
          published.forEach((id, fs) -> ids.add(id));
          return ids;
        }, Clock.systemUTC()).start();
        registry.getPrometheusRegistry().register(new ConfigMetrics(r));
        forFindings = () -> dlq.get().withSources(r.sources());
      }
      StoreMetricsCollector collector = new StoreMetricsCollector(published, forFindings, Clock.systemUTC(),
          config.findingsWindow().toMillis(), config.cost());
      registry.getPrometheusRegistry().register(collector);
      vertx = Vertx.vertx();
      HttpApi api = new HttpApi(registry, collector::findings, recent,
          () -> streams.state() == KafkaStreams.State.RUNNING, () -> streams.state().name(),
          config.metricsTenantsByToken());
      HttpServer server = api.listen(vertx, config);
      streams.start();
      log.info("processor listening on {}://{}:{}", config.metricsTlsCert() == null ? "http" : "https",
          config.metricsHost(), server.actualPort());
      return new Processor(streams, vertx, server, watcher, reader, registry, restores);
    } catch (Exception e) {
      if (watcher != null) {
        watcher.close();
      }
      if (reader != null) {
        reader.close();
      }
      if (vertx != null) {
        vertx.close();
      }
      streams.close(Duration.ofSeconds(10));
      throw new IllegalStateException("processor failed to start: " + e.getMessage(), e);
    }
  }

  /** The bound HTTP port (useful with LAMBDASCOPE_METRICS_PORT=0). */
  public int httpPort() {
    return server.actualPort();
  }

  /** State records restored from changelogs since the start (after a clean restart: only what the last run left uncommitted). */
  long restoredRecords() {
    return restores.restored();
  }

  /** The names of the stream threads now running (a replaced thread gets a new name). */
  List<String> streamThreadNames() {
    return streams.metadataForLocalThreads().stream().map(t -> t.threadName()).sorted().toList();
  }

  /** Whether the streams application is RUNNING (what /health/ready answers). */
  public boolean ready() {
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  /** Stops HTTP, the DLQ watcher, the configuration reader and the streams application (committing what it processed). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long start = System.nanoTime();
    try {
      server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("HTTP server did not close cleanly: {}", e.toString());
    }
    if (dlqWatcher != null) {
      dlqWatcher.close();
    }
    if (configReader != null) {
      configReader.close();
    }
    long streamsStart = System.nanoTime();
    // Leaving the group hands the partitions to the other replicas at once (Kafka Streams otherwise
    // stays a member until the session times out); a clean close commits and writes the checkpoints.
    streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
        .withTimeout(Duration.ofSeconds(30)));
    long streamsMs = (System.nanoTime() - streamsStart) / 1_000_000;
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("Vert.x did not close cleanly: {}", e.toString());
    }
    registry.close();
    log.info("processor stopped in {} ms (streams {} ms)", (System.nanoTime() - start) / 1_000_000, streamsMs);
  }

  static Properties streamsProperties(ProcessorConfig config) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(config.commitInterval().toMillis()));
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(config.streamThreads()));
    p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
    p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
    p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfig.class.getName());
    p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, Integer.toString(config.standbyReplicas()));
    p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, SkipUndecodableRecords.class.getName());
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, SkipFailedRecords.class.getName());
    p.put("processing.exception.handler.global.enabled", "true");
    // Changelog records are small (a dedup key is 36 bytes) and many: larger batches cost the producer's
    // network thread fewer requests and the stream thread fewer wake-ups of it.
    p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), Integer.toString(256 * 1024));
    if (config.topicReplication() > 0) {
      p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, Short.toString(config.topicReplication()));
    }
    // SASL/SSL and any Streams or client override from LAMBDASCOPE_KAFKA_CONFIG, applied last.
    p.putAll(config.kafkaProperties());
    return p;
  }

  /**
   * A stream thread that dies of something the exception handlers did not take (a bug, a broken
   * disk) is replaced a few times; if it keeps dying, the client stops (/health/ready turns 503)
   * rather than replace threads in a loop.
   */
  private static StreamsUncaughtExceptionHandler replaceAFewTimes() {
    Deque<Long> replaced = new ArrayDeque<>();
    return e -> {
      long now = System.nanoTime();
      synchronized (replaced) {
        while (!replaced.isEmpty() && now - replaced.peekFirst() > REPLACE_WINDOW.toNanos()) {
          replaced.removeFirst();
        }
        if (replaced.size() < MAX_REPLACEMENTS) {
          replaced.addLast(now);
          log.error("stream thread failed; replacing it ({} of {} in {})", replaced.size(), MAX_REPLACEMENTS,
              REPLACE_WINDOW, e);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        }
      }
      log.error("stream thread failed again; {} replacements in {} already: stopping the processor's streams",
          MAX_REPLACEMENTS, REPLACE_WINDOW, e);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    };
  }

  private static void createTopics(ProcessorConfig config) {
    Properties p = new Properties();
    p.putAll(config.kafkaProperties());
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      Optional<Short> replication = config.topicReplication() > 0 ? Optional.of(config.topicReplication()) : Optional.empty();
      for (String topic : List.of(config.spansTopic(), config.logsTopic())) {
        if (!existing.contains(topic)) {
          missing.add(new NewTopic(topic, Optional.of(config.topicPartitions()), replication));
        }
      }
      if (!missing.isEmpty()) {
        try {
          admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
          log.info("created topics {} with {} partitions", missing.stream().map(NewTopic::name).toList(),
              config.topicPartitions());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      Map<String, TopicDescription> topics = describe(admin, List.of(config.spansTopic(), config.logsTopic()));
      int spans = topics.get(config.spansTopic()).partitions().size();
      int logs = topics.get(config.logsTopic()).partitions().size();
      if (spans != logs) {
        throw new CoPartitioningException(config.spansTopic() + " has " + spans + " partitions and "
            + config.logsTopic() + " has " + logs + ": they must be equal, since a function's spans and platform "
            + "events must meet in one partition; add partitions to the smaller one");
      }
      ProcessorTopics.checkReplication(admin, config, STORES, log);
    } catch (CoPartitioningException e) {
      throw new IllegalStateException(e.getMessage(), e);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("cannot reach Kafka at " + config.bootstrapServers()
          + " to check topics " + config.spansTopic() + ", " + config.logsTopic() + ": " + e, e);
    }
  }

  /** Describes topics, waiting out the moment after creation when brokers do not know them yet. */
  private static Map<String, TopicDescription> describe(Admin admin, List<String> names) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  /** Logs each store partition's restoration, and counts what was restored. */
  private static final class RestoreLog implements org.apache.kafka.streams.processor.StateRestoreListener {
    private final java.util.concurrent.atomic.AtomicLong restored = new java.util.concurrent.atomic.AtomicLong();
    private final Map<org.apache.kafka.common.TopicPartition, Long> started = new java.util.concurrent.ConcurrentHashMap<>();

    long restored() {
      return restored.get();
    }

    @Override
    public void onRestoreStart(org.apache.kafka.common.TopicPartition partition, String store, long start, long end) {
      started.put(partition, System.nanoTime());
    }

    @Override
    public void onBatchRestored(org.apache.kafka.common.TopicPartition partition, String store, long batchEnd,
        long count) {
      restored.addAndGet(count);
    }

    @Override
    public void onRestoreEnd(org.apache.kafka.common.TopicPartition partition, String store, long total) {
      Long t0 = started.remove(partition);
      log.info("restored {} records of {} ({}) in {} ms", total, store, partition,
          t0 == null ? 0 : (System.nanoTime() - t0) / 1_000_000);
    }
  }

  /** Topics that cannot be joined: refusing to start beats counting wrongly. */
  private static final class CoPartitioningException extends Exception {
    private static final long serialVersionUID = 1L;

    CoPartitioningException(String message) {
      super(message);
    }
  }
}
