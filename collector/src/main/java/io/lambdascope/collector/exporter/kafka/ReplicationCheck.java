package io.lambdascope.collector.exporter.kafka;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether an acknowledged span could live on one disk only. The collector answers 2xx once Kafka
 * acknowledged with {@code acks=all}; that means "on every in-sync replica", which is one broker
 * when the replication factor is 1, or when {@code min.insync.replicas} is 1 and the followers
 * have fallen out of sync. Checked at start against the cluster, and said in one line per group of
 * topics with the same settings: a loud warning for a real cluster, a quiet line for a single
 * broker on this machine (the laptop setup, where one disk is all there is).
 */
final class ReplicationCheck {
  private static final Logger log = LoggerFactory.getLogger(ReplicationCheck.class);

  /** What the cluster says of one topic. */
  record TopicReplication(String topic, int replicationFactor, int minInsyncReplicas) {}

  /** One line to log: a warning or not. */
  record Finding(boolean warning, String message) {}

  private ReplicationCheck() {}

  /** Logs the findings; returns them for the tests. */
  static List<Finding> report(List<TopicReplication> topics, int brokers, String bootstrapServers) {
    List<Finding> findings = check(topics, brokers, allLoopback(bootstrapServers));
    for (Finding f : findings) {
      if (f.warning()) {
        log.warn(f.message());
      } else {
        log.info(f.message());
      }
    }
    return findings;
  }

  /**
   * The findings, one per group of topics with the same replication factor and minimum in-sync
   * replicas.
   *
   * @param brokers brokers in the cluster
   * @param localBroker whether every bootstrap server is on this machine
   */
  static List<Finding> check(List<TopicReplication> topics, int brokers, boolean localBroker) {
    Map<String, List<String>> groups = new LinkedHashMap<>();
    Map<String, TopicReplication> settings = new LinkedHashMap<>();
    for (TopicReplication t : topics) {
      String key = t.replicationFactor() + "/" + t.minInsyncReplicas();
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(t.topic());
      settings.putIfAbsent(key, t);
    }
    List<Finding> findings = new ArrayList<>();
    groups.forEach((key, names) -> {
      TopicReplication t = settings.get(key);
      int rf = t.replicationFactor();
      int minIsr = t.minInsyncReplicas();
      String which = (names.size() == 1 ? "Kafka topic " : "Kafka topics ") + String.join(", ", names)
          + ": replication factor " + rf + ", min.insync.replicas " + minIsr;
      if (rf == 1 && brokers == 1 && localBroker) {
        findings.add(new Finding(false, which + " on a single local broker (the laptop setup): acknowledged "
            + "telemetry lives on this machine's disk only; a production cluster wants replication factor 3 and "
            + "min.insync.replicas=2"));
      } else if (rf == 1) {
        findings.add(new Finding(true, "DURABILITY RISK: " + which + ": every acknowledged span lives on one "
            + "broker's disk only and is lost with it; use replication factor 3 and min.insync.replicas=2"));
      } else if (minIsr <= 1) {
        findings.add(new Finding(true, "DURABILITY RISK: " + which + ": with acks=all Kafka acknowledges a write "
            + "that only the leader holds once the followers fall behind, so an acknowledged span can live on one "
            + "disk only; set min.insync.replicas=2"));
      } else if (minIsr > rf) {
        findings.add(new Finding(true, "KAFKA MISCONFIGURED: " + which + ": min.insync.replicas exceeds the "
            + "replication factor, so Kafka refuses every write (the collector answers 503); lower "
            + "min.insync.replicas to at most " + rf));
      } else {
        findings.add(new Finding(false, which + ": an acknowledged span is on at least " + minIsr + " brokers"));
      }
    });
    return findings;
  }

  /** Whether every {@code host:port} of the bootstrap list resolves to loopback only. */
  static boolean allLoopback(String bootstrapServers) {
    for (String server : bootstrapServers.split(",")) {
      String hostPort = server.trim();
      int colon = hostPort.lastIndexOf(':');
      String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        for (InetAddress a : InetAddress.getAllByName(host)) {
          if (!a.isLoopbackAddress()) {
            return false;
          }
        }
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return true;
  }
}
