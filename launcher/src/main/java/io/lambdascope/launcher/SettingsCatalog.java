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
          new Setting("LAMBDASCOPE_TOPIC_PARTITIONS", "3",
              "partitions of topics created when missing; spans and logs must have the same count"),
          new Setting("LAMBDASCOPE_TOPIC_REPLICATION_FACTOR", "the broker's default",
              "replication factor of topics (and the processor's changelogs) created when missing"));

  static final List<Setting> COLLECTOR =
      List.of(
          new Setting("LAMBDASCOPE_OTLP_HOST", "127.0.0.1",
              "interface to listen on"),
          new Setting("LAMBDASCOPE_OTLP_PORT", "4318",
              "port; 0 = any free port"),
          new Setting("LAMBDASCOPE_AUTH_TOKENS", "none",
              "`token=tenant` pairs separated by commas; when set, every ingestion request needs `Authorization: Bearer <token>`"),
          new Setting("LAMBDASCOPE_ALLOW_UNAUTHENTICATED", "false",
              "allow listening on a non-loopback interface without tokens"),
          new Setting("LAMBDASCOPE_TLS_CERT", "none",
              "PEM certificate chain: serve HTTPS (with `LAMBDASCOPE_TLS_KEY`)"),
          new Setting("LAMBDASCOPE_TLS_KEY", "none",
              "PEM private key (PKCS#8, or PKCS#1 RSA)"),
          new Setting("LAMBDASCOPE_MAX_REQUEST_BYTES", "4194304 (4 MiB)",
              "largest body as sent"),
          new Setting("LAMBDASCOPE_MAX_DECOMPRESSED_BYTES", "16777216 (16 MiB)",
              "largest body after gzip"),
          new Setting("LAMBDASCOPE_MAX_DECODED_MESSAGES", "250000",
              "most protobuf messages (spans, attributes, values, ...) or JSON objects and arrays in one request"),
          new Setting("LAMBDASCOPE_MAX_INFLIGHT_BYTES", "67108864 (64 MiB)",
              "request bytes (as sent plus decompressed) held until Kafka answers; must hold one largest request"),
          new Setting("LAMBDASCOPE_MAX_INFLIGHT_REQUESTS", "512",
              "requests held at once (reading, decoding or waiting for Kafka)"),
          new Setting("LAMBDASCOPE_KAFKA_TIMEOUT_MS", "10000",
              "how long a request waits for Kafka before it gets 503; also the producer's `delivery.timeout.ms` and `max.block.ms`"),
          new Setting("LAMBDASCOPE_KAFKA_START_TIMEOUT_MS", "30000",
              "how long start-up waits for Kafka and the topics"),
          new Setting("LAMBDASCOPE_SHUTDOWN_TIMEOUT_MS", "30000",
              "how long `close()` waits for in-flight requests and the producer"),
          new Setting("LAMBDASCOPE_DECODE_THREADS", "2",
              "threads that decode requests and hand them to the producer"));

  static final List<Setting> PROCESSOR =
      List.of(
          new Setting("LAMBDASCOPE_METRICS_HOST", "127.0.0.1",
              "interface of the HTTP port"),
          new Setting("LAMBDASCOPE_METRICS_PORT", "9464",
              "HTTP port: `/metrics`, `/api/invocations`, `/api/findings`, `/health/live`, `/health/ready`; `0` picks a free port"),
          new Setting("LAMBDASCOPE_APPLICATION_ID", "lambdascope-processor",
              "Kafka Streams application id (consumer group, prefix of internal topics); replicas with the same id share the work"),
          new Setting("LAMBDASCOPE_STATE_DIR", "<data dir>/processor",
              "Kafka Streams state directory (RocksDB files, checkpoints)"),
          new Setting("LAMBDASCOPE_STREAM_THREADS", "1",
              "stream threads of this replica"),
          new Setting("LAMBDASCOPE_COMMIT_INTERVAL", "100ms",
              "transaction commit interval: how fresh `/metrics` is, against broker load"),
          new Setting("LAMBDASCOPE_DEDUP_WINDOW", "24h",
              "how long a dedup key is remembered"),
          new Setting("LAMBDASCOPE_MAX_LABEL_VALUES", "20",
              "per function, distinct values of `error_type`, `service`, `operation`; the rest are `other`"),
          new Setting("LAMBDASCOPE_MAX_FUNCTIONS", "1000",
              "distinct functions per partition (task); functions beyond it are reported as function `other`, so no input grows the series without bound"),
          new Setting("LAMBDASCOPE_REPORT_WAIT", "10s",
              "how long an invocation waits for its other half (the platform report for a span, the span for a report) when the function is known to send both"),
          new Setting("LAMBDASCOPE_TIMEOUT_GRACE", "10s",
              "how long a provisional timeout record waits for the agent's correction before it counts as a timeout"),
          new Setting("LAMBDASCOPE_RECENT_INVOCATIONS", "1000",
              "capacity of the recent-invocations view behind `/api/invocations`"),
          new Setting("LAMBDASCOPE_FINDINGS_WINDOW", "1h",
              "the window findings look back over"),
          new Setting("LAMBDASCOPE_SQS_ENDPOINT", "AWS default",
              "SQS endpoint override for the DLQ watcher (ElasticMQ: `http://127.0.0.1:9324`)"),
          new Setting("LAMBDASCOPE_SQS_REGION", "AWS_REGION, else us-east-1",
              "SQS region"),
          new Setting("LAMBDASCOPE_DLQ_QUEUES", "none",
              "dead-letter queues to watch: `queue[=function],...`, queue as name or URL"),
          new Setting("LAMBDASCOPE_SQS_SOURCE_QUEUES", "none",
              "source queues and the function that consumes each: `queue=function,...`; their RedrivePolicy names the DLQ to watch, and their visibility timeout feeds a finding"),
          new Setting("LAMBDASCOPE_DLQ_POLL_INTERVAL", "30s",
              "how often the DLQ watcher polls"),
          new Setting("LAMBDASCOPE_DLQ_AGE_MODE", "observe",
              "how the oldest-message age is measured: observe or peek (docs/processor.md)"));

  static final List<Setting> EMULATOR =
      List.of(
          new Setting("LAMBDASCOPE_FUNCTIONS", "--config", "demo",
              "functions file (docs/emulator.md), or demo for the built-in demo functions"),
          new Setting("LAMBDASCOPE_EXAMPLES_JAR", "examples/target/lambdascope-examples.jar",
              "the examples' function jar (used by the demo functions file)"),
          new Setting("LAMBDASCOPE_INVOKE_PORT", "9001",
              "Invoke API port (0 = any free port)"),
          new Setting("LAMBDASCOPE_SQS_PORT", "9324",
              "ElasticMQ port (0 = any free port)"),
          new Setting("LAMBDASCOPE_AGENT_JAR", "agent/target/lambdascope-agent.jar",
              "agent jar attached to every environment with JAVA_TOOL_OPTIONS=-javaagent:; none runs functions without it"),
          new Setting("LAMBDASCOPE_ENDPOINT", "http://127.0.0.1:4318 (demo: its own collector)",
              "collector: platform events, and the agent's endpoint"),
          new Setting("LAMBDASCOPE_TOKEN", "none",
              "bearer token for the collector (platform events and agent)"),
          new Setting("LAMBDASCOPE_PLATFORM_EVENTS", "true",
              "`false` sends no platform events"),
          new Setting("LAMBDASCOPE_IDLE_RECLAIM", "60s",
              "idle time after which an environment is reclaimed"),
          new Setting("LAMBDASCOPE_INIT_TIMEOUT", "30s",
              "longest init (process start to first `next`); Lambda allows 10 s, a loaded laptop needs more"),
          new Setting("LAMBDASCOPE_ASYNC_RETRY_DELAY", "1s",
              "delay before the first async retry (doubled for the second)"),
          new Setting("LAMBDASCOPE_SQS_RATE_LIMIT", "5",
              "requests per second the functions' SQS endpoint accepts before throttling"),
          new Setting("LAMBDASCOPE_REGION", "us-east-1",
              "region in ARNs and `AWS_REGION`"),
          new Setting("LAMBDASCOPE_EMULATOR_LOG_DIR", "a new temporary folder",
              "environments' stdout/stderr, one file per function"));

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
