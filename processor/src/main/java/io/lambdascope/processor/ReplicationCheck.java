package io.lambdascope.processor;

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
 * At start, compares the replication of the input topics and of the changelogs (existing ones as
 * they are, missing ones as Kafka Streams will create them) with what survives the loss of a disk:
 * replication factor 2 or more and {@code min.insync.replicas} 2 or more, or a write acknowledged
 * with {@code acks=all} may exist on one disk only. Warns loudly for each that falls short; a
 * single-broker cluster (the embedded one) gets one quiet line instead, since nothing else is
 * possible there.
 */
final class ReplicationCheck {
  /** What the cluster says about one topic (or will, once Streams creates it). */
  record TopicFacts(String topic, String role, int replicationFactor, int minInsyncReplicas, boolean exists) {}

  /** The outcome: warnings (each one topic), or the single-broker line. */
  record Verdict(List<String> warnings, String singleBroker) {}

  private ReplicationCheck() {}

  static Verdict assess(int brokers, List<TopicFacts> topics) {
    if (brokers <= 1) {
      return new Verdict(List.of(), "Kafka has a single broker: input topics and processor state ("
          + topics.size() + " topics) live on one disk; for production use a cluster with replication factor 3 "
          + "and min.insync.replicas=2");
    }
    List<String> warnings = new ArrayList<>();
    for (TopicFacts t : topics) {
      String what = t.topic() + " (" + t.role() + (t.exists() ? "" : ", to be created") + ")";
      if (t.replicationFactor() < 2) {
        warnings.add(what + " has replication factor " + t.replicationFactor() + " on a cluster of " + brokers
            + " brokers: its data lives on one disk. Raise it (kafka-reassign-partitions) to 3"
            + (t.exists() ? "" : "; set LAMBDASCOPE_TOPIC_REPLICATION_FACTOR=3 before the first start"));
      } else if (t.minInsyncReplicas() < 2) {
        warnings.add(what + " has min.insync.replicas=" + t.minInsyncReplicas()
            + ": a write acknowledged with acks=all may exist on one disk only. Set min.insync.replicas=2 on "
            + "the topic (or as the brokers' default)");
      }
    }
    return new Verdict(warnings, null);
  }

  /** Gathers the facts, assesses them and logs the verdict; a check that cannot complete is logged and skipped. */
  static Verdict run(Admin admin, ProcessorConfig config, Collection<String> storeNames, Logger log) {
    try {
      Verdict v = assess(brokers(admin).size(), facts(admin, config, storeNames));
      if (v.singleBroker() != null) {
        log.info(v.singleBroker());
      }
      if (!v.warnings().isEmpty()) {
        log.warn("*** DATA AT RISK: {} topic(s) could lose acknowledged telemetry or committed state with one disk ***",
            v.warnings().size());
        v.warnings().forEach(w -> log.warn("*** {}", w));
      }
      return v;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      log.warn("could not check the replication of the processor's topics: {}", e.toString());
      return new Verdict(List.of(), null);
    }
  }

  private static Collection<Node> brokers(Admin admin) throws Exception {
    return admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
  }

  private static List<TopicFacts> facts(Admin admin, ProcessorConfig config, Collection<String> storeNames)
      throws Exception {
    Collection<Node> nodes = brokers(admin);
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

    List<TopicFacts> out = new ArrayList<>();
    for (String topic : roles.keySet().stream().sorted().toList()) {
      TopicDescription d = described.get(topic);
      if (d == null) {
        out.add(new TopicFacts(topic, roles.get(topic), plannedReplication, plannedMinIsr, false));
        continue;
      }
      int rf = Integer.MAX_VALUE;
      for (TopicPartitionInfo p : d.partitions()) {
        rf = Math.min(rf, p.replicas().size());
      }
      ConfigEntry minIsr = topicConfigs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic)).get("min.insync.replicas");
      out.add(new TopicFacts(topic, roles.get(topic), rf == Integer.MAX_VALUE ? 0 : rf,
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
