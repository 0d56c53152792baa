package io.lambdascope.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.lambdascope.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real cluster: three Kafka nodes in JVMs of their own, replication factor 3 and {@code
 * min.insync.replicas=2}. At start the collector says which of its topics could keep an
 * acknowledged span on one disk only; under load, the node leading a partition of the span topic
 * is killed with SIGKILL, and every span the collector acknowledged is in Kafka exactly once.
 */
class ReplicatedClusterTest {
  private static final String CHECK_LOGGER = "io.lambdascope.kafka.durability.ReplicationCheck";

  @TempDir
  Path dir;

  @Test
  void replicationIsCheckedAtStartAndAcknowledgedSpansSurviveAKilledLeader() throws Exception {
    long t0 = System.nanoTime();
    String clusterId = Uuid.randomUuid().toString();
    int[] ports = {EmbeddedKafka.freePort(), EmbeddedKafka.freePort(), EmbeddedKafka.freePort()};
    int[] controllerPorts = {EmbeddedKafka.freePort(), EmbeddedKafka.freePort(), EmbeddedKafka.freePort()};
    StringJoiner voters = new StringJoiner(",");
    for (int i = 0; i < 3; i++) {
      voters.add((i + 1) + "@127.0.0.1:" + controllerPorts[i]);
    }
    Map<String, String> replicated = Map.of("default.replication.factor", "3", "min.insync.replicas", "2");
    List<KafkaBrokerJvm> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        nodes.add(new KafkaBrokerJvm(dir.resolve("node-" + (i + 1)), clusterId, i + 1, ports[i], controllerPorts[i],
            voters.toString(), replicated));
      }
      nodes.forEach(KafkaBrokerJvm::start);
      String bootstrap = String.join(",", nodes.stream().map(KafkaBrokerJvm::address).toList());
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        awaitBrokers(admin, 3, 120);
        phase(t0, "cluster of 3 up");

        // The start-up check, on topics made to differ: RF 3 with min ISR 1, RF 1, RF 3 with min ISR 2.
        admin.createTopics(List.of(
            new NewTopic("risky_spans", Optional.of(3), Optional.of((short) 3)).configs(Map.of("min.insync.replicas", "1")),
            new NewTopic("risky_metrics", Optional.of(3), Optional.of((short) 1)).configs(Map.of("min.insync.replicas", "1")),
            new NewTopic("risky_logs", Optional.of(3), Optional.of((short) 3))))
            .all().get(60, TimeUnit.SECONDS);
        try (LogCapture logs = new LogCapture(CHECK_LOGGER);
            Collector risky = Collector.start(CollectorConfig.builder(bootstrap).port(0)
                .topicSpans("risky_spans").topicMetrics("risky_metrics").topicLogs("risky_logs").build())) {
          assertEquals(List.of(
              new LogCapture.Line(Level.WARN, "DURABILITY RISK: Kafka topic risky_spans: replication factor 3, "
                  + "min.insync.replicas 1: with acks=all Kafka acknowledges a write that only the leader holds once "
                  + "the followers fall behind, so an acknowledged span can live on one disk only; set "
                  + "min.insync.replicas=2"),
              new LogCapture.Line(Level.WARN, "DURABILITY RISK: Kafka topic risky_metrics: replication factor 1, "
                  + "min.insync.replicas 1: every acknowledged span lives on one broker's disk only and is lost with "
                  + "it; use replication factor 3 and min.insync.replicas=2"),
              new LogCapture.Line(Level.INFO, "Kafka topic risky_logs: replication factor 3, min.insync.replicas 2: "
                  + "an acknowledged span is on at least 2 brokers")), logs.lines());
        }
        phase(t0, "start-up check done");

        CollectorConfig config = CollectorConfig.builder(bootstrap)
            .port(0)
            .topicSpans("ha_spans").topicMetrics("ha_metrics").topicLogs("ha_logs")
            .topicReplicationFactor((short) 3)
            .kafkaTimeout(Duration.ofSeconds(10))
            .build();
        try (LogCapture logs = new LogCapture(CHECK_LOGGER); Collector collector = Collector.start(config)) {
          assertEquals(List.of(new LogCapture.Line(Level.INFO, "Kafka topics ha_spans, ha_metrics, ha_logs: "
              + "replication factor 3, min.insync.replicas 2: an acknowledged span is on at least 2 brokers")),
              logs.lines());
          AckedLoad load = new AckedLoad(collector.port());
          load.start(3);
          load.awaitOk(20, 60);
          int leader = admin.describeTopics(Set.of(config.topicSpans())).allTopicNames().get(30, TimeUnit.SECONDS)
              .get(config.topicSpans()).partitions().get(0).leader().id();
          KafkaBrokerJvm victim = nodes.get(leader - 1);
          phase(t0, "load running; killing node " + leader + ", the leader of " + config.topicSpans() + "-0");
          int okBeforeKill = load.ok.get();
          victim.kill();
          // Two replicas of three remain, min.insync.replicas is 2: writes go on once leadership moved.
          load.awaitOk(okBeforeKill + 60, 120);
          load.stop();
          phase(t0, "load stopped: " + load.ok.get() + " acknowledged, " + load.unavailable.get() + " answered 503");

          assertTrue(load.errors.isEmpty(), "unexpected answers: " + load.errors);
          var partition = admin.describeTopics(Set.of(config.topicSpans())).allTopicNames().get(30, TimeUnit.SECONDS)
              .get(config.topicSpans()).partitions().get(0);
          assertTrue(partition.leader().id() != leader && partition.isr().size() == 2,
              "the partition did not fail over: " + partition);
          String survivors = String.join(",", nodes.stream().filter(n -> n != victim).map(KafkaBrokerJvm::address).toList());
          int acked = load.assertEveryAcknowledgedSpanOnce(survivors, config.topicSpans());
          assertTrue(acked >= (okBeforeKill + 60) * AckedLoad.SPANS_PER_REQUEST, "acknowledged spans: " + acked);
          phase(t0, "Kafka checked");
        }
      }
    } finally {
      nodes.forEach(KafkaBrokerJvm::close);
    }
  }

  private static void awaitBrokers(Admin admin, int count, int seconds) throws InterruptedException {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    int seen = 0;
    while (System.currentTimeMillis() < deadline) {
      try {
        seen = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
        if (seen == count) {
          return;
        }
      } catch (Exception e) {
        // not up yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError(seen + " brokers after " + seconds + " s, expected " + count);
  }

  private static void phase(long t0, String what) {
    System.err.printf("ReplicatedClusterTest: %s after %d ms%n", what,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }
}
