package io.lambdascope.collector.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kafka client settings, topic creation at start, and the readiness probe. */
public final class KafkaSetup {
  private static final Logger log = LoggerFactory.getLogger(KafkaSetup.class);
  /** The broker default of {@code message.max.bytes}, when a topic does not say. */
  private static final int BROKER_DEFAULT_MAX_MESSAGE = 1048588;
  /** What the collector guarantees; a properties file cannot turn it off. */
  private static final Map<String, String> FORCED = Map.of(
      ProducerConfig.ACKS_CONFIG, "all",
      ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
      ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
      ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());

  private KafkaSetup() {}

  public static Map<String, Object> adminProperties(String bootstrap, Map<String, String> client) {
    Map<String, Object> p = new HashMap<>(client);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "lambdascope-collector-admin");
    p.keySet().retainAll(AdminClientConfig.configNames());
    return p;
  }

  /**
   * Producer settings: the user's properties, our throughput defaults where the user said
   * nothing, timeouts derived from the Kafka wait bound, and the forced durability settings.
   */
  public static Map<String, Object> producerProperties(
      String bootstrap, Map<String, String> client, Duration kafkaTimeout, long maxInflightBytes, int maxRequestSize) {
    Map<String, Object> p = new HashMap<>(client);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "lambdascope-collector");
    p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(Math.min(262144, maxRequestSize)));
    long timeoutMs = kafkaTimeout.toMillis();
    long requestTimeout = Math.max(1000, Math.min(30000, timeoutMs / 2));
    p.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(requestTimeout));
    long linger = Long.parseLong(p.get(ProducerConfig.LINGER_MS_CONFIG).toString());
    long reqTimeout = Long.parseLong(p.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG).toString());
    p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(Math.max(timeoutMs, linger + reqTimeout)));
    p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeoutMs));
    // Admission keeps what is buffered under maxInflightBytes, so send() never waits for buffer space.
    p.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(Math.max(32L << 20, maxInflightBytes + (16L << 20))));
    p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(maxRequestSize));
    for (Map.Entry<String, String> e : FORCED.entrySet()) {
      Object given = p.put(e.getKey(), e.getValue());
      if (given != null && !given.toString().equals(e.getValue())) {
        log.warn("kafka setting {}={} ignored: the collector always uses {}", e.getKey(), given, e.getValue());
      }
    }
    p.keySet().retainAll(ProducerConfig.configNames());
    return p;
  }

  /**
   * Creates missing topics, waits until they are described, and returns the smallest {@code
   * max.message.bytes} among them.
   */
  public static int ensureTopics(Admin admin, List<String> topics, int partitions, short replication, Duration timeout)
      throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        Set<String> existing = admin.listTopics().names().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
        List<NewTopic> missing = new ArrayList<>();
        for (String t : topics) {
          if (!existing.contains(t)) {
            missing.add(new NewTopic(t, Optional.of(partitions),
                replication == -1 ? Optional.empty() : Optional.of(replication)));
          }
        }
        if (!missing.isEmpty()) {
          try {
            admin.createTopics(missing).all().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
            log.info("created topics {}", missing.stream().map(NewTopic::name).toList());
          } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
              throw e;
            }
          }
        }
        admin.describeTopics(topics).allTopicNames().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
        List<ConfigResource> resources = topics.stream()
            .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs =
            admin.describeConfigs(resources).all().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
        int min = Integer.MAX_VALUE;
        for (Config c : configs.values()) {
          ConfigEntry e = c.get("max.message.bytes");
          min = Math.min(min, e == null || e.value() == null ? BROKER_DEFAULT_MAX_MESSAGE : Integer.parseInt(e.value()));
        }
        return min == Integer.MAX_VALUE ? BROKER_DEFAULT_MAX_MESSAGE : min;
      } catch (ExecutionException e) {
        if (System.nanoTime() > deadline) {
          throw new TimeoutException("Kafka topics not ready: " + e.getCause());
        }
        log.info("waiting for Kafka topics: {}", e.getCause().toString());
        Thread.sleep(200);
      }
    }
  }

  private static long remainingMs(long deadline) throws TimeoutException {
    long ms = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (ms <= 0) {
      throw new TimeoutException("Kafka did not answer in time");
    }
    return ms;
  }

  /** True when the cluster answers within the timeout. */
  public static boolean reachable(Admin admin, Duration timeout) {
    try {
      admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
          .nodes().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }
}
