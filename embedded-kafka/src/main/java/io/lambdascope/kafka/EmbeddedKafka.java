package io.lambdascope.kafka;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker (KRaft, combined broker and controller) running in this JVM, bound to
 * loopback, with its data in a directory that survives restarts.
 *
 * <p>It is what {@code lambdascope all} runs when no {@code KAFKA_BOOTSTRAP_SERVERS} is given, and
 * the broker the tests start. Build one with {@link #builder(Path)}.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final Path dataDir;
  private final int port;
  private final KafkaRaftServer server;
  private boolean stopped;

  private EmbeddedKafka(Path dataDir, int port, KafkaRaftServer server) {
    this.dataDir = dataDir;
    this.port = port;
    this.server = server;
  }

  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  /** {@code host:port} for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public Path dataDir() {
    return dataDir;
  }

  @Override
  public synchronized void close() {
    if (stopped) {
      return;
    }
    stopped = true;
    server.shutdown();
    server.awaitShutdown();
    log.info("embedded Kafka stopped");
  }

  /** Settings for an {@link EmbeddedKafka}; every port defaults to a free loopback port. */
  public static final class Builder {
    private final Path dataDir;
    private int port;
    private int controllerPort;
    private int partitions = 3;
    private final Properties overrides = new Properties();

    private Builder(Path dataDir) {
      this.dataDir = requireNonNull(dataDir, "dataDir");
    }

    /** The client port on 127.0.0.1; 0 (the default) picks a free one. */
    public Builder port(int port) {
      this.port = checkPort(port, "port");
      return this;
    }

    /** The KRaft controller port on 127.0.0.1; 0 (the default) picks a free one. */
    public Builder controllerPort(int controllerPort) {
      this.controllerPort = checkPort(controllerPort, "controllerPort");
      return this;
    }

    /** Partitions of topics created automatically; default 3. */
    public Builder defaultPartitions(int partitions) {
      if (partitions < 1) {
        throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
      }
      this.partitions = partitions;
      return this;
    }

    /** Any broker property, applied last. */
    public Builder property(String key, String value) {
      overrides.setProperty(requireNonNull(key, "key"), requireNonNull(value, "value"));
      return this;
    }

    /** Formats the data directory if it is new, and starts the broker. */
    public EmbeddedKafka start() {
      int clientPort = port == 0 ? freePort() : port;
      int quorumPort = controllerPort == 0 ? freePort() : controllerPort;
      Path logDir = dataDir.toAbsolutePath().resolve("log");
      try {
        Files.createDirectories(logDir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create Kafka data directory " + logDir, e);
      }
      Properties props = brokerProperties(logDir, clientPort, quorumPort);
      format(props, clusterId(dataDir.toAbsolutePath()));
      KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
      server.startup();
      log.info("embedded Kafka started on 127.0.0.1:{}, data in {}", clientPort, logDir);
      return new EmbeddedKafka(dataDir, clientPort, server);
    }

    private Properties brokerProperties(Path logDir, int clientPort, int quorumPort) {
      Properties p = new Properties();
      p.setProperty("process.roles", "broker,controller");
      p.setProperty("node.id", "1");
      p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + quorumPort);
      p.setProperty(
          "listeners", "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + quorumPort);
      p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort);
      p.setProperty("controller.listener.names", "CONTROLLER");
      p.setProperty("inter.broker.listener.name", "PLAINTEXT");
      p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      p.setProperty("log.dirs", logDir.toString());
      p.setProperty("num.partitions", Integer.toString(partitions));
      for (String topic : new String[] {"offsets.topic", "transaction.state.log", "share.coordinator.state.topic"}) {
        p.setProperty(topic + ".replication.factor", "1");
      }
      p.setProperty("transaction.state.log.min.isr", "1");
      p.setProperty("share.coordinator.state.topic.min.isr", "1");
      p.setProperty("offsets.topic.num.partitions", "3");
      p.setProperty("transaction.state.log.num.partitions", "3");
      p.setProperty("group.initial.rebalance.delay.ms", "0");
      // The cleaner's default 128 MiB dedupe buffer is most of a small heap.
      p.setProperty("log.cleaner.dedupe.buffer.size", "2097152");
      p.setProperty("auto.create.topics.enable", "true");
      p.putAll(overrides);
      return p;
    }

    /** The cluster id is kept beside the data so a restart reuses the formatted directory. */
    private static String clusterId(Path dataDir) {
      Path idFile = dataDir.resolve("cluster.id");
      try {
        if (Files.exists(idFile)) {
          return Files.readString(idFile, StandardCharsets.UTF_8).trim();
        }
        String id = Uuid.randomUuid().toString();
        Files.writeString(idFile, id, StandardCharsets.UTF_8);
        return id;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read or write " + idFile, e);
      }
    }

    private void format(Properties props, String clusterId) {
      Path propsFile = dataDir.toAbsolutePath().resolve("server.properties");
      try (OutputStream out = Files.newOutputStream(propsFile)) {
        props.store(out, "written by Lambdascope's embedded Kafka at each start");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + propsFile, e);
      }
      PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
      int rc;
      try {
        rc = StorageTool.execute(
            new String[] {"format", "-t", clusterId, "-c", propsFile.toString(), "--ignore-formatted"},
            quiet);
      } catch (Exception e) {
        throw new IllegalStateException("cannot format Kafka storage in " + dataDir, e);
      }
      if (rc != 0) {
        throw new IllegalStateException("formatting Kafka storage in " + dataDir + " failed: exit " + rc);
      }
    }

    private static int checkPort(int port, String name) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(name + " out of range: " + port);
      }
      return port;
    }
  }

  /** A free port on loopback, for servers that need to know theirs before they bind. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }
}
