package io.lambdascope.launcher;

import java.util.ArrayList;
import java.util.List;

/**
 * Every setting the launcher accepts, grouped by the part that reads it. docs/configuration.md is
 * the same list for people; {@code SettingsCatalogTest} keeps the two in step.
 */
final class SettingsCatalog {
  private SettingsCatalog() {}

  static final List<Setting> KAFKA =
      List.of(
          new Setting("KAFKA_BOOTSTRAP_SERVERS", "unset: embedded broker",
              "Kafka cluster to use; when unset, `all` and `demo` start a single-node broker in process"),
          new Setting("LAMBDASCOPE_KAFKA_CONFIG", "none",
              "Kafka client .properties file (SASL, SSL) used by the collector and the processor"),
          new Setting("LAMBDASCOPE_DATA_DIR", "./data",
              "where the embedded broker (kafka/) and the processor's state (processor/) live"),
          new Setting("LAMBDASCOPE_KAFKA_PORT", "9092", "embedded broker: client port on 127.0.0.1"),
          new Setting("LAMBDASCOPE_KAFKA_CONTROLLER_PORT", "9093",
              "embedded broker: KRaft controller port on 127.0.0.1"),
          new Setting("LAMBDASCOPE_TOPIC_SPANS", "otlp_spans", "topic of OTLP spans"),
          new Setting("LAMBDASCOPE_TOPIC_METRICS", "otlp_metrics", "topic of OTLP metrics"),
          new Setting("LAMBDASCOPE_TOPIC_LOGS", "otlp_logs", "topic of OTLP logs and platform events"),
          new Setting("LAMBDASCOPE_TOPIC_PARTITIONS", "3", "partitions of topics created when missing"));

  static final List<Setting> COLLECTOR =
      List.of(
          new Setting("LAMBDASCOPE_OTLP_HOST", "127.0.0.1",
              "interface the collector listens on; any other than loopback needs tokens or LAMBDASCOPE_ALLOW_UNAUTHENTICATED"),
          new Setting("LAMBDASCOPE_OTLP_PORT", "4318", "OTLP/HTTP port of the collector (also /metrics, /health/*)"),
          new Setting("LAMBDASCOPE_AUTH_TOKENS", "none",
              "bearer tokens and their tenants: token1=tenantA,token2=tenantB"),
          new Setting("LAMBDASCOPE_ALLOW_UNAUTHENTICATED", "false",
              "true to listen on a non-loopback interface without tokens"));

  static final List<Setting> PROCESSOR =
      List.of(
          new Setting("LAMBDASCOPE_METRICS_HOST", "127.0.0.1", "interface of the processor's HTTP port"),
          new Setting("LAMBDASCOPE_METRICS_PORT", "9464",
              "processor HTTP port: /metrics, /api/invocations, /api/findings, /health/*"),
          new Setting("LAMBDASCOPE_APPLICATION_ID", "lambdascope-processor",
              "Kafka Streams application id; replicas with the same id share the work"),
          new Setting("LAMBDASCOPE_STATE_DIR", "<data dir>/processor", "Kafka Streams state directory"),
          new Setting("LAMBDASCOPE_DEDUP_WINDOW", "24h", "how long a dedup key is remembered"),
          new Setting("LAMBDASCOPE_SQS_ENDPOINT", "AWS default", "SQS endpoint for the DLQ watcher"),
          new Setting("LAMBDASCOPE_DLQ_QUEUES", "none", "dead-letter queues to watch (names or URLs, comma separated)"),
          new Setting("LAMBDASCOPE_SQS_SOURCE_QUEUES", "none",
              "source queues and their consuming function: queue=function,...; their RedrivePolicy names more DLQs"));

  static final List<Setting> EMULATOR =
      List.of(
          new Setting("LAMBDASCOPE_FUNCTIONS", "--config", "demo",
              "functions file (docs/emulator.md); 'demo' is the built-in file of the example functions"),
          new Setting("LAMBDASCOPE_INVOKE_PORT", "9001", "Lambda Invoke API port (AWS SDK LambdaClient endpoint)"),
          new Setting("LAMBDASCOPE_SQS_PORT", "9324", "port of the embedded SQS (ElasticMQ)"),
          new Setting("LAMBDASCOPE_AGENT_JAR", "agent/target/lambdascope-agent.jar",
              "agent attached to every execution environment; 'none' runs functions without it"),
          new Setting("LAMBDASCOPE_ENDPOINT", "http://127.0.0.1:4318 (demo: its collector)",
              "collector that agents and platform events are sent to"),
          new Setting("LAMBDASCOPE_IDLE_RECLAIM", "60s", "an execution environment idle this long is stopped"),
          new Setting("LAMBDASCOPE_EMULATOR_LOG_DIR", "none", "folder for the execution environments' output"));

  static final List<Setting> DEMO =
      List.of(
          new Setting("LAMBDASCOPE_DEMO_SCENARIO", "--scenario", "default", "scenario: default, smoke, or a file"),
          new Setting("LAMBDASCOPE_DEMO_DURATION", "--duration", "the scenario's own",
              "total scenario time, phases scaled to fit (for example 90s, 5m)"),
          new Setting("LAMBDASCOPE_DEMO_PROMETHEUS", "--prometheus", "auto",
              "auto: start Prometheus and Alertmanager with the project's rules when installed; off: do not"),
          new Setting("LAMBDASCOPE_DEMO_EXIT", "--exit-when-done", "false",
              "true: stop everything when the scenario ends instead of waiting for Ctrl-C"));

  static final List<Setting> TAIL =
      List.of(
          new Setting("LAMBDASCOPE_PROCESSOR_URL", "http://127.0.0.1:9464", "processor to read invocations from"),
          new Setting("LAMBDASCOPE_TAIL_FUNCTION", "--function", "all", "only this function's invocations"),
          new Setting("LAMBDASCOPE_TAIL_OUTCOME", "--outcome", "all", "only this outcome: success, error or timeout"),
          new Setting("LAMBDASCOPE_TAIL_FOLLOW", "--follow", "true", "false: print the recent invocations and exit"));

  static List<Setting> of(List<Setting>... groups) {
    List<Setting> all = new ArrayList<>();
    for (List<Setting> g : groups) {
      all.addAll(g);
    }
    return List.copyOf(all);
  }
}
