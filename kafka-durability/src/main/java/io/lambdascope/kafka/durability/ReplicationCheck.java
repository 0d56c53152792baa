package io.lambdascope.kafka.durability;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a write Kafka acknowledged could live on one disk only. With {@code acks=all} Kafka
 * acknowledges once every in-sync replica holds the write, which is one broker when the replication
 * factor is 1, or when {@code min.insync.replicas} is 1 and the followers have fallen out of sync.
 * Checked at start against the cluster, and said in one line per group of topics with the same
 * settings: a loud warning for a real cluster, a quiet line for a single broker on this machine (the
 * laptop setup, where one disk is all there is).
 */
public final class ReplicationCheck {
  private static final Logger log = LoggerFactory.getLogger(ReplicationCheck.class);

  /** One line to log: a warning or not. */
  public record Finding(boolean warning, String message) {}

  private final String record;
  private final String refused;
  private final String creationSetting;

  /**
   * @param record what one acknowledged write is, in the findings' words (the collector: {@code span})
   * @param refused what follows when Kafka refuses every write (the collector: {@code the collector answers 503})
   * @param creationSetting the setting that gives topics still to be created their replication factor, named in
   *     the warning about them; null when the service has none
   */
  public ReplicationCheck(String record, String refused, String creationSetting) {
    this.record = requireNonNull(record, "record");
    this.refused = requireNonNull(refused, "refused");
    this.creationSetting = creationSetting;
  }

  /** Logs the findings; returns them for the tests. */
  public List<Finding> report(List<TopicReplication> topics, int brokers, String bootstrapServers) {
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
  public List<Finding> check(List<TopicReplication> topics, int brokers, boolean localBroker) {
    Map<String, List<TopicReplication>> groups = new LinkedHashMap<>();
    for (TopicReplication t : topics) {
      groups.computeIfAbsent(t.replicationFactor() + "/" + t.minInsyncReplicas(), k -> new ArrayList<>()).add(t);
    }
    List<Finding> findings = new ArrayList<>();
    for (List<TopicReplication> group : groups.values()) {
      findings.add(finding(group, brokers, localBroker));
    }
    return findings;
  }

  private Finding finding(List<TopicReplication> group, int brokers, boolean localBroker) {
    int rf = group.get(0).replicationFactor();
    int minIsr = group.get(0).minInsyncReplicas();
    List<String> names = group.stream().map(TopicReplication::label).toList();
    String which = (names.size() == 1 ? "Kafka topic " : "Kafka topics ") + String.join(", ", names)
        + ": replication factor " + rf + ", min.insync.replicas " + minIsr;
    if (rf == 1 && brokers == 1 && localBroker) {
      return new Finding(false, which + " on a single local broker (the laptop setup): acknowledged "
          + "telemetry lives on this machine's disk only; a production cluster wants replication factor 3 and "
          + "min.insync.replicas=2");
    } else if (rf == 1) {
      boolean toBeCreated = group.stream().anyMatch(t -> !t.exists());
      return new Finding(true, "DURABILITY RISK: " + which + ": every acknowledged " + record + " lives on one "
          + "broker's disk only and is lost with it; use replication factor 3 and min.insync.replicas=2"
          + (toBeCreated && creationSetting != null
              ? " (for topics to be created, set " + creationSetting + "=3 before the first start)" : ""));
    } else if (minIsr <= 1) {
      return new Finding(true, "DURABILITY RISK: " + which + ": with acks=all Kafka acknowledges a write "
          + "that only the leader holds once the followers fall behind, so an acknowledged " + record + " can live "
          + "on one disk only; set min.insync.replicas=2");
    } else if (minIsr > rf) {
      return new Finding(true, "KAFKA MISCONFIGURED: " + which + ": min.insync.replicas exceeds the "
          + "replication factor, so Kafka refuses every write (" + refused + "); lower min.insync.replicas to at "
          + "most " + rf);
    }
    return new Finding(false, which + ": an acknowledged " + record + " is on at least " + minIsr + " brokers");
  }

  /** Whether every {@code host:port} of the bootstrap list resolves to loopback only. */
  public static boolean allLoopback(String bootstrapServers) {
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
