package io.lambdascope.collector.exporter.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.collector.exporter.kafka.ReplicationCheck.Finding;
import io.lambdascope.collector.exporter.kafka.ReplicationCheck.TopicReplication;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When an acknowledged span could live on one disk only, and the words that say so. */
class ReplicationCheckTest {
  private static List<TopicReplication> all(int rf, int minIsr) {
    return List.of(new TopicReplication("otlp_spans", rf, minIsr), new TopicReplication("otlp_metrics", rf, minIsr),
        new TopicReplication("otlp_logs", rf, minIsr));
  }

  @Test
  void aSingleLocalBrokerGetsOneQuietLine() {
    assertEquals(List.of(new Finding(false, "Kafka topics otlp_spans, otlp_metrics, otlp_logs: replication factor 1, "
        + "min.insync.replicas 1 on a single local broker (the laptop setup): acknowledged telemetry lives on this "
        + "machine's disk only; a production cluster wants replication factor 3 and min.insync.replicas=2")),
        ReplicationCheck.check(all(1, 1), 1, true));
  }

  @Test
  void replicationFactorOneOnARealClusterIsALoudWarning() {
    for (int brokers : new int[] {1, 3}) {
      List<Finding> f = ReplicationCheck.check(all(1, 1), brokers, brokers == 3);
      assertEquals(List.of(new Finding(true, "DURABILITY RISK: Kafka topics otlp_spans, otlp_metrics, otlp_logs: "
          + "replication factor 1, min.insync.replicas 1: every acknowledged span lives on one broker's disk only and "
          + "is lost with it; use replication factor 3 and min.insync.replicas=2")), f, "brokers " + brokers);
    }
  }

  @Test
  void minInsyncReplicasOneWithReplicasIsALoudWarningNamingTheTopic() {
    List<Finding> f = ReplicationCheck.check(List.of(new TopicReplication("otlp_spans", 3, 1),
        new TopicReplication("otlp_logs", 3, 2)), 3, false);
    assertEquals(2, f.size());
    assertEquals(new Finding(true, "DURABILITY RISK: Kafka topic otlp_spans: replication factor 3, "
        + "min.insync.replicas 1: with acks=all Kafka acknowledges a write that only the leader holds once the "
        + "followers fall behind, so an acknowledged span can live on one disk only; set min.insync.replicas=2"),
        f.get(0));
    assertEquals(new Finding(false, "Kafka topic otlp_logs: replication factor 3, min.insync.replicas 2: an "
        + "acknowledged span is on at least 2 brokers"), f.get(1));
  }

  @Test
  void minInsyncReplicasAboveTheFactorIsAWarningToo() {
    List<Finding> f = ReplicationCheck.check(all(2, 3), 3, false);
    assertEquals(1, f.size());
    assertTrue(f.get(0).warning());
    assertTrue(f.get(0).message().contains("Kafka refuses every write"), f.get(0).message());
  }

  @Test
  void loopbackIsJudgedByEveryBootstrapServer() {
    assertTrue(ReplicationCheck.allLoopback("127.0.0.1:9092"));
    assertTrue(ReplicationCheck.allLoopback("localhost:9092, [::1]:9093"));
    assertFalse(ReplicationCheck.allLoopback("127.0.0.1:9092,10.1.2.3:9092"));
  }
}
