package io.lambdascope.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A Kafka node (KRaft, broker and controller in one) in a JVM of its own, so a test can kill it
 * with SIGKILL and start it again on the same data. Several make a cluster: give them the same
 * cluster id and voters.
 */
final class KafkaBrokerJvm implements AutoCloseable {
  private final Path dir;
  private final Path properties;
  private final int nodeId;
  private final int port;
  private JavaProcess process;
  private int generation;

  /**
   * Writes the node's properties and formats its storage; {@link #start()} runs it.
   *
   * @param voters {@code controller.quorum.voters} of the whole cluster
   * @param extra broker properties beyond the recipe, applied last
   */
  KafkaBrokerJvm(Path dir, String clusterId, int nodeId, int port, int controllerPort, String voters,
      Map<String, String> extra) throws IOException {
    this.dir = dir;
    this.nodeId = nodeId;
    this.port = port;
    Files.createDirectories(dir);
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", Integer.toString(nodeId));
    p.setProperty("controller.quorum.voters", voters);
    p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("log.dirs", dir.resolve("data").toString());
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    p.setProperty("log.cleaner.dedupe.buffer.size", "2097152");
    // A node killed with SIGKILL is fenced, and may come back, once its session expires: keep it short.
    p.setProperty("broker.heartbeat.interval.ms", "500");
    p.setProperty("broker.session.timeout.ms", "2000");
    extra.forEach(p::setProperty);
    properties = dir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(properties)) {
      p.store(out, "Kafka node " + nodeId + " of a test");
    }
    // Formatting needs no JVM of its own (StorageTool.execute returns instead of exiting); the node does.
    int formatted = kafka.tools.StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", properties.toString()},
        new PrintStream(OutputStream.nullOutputStream()));
    assertEquals(0, formatted, "formatting the storage of node " + nodeId + " failed");
  }

  /** Starts the node's JVM (again, after a kill); it is ready once the cluster lists it. */
  KafkaBrokerJvm start() {
    generation++;
    process = JavaProcess.start(dir.resolve("node-" + nodeId + "-" + generation + ".log"), Map.of(),
        List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), "kafka.Kafka", properties.toString());
    return this;
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill() throws InterruptedException {
    process.process().destroyForcibly();
    process.process().waitFor();
  }

  int nodeId() {
    return nodeId;
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  @Override
  public void close() {
    if (process != null) {
      process.close();
    }
  }
}
