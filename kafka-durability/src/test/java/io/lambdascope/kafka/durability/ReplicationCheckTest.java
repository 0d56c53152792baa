package io.lambdascope.kafka.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.kafka.durability.ReplicationCheck.Finding;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When an acknowledged write could live on one disk only, and the words that say so. */
class ReplicationCheckTest {
  private static final ReplicationCheck COLLECTOR = new ReplicationCheck("span", "the collector answers 503", null);
  private static final ReplicationCheck PROCESSOR =
      new ReplicationCheck("record", "the processor cannot commit", "LAMBDASCOPE_TOPIC_REPLICATION_FACTOR");

  private static List<TopicReplication> all(int rf, int minIsr) {
    return List.of(new TopicReplication("otlp_spans", rf, minIsr), new TopicReplication("otlp_metrics", rf, minIsr),
        new TopicReplication("otlp_logs", rf, minIsr));
  }

  @Test
  void aSingleLocalBrokerGetsOneQuietLine() {
    assertEquals(List.of(new Finding(false, "Kafka topics otlp_spans, otlp_metrics, otlp_logs: replication factor 1, "
        + "min.insync.replicas 1 on a single local broker (the laptop setup): acknowledged telemetry lives on this "
        + "machine's disk only; a production cluster wants replication factor 3 and min.insync.replicas=2")),
        COLLECTOR.check(all(1, 1), 1, true));
  }

  @Test
  void replicationFactorOneOnARealClusterIsALoudWarning() {
    for (int brokers : new int[] {1, 3}) {
      List<Finding> f = COLLECTOR.check(all(1, 1), brokers, brokers == 3);
      assertEquals(List.of(new Finding(true, "DURABILITY RISK: Kafka topics otlp_spans, otlp_metrics, otlp_logs: "
          + "replication factor 1, min.insync.replicas 1: every acknowledged span lives on one broker's disk only and "
          + "is lost with it; use replication factor 3 and min.insync.replicas=2")), f, "brokers " + brokers);
    }
  }

  @Test
  void minInsyncReplicasOneWithReplicasIsALoudWarningNamingTheTopic() {
    List<Finding> f = COLLECTOR.check(List.of(new TopicReplication("otlp_spans", 3, 1),
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
    List<Finding> f = COLLECTOR.check(all(2, 3), 3, false);
    assertEquals(List.of(new Finding(true, "KAFKA MISCONFIGURED: Kafka topics otlp_spans, otlp_metrics, otlp_logs: "
        + "replication factor 2, min.insync.replicas 3: min.insync.replicas exceeds the replication factor, so Kafka "
        + "refuses every write (the collector answers 503); lower min.insync.replicas to at most 2")), f);
  }

  @Test
  void rolesAndTopicsToBeCreatedAreNamedAndTheirSettingToo() {
    List<Finding> f = PROCESSOR.check(List.of(
        new TopicReplication("otlp_spans", "input", 3, 2, true),
        new TopicReplication("otlp_logs", "input", 1, 1, true),
        new TopicReplication("app-function-state-changelog", "state changelog", 3, 1, true),
        new TopicReplication("app-invocations-changelog", "state changelog", 1, 1, false)), 3, false);
    assertEquals(List.of(
        new Finding(false, "Kafka topic otlp_spans (input): replication factor 3, min.insync.replicas 2: an "
            + "acknowledged record is on at least 2 brokers"),
        new Finding(true, "DURABILITY RISK: Kafka topics otlp_logs (input), app-invocations-changelog (state "
            + "changelog, to be created): replication factor 1, min.insync.replicas 1: every acknowledged record "
            + "lives on one broker's disk only and is lost with it; use replication factor 3 and "
            + "min.insync.replicas=2 (for topics to be created, set LAMBDASCOPE_TOPIC_REPLICATION_FACTOR=3 before "
            + "the first start)"),
        new Finding(true, "DURABILITY RISK: Kafka topic app-function-state-changelog (state changelog): replication "
            + "factor 3, min.insync.replicas 1: with acks=all Kafka acknowledges a write that only the leader holds "
            + "once the followers fall behind, so an acknowledged record can live on one disk only; set "
            + "min.insync.replicas=2")), f);
    assertFalse(PROCESSOR.check(List.of(new TopicReplication("otlp_logs", "input", 1, 1, true)), 3, false)
        .get(0).message().contains("LAMBDASCOPE_TOPIC_REPLICATION_FACTOR"), "named only for topics to be created");
  }

  @Test
  void aSingleBrokerElsewhereIsNoLaptop() {
    assertTrue(COLLECTOR.check(all(1, 1), 1, false).get(0).warning());
  }

  @Test
  void loopbackIsJudgedByEveryBootstrapServer() {
    assertTrue(ReplicationCheck.allLoopback("127.0.0.1:9092"));
    assertTrue(ReplicationCheck.allLoopback("localhost:9092, [::1]:9093"));
    assertFalse(ReplicationCheck.allLoopback("127.0.0.1:9092,10.1.2.3:9092"));
  }
}
