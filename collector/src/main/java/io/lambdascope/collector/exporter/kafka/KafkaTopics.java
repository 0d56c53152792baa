package io.lambdascope.collector.exporter.kafka;

import io.lambdascope.kafka.durability.TopicReplication;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The collector's topics, created at start when missing, and whether the cluster answers. */
final class KafkaTopics {
  /**
   * What start needs to know of the topics and the cluster.
   *
   * @param maxMessageBytes the smallest {@code max.message.bytes} among the topics
   * @param replication each topic's replication factor and {@code min.insync.replicas}
   * @param brokers brokers in the cluster
   */
  record Described(int maxMessageBytes, List<TopicReplication> replication, int brokers) {}

  private static final Logger log = LoggerFactory.getLogger(KafkaTopics.class);
  /** The broker default of {@code message.max.bytes}, when a topic does not say. */
  private static final int BROKER_DEFAULT_MAX_MESSAGE = 1048588;

  private KafkaTopics() {}

  /** Creates missing topics, waits until they are described, and describes them and the cluster. */
  static Described ensure(Admin admin, List<String> topics, int partitions, short replication, Duration timeout)
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
        Map<String, TopicDescription> descriptions =
            admin.describeTopics(topics).allTopicNames().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
        int brokers = admin.describeCluster().nodes().get(remainingMs(deadline), TimeUnit.MILLISECONDS).size();
        List<ConfigResource> resources = topics.stream()
            .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs =
            admin.describeConfigs(resources).all().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
        int min = Integer.MAX_VALUE;
        List<TopicReplication> replicationOf = new ArrayList<>();
        for (String t : topics) {
          Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, t));
          min = Math.min(min, intConfig(c, "max.message.bytes", BROKER_DEFAULT_MAX_MESSAGE));
          int factor = descriptions.get(t).partitions().stream()
              .mapToInt(p -> p.replicas().size()).min().orElse(0);
          replicationOf.add(new TopicReplication(t, factor, intConfig(c, "min.insync.replicas", 1)));
        }
        return new Described(min == Integer.MAX_VALUE ? BROKER_DEFAULT_MAX_MESSAGE : min, replicationOf, brokers);
      } catch (ExecutionException e) {
        if (System.nanoTime() > deadline) {
          throw new TimeoutException("Kafka topics not ready: " + e.getCause());
        }
        log.info("waiting for Kafka topics: {}", e.getCause().toString());
        Thread.sleep(200);
      }
    }
  }

  private static int intConfig(Config config, String name, int otherwise) {
    ConfigEntry e = config == null ? null : config.get(name);
    return e == null || e.value() == null ? otherwise : Integer.parseInt(e.value());
  }

  private static long remainingMs(long deadline) throws TimeoutException {
    long ms = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (ms <= 0) {
      throw new TimeoutException("Kafka did not answer in time");
    }
    return ms;
  }

  /** True when the cluster answers within the timeout. */
  static boolean reachable(Admin admin, Duration timeout) {
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
