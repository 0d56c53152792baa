package io.lambdascope.processor;

import io.lambdascope.kafka.durability.ReplicationCheck;
import io.lambdascope.kafka.durability.TopicReplication;
import io.lambdascope.settings.KafkaSettings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;

/**
 * The processor's topics as the cluster describes them, checked at start by the shared {@link ReplicationCheck}:
 * the input topics, and the changelogs of the stores (existing ones as they are, missing ones as Kafka Streams will
 * create them, from the replication factor setting or the broker's defaults).
 */
final class ProcessorTopics {
  /** What the processor writes is its stores' changelogs; a refused write fails the transaction. */
  private static final ReplicationCheck REPLICATION = new ReplicationCheck("record", "the processor cannot commit",
      KafkaSettings.TOPIC_REPLICATION_FACTOR.name());

  private ProcessorTopics() {}

  /** Gathers the facts, checks and logs them; a check that cannot complete is logged and skipped. */
  static List<ReplicationCheck.Finding> checkReplication(Admin admin, ProcessorConfig config,
      Collection<String> storeNames, Logger log) {
    try {
      Collection<Node> nodes = brokers(admin);
      return REPLICATION.report(facts(admin, config, storeNames, nodes), nodes.size(), config.bootstrapServers());
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      log.warn("could not check the replication of the processor's topics: {}", e.toString());
      return List.of();
    }
  }

  private static Collection<Node> brokers(Admin admin) throws Exception {
    return admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
  }

  private static List<TopicReplication> facts(Admin admin, ProcessorConfig config, Collection<String> storeNames,
      Collection<Node> nodes) throws Exception {
    Map<String, String> brokerDefaults = new HashMap<>();
    if (!nodes.isEmpty()) {
      ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(nodes.iterator().next().id()));
      Config c = admin.describeConfigs(List.of(broker)).all().get(30, TimeUnit.SECONDS).get(broker);
      for (ConfigEntry e : c.entries()) {
        brokerDefaults.put(e.name(), e.value());
      }
    }
    int defaultReplication = parse(brokerDefaults.get("default.replication.factor"), 1);
    int defaultMinIsr = parse(brokerDefaults.get("min.insync.replicas"), 1);

    Map<String, String> roles = new HashMap<>();
    roles.put(config.spansTopic(), "input");
    roles.put(config.logsTopic(), "input");
    for (String store : storeNames) {
      roles.put(config.applicationId() + "-" + store + "-changelog", "state changelog");
    }
    Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
    List<String> present = roles.keySet().stream().filter(existing::contains).sorted().toList();
    Map<String, TopicDescription> described = present.isEmpty() ? Map.of()
        : admin.describeTopics(present).allTopicNames().get(30, TimeUnit.SECONDS);
    List<ConfigResource> resources = present.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
    Map<ConfigResource, Config> topicConfigs = resources.isEmpty() ? Map.of()
        : admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);

    int plannedReplication = config.topicReplication() > 0 ? config.topicReplication()
        : parse(config.kafkaProperties().getProperty("replication.factor"), -1) > 0
            ? parse(config.kafkaProperties().getProperty("replication.factor"), -1) : defaultReplication;
    int plannedMinIsr = parse(config.kafkaProperties().getProperty("topic.min.insync.replicas"), defaultMinIsr);

    List<TopicReplication> out = new ArrayList<>();
    for (String topic : roles.keySet().stream().sorted().toList()) {
      TopicDescription d = described.get(topic);
      if (d == null) {
        out.add(new TopicReplication(topic, roles.get(topic), plannedReplication, plannedMinIsr, false));
        continue;
      }
      int rf = Integer.MAX_VALUE;
      for (TopicPartitionInfo p : d.partitions()) {
        rf = Math.min(rf, p.replicas().size());
      }
      ConfigEntry minIsr = topicConfigs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic)).get("min.insync.replicas");
      out.add(new TopicReplication(topic, roles.get(topic), rf == Integer.MAX_VALUE ? 0 : rf,
          minIsr == null ? defaultMinIsr : parse(minIsr.value(), defaultMinIsr), true));
    }
    return out;
  }

  private static int parse(String value, int dflt) {
    try {
      return value == null ? dflt : Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      return dflt;
    }
  }
}
