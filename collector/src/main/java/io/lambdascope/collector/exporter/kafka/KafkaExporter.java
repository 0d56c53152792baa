package io.lambdascope.collector.exporter.kafka;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Message;
import io.lambdascope.collector.meters.CollectorMeters;
import io.lambdascope.collector.signal.Signal;
import io.lambdascope.kafka.durability.ReplicationCheck;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes decoded requests into Kafka, one record per resource keyed by function, and tells when
 * Kafka has acknowledged all of a request. {@link #start} connects, creates missing topics and
 * fetches their metadata; {@link #close} closes the producer and the admin client.
 */
public final class KafkaExporter {
  private static final Logger log = LoggerFactory.getLogger(KafkaExporter.class);
  private static final Duration PROBE_INTERVAL = Duration.ofSeconds(2);
  /** Answered 2xx only once Kafka acknowledged, so what could be lost is an acknowledged span. */
  private static final ReplicationCheck REPLICATION = new ReplicationCheck("span", "the collector answers 503", null);

  private final Admin admin;
  private final Producer<byte[], byte[]> producer;
  private final Map<Signal, String> topics;
  private final int maxMessageBytes;
  private final KafkaRecordWriter writer;
  private final AtomicBoolean ready = new AtomicBoolean(true);

  private KafkaExporter(Admin admin, Producer<byte[], byte[]> producer, Map<Signal, String> topics,
      int maxMessageBytes, CollectorMeters meters) {
    this.admin = admin;
    this.producer = producer;
    this.topics = topics;
    this.maxMessageBytes = maxMessageBytes;
    this.writer = new KafkaRecordWriter(producer, meters);
  }

  /**
   * Connects, creates the missing topics and reads the largest record they take.
   *
   * @throws Exception when Kafka does not answer within the start timeout; the clients are closed again
   */
  public static KafkaExporter start(KafkaExporterSettings settings, CollectorMeters meters) throws Exception {
    requireNonNull(settings, "settings");
    requireNonNull(meters, "meters");
    Map<String, String> client = settings.clientProperties();
    List<String> topicNames = new ArrayList<>(new LinkedHashSet<>(settings.topics().values()));
    Admin admin = Admin.create(KafkaClientProperties.admin(settings.bootstrapServers(), client));
    Producer<byte[], byte[]> producer = null;
    try {
      KafkaTopics.Described described = KafkaTopics.ensure(admin, topicNames, settings.partitions(),
          settings.replicationFactor(), settings.startTimeout());
      REPLICATION.report(described.replication(), described.brokers(), settings.bootstrapServers());
      int maxMessageBytes = described.maxMessageBytes();
      String userMaxRequest = client.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
      if (userMaxRequest != null) {
        maxMessageBytes = Math.min(maxMessageBytes, Integer.parseInt(userMaxRequest.trim()));
      }
      producer = new KafkaProducer<>(KafkaClientProperties.producer(settings.bootstrapServers(), client,
          settings.ackTimeout(), settings.maxInflightBytes(), maxMessageBytes));
      for (String topic : topicNames) {
        producer.partitionsFor(topic); // fetch metadata now, so no request waits for it
      }
      return new KafkaExporter(admin, producer, settings.topics(), maxMessageBytes, meters);
    } catch (Exception e) {
      if (producer != null) {
        Producer<byte[], byte[]> started = producer;
        closeAfterFailure(() -> started.close(Duration.ofSeconds(2)), e);
      }
      closeAfterFailure(() -> admin.close(Duration.ofSeconds(2)), e);
      throw e;
    }
  }

  private static void closeAfterFailure(Runnable close, Exception failure) {
    try {
      close.run();
    } catch (RuntimeException suppressed) {
      failure.addSuppressed(suppressed);
    }
  }

  /** The largest record the topics and the producer take. */
  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /** Cuts a decoded request into records of one resource each, with the tenant stamped; sends nothing yet. */
  public SplitResult split(Signal signal, Message request, String tenant) {
    return ResourceSplitter.split(signal, request, tenant, maxMessageBytes);
  }

  /**
   * Sends the records to the signal's topic; completes when Kafka has acknowledged or failed every
   * one. May block for metadata, so never call it on an event loop.
   */
  public CompletableFuture<Void> send(Signal signal, SplitResult split) {
    return writer.send(signal, topics.get(signal), split.records());
  }

  /**
   * Asks Kafka every few seconds whether it answers, for {@link #ready}. Two failures in a row make
   * it unready (one slow answer on a busy machine is not an outage), one success ready.
   */
  public void startReadinessProbe(Vertx vertx) {
    AtomicBoolean probing = new AtomicBoolean();
    AtomicInteger failures = new AtomicInteger();
    vertx.setPeriodic(PROBE_INTERVAL.toMillis(), id -> {
      if (!probing.compareAndSet(false, true)) {
        return;
      }
      vertx.executeBlocking(() -> KafkaTopics.reachable(admin, Duration.ofMillis(2500)), false)
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

  /** Whether Kafka answered the readiness probe lately. */
  public boolean ready() {
    return ready.get();
  }

  /** Sends what lingers in the producer now rather than after {@code linger.ms}. */
  public void flush() {
    producer.flush();
  }

  /** Closes the producer, waiting up to {@code timeout} for what it still holds, then the admin client. */
  public void close(Duration timeout) {
    producer.close(timeout);
    admin.close(Duration.ofSeconds(1));
  }
}
