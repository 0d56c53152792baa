package io.lambdascope.settings;

import java.nio.file.Path;
import java.util.List;

/**
 * The settings of the Kafka connection and topics, read by the collector and the processor alike,
 * so declared here, once.
 */
public final class KafkaSettings {
  private static final String TOPIC_NAME = "[a-zA-Z0-9._-]{1,249}";

  public static final Setting<List<HostPort>> BOOTSTRAP_SERVERS =
      Setting.hostPorts("KAFKA_BOOTSTRAP_SERVERS",
              "Kafka cluster to use; when unset, `all` and `demo` start a single-node broker in process")
          .defaultText("unset: embedded broker");

  public static final Setting<Path> CONFIG =
      Setting.path("LAMBDASCOPE_KAFKA_CONFIG", null,
          "Kafka client .properties file (SASL, SSL) used by the collector and the processor");

  public static final Setting<String> TOPIC_SPANS = topic("LAMBDASCOPE_TOPIC_SPANS", "otlp_spans", "topic of OTLP spans");

  public static final Setting<String> TOPIC_METRICS =
      topic("LAMBDASCOPE_TOPIC_METRICS", "otlp_metrics", "topic of OTLP metrics");

  public static final Setting<String> TOPIC_LOGS =
      topic("LAMBDASCOPE_TOPIC_LOGS", "otlp_logs", "topic of OTLP logs and platform events");

  public static final Setting<Integer> TOPIC_PARTITIONS =
      Setting.integer("LAMBDASCOPE_TOPIC_PARTITIONS", 3, 1, 100_000,
          "partitions of topics created when missing; spans and logs must have the same count");

  /** -1 leaves it to the broker. */
  public static final Setting<Integer> TOPIC_REPLICATION_FACTOR =
      Setting.integer("LAMBDASCOPE_TOPIC_REPLICATION_FACTOR", -1, -1, Short.MAX_VALUE,
              "replication factor of topics (and the processor's changelogs) created when missing")
          .matching(v -> v != 0, "-1 for the broker's default, not 0")
          .defaultText("the broker's default");

  /** In the order docs/configuration.md lists them. */
  public static final List<Setting<?>> ALL =
      List.of(BOOTSTRAP_SERVERS, CONFIG, TOPIC_SPANS, TOPIC_METRICS, TOPIC_LOGS, TOPIC_PARTITIONS,
          TOPIC_REPLICATION_FACTOR);

  private KafkaSettings() {}

  private static Setting<String> topic(String name, String defaultValue, String description) {
    return Setting.text(name, defaultValue, description)
        .matching(t -> t.matches(TOPIC_NAME), "a Kafka topic name: up to 249 letters, digits, '.', '_' and '-'");
  }

  /** The bootstrap servers as Kafka clients take them: {@code host:port,host:port}. */
  public static String bootstrapServers(List<HostPort> servers) {
    return BOOTSTRAP_SERVERS.format(servers);
  }
}
