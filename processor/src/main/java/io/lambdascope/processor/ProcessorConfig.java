package io.lambdascope.processor;

import static java.util.Objects.requireNonNull;

import io.lambdascope.settings.KafkaSettings;
import io.lambdascope.settings.Setting;
import io.lambdascope.settings.Settings;
import io.lambdascope.settings.Units;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Everything the processor needs to run. Build it from environment-variable names with {@link
 * #fromSettings(Map)}, or with {@link #builder()} in tests. The settings are declared below (the
 * Kafka ones in {@link KafkaSettings}); docs/configuration.md lists them.
 */
public final class ProcessorConfig {
  /** How the DLQ watcher measures the age of a queue's oldest message. */
  public enum DlqAgeMode {
    /** Time since the watcher first saw the queue non-empty: no SQS side effects. */
    OBSERVE,
    /** Receives up to 10 messages with visibility timeout 0 and reads SentTimestamp. */
    PEEK
  }

  public static final Setting<String> METRICS_HOST =
      Setting.host("LAMBDASCOPE_METRICS_HOST", "127.0.0.1", "interface of the HTTP port");
  public static final Setting<Integer> METRICS_PORT =
      Setting.port("LAMBDASCOPE_METRICS_PORT", 9464,
          "HTTP port: `/metrics`, `/api/invocations`, `/api/findings`, `/health/live`, `/health/ready`; "
              + "`0` picks a free port");
  public static final Setting<String> APPLICATION_ID =
      Setting.text("LAMBDASCOPE_APPLICATION_ID", "lambdascope-processor",
          "Kafka Streams application id (consumer group, prefix of internal topics); replicas with the same id "
              + "share the work");
  public static final Setting<Path> STATE_DIR =
      Setting.path("LAMBDASCOPE_STATE_DIR", Path.of("data", "processor"),
          "Kafka Streams state directory (RocksDB files, checkpoints)");
  public static final Setting<Integer> STREAM_THREADS =
      Setting.integer("LAMBDASCOPE_STREAM_THREADS", 1, 1, 256, "stream threads of this replica");
  public static final Setting<Duration> COMMIT_INTERVAL =
      Setting.duration("LAMBDASCOPE_COMMIT_INTERVAL", Duration.ofMillis(100),
          "transaction commit interval: how fresh `/metrics` is, against broker load");
  public static final Setting<Duration> DEDUP_WINDOW =
      Setting.duration("LAMBDASCOPE_DEDUP_WINDOW", Duration.ofHours(24), "how long a dedup key is remembered");
  public static final Setting<Integer> MAX_LABEL_VALUES =
      Setting.integer("LAMBDASCOPE_MAX_LABEL_VALUES", 20, 1, Integer.MAX_VALUE,
          "per function, distinct values of `error_type`, `service`, `operation`; the rest are `other`");
  public static final Setting<Integer> MAX_FUNCTIONS =
      Setting.integer("LAMBDASCOPE_MAX_FUNCTIONS", 1000, 1, Integer.MAX_VALUE,
          "distinct functions per partition (task); functions beyond it are reported as function `other`, so no "
              + "input grows the series without bound");
  public static final Setting<Duration> REPORT_WAIT =
      Setting.duration("LAMBDASCOPE_REPORT_WAIT", Duration.ofSeconds(10),
          "how long an invocation waits for its other half (the platform report for a span, the span for a "
              + "report) when the function is known to send both");
  public static final Setting<Duration> TIMEOUT_GRACE =
      Setting.duration("LAMBDASCOPE_TIMEOUT_GRACE", Duration.ofSeconds(10),
          "how long a provisional timeout record waits for the agent's correction before it counts as a timeout");
  public static final Setting<Duration> LATE_REPORT_WINDOW =
      Setting.duration("LAMBDASCOPE_LATE_REPORT_WINDOW", Duration.ofHours(1),
          "how long an invocation decided without its platform report still takes the report's figures (billed "
              + "duration, memory, init) when the report comes late; about the longest an idle environment lives");
  public static final Setting<Duration> FUNCTION_TTL =
      Setting.duration("LAMBDASCOPE_FUNCTION_TTL", Duration.ofDays(7),
          "a function not seen for this long is forgotten: its state, series and label values leave the stores "
              + "and `/metrics`, and its slot under `LAMBDASCOPE_MAX_FUNCTIONS` is free again");
  public static final Setting<Integer> STANDBY_REPLICAS =
      Setting.integer("LAMBDASCOPE_STANDBY_REPLICAS", 1, 0, 10,
          "warm copies of each task's state kept on other replicas (Kafka Streams `num.standby.replicas`), so a "
              + "failover does not wait for a full restore; takes effect with more than one replica");
  public static final Setting<Integer> RECENT_INVOCATIONS =
      Setting.integer("LAMBDASCOPE_RECENT_INVOCATIONS", 1000, 1, Integer.MAX_VALUE,
          "capacity of the recent-invocations view behind `/api/invocations`");
  public static final Setting<Duration> FINDINGS_WINDOW =
      Setting.duration("LAMBDASCOPE_FINDINGS_WINDOW", Duration.ofHours(1), "the window findings look back over");
  public static final Setting<URI> SQS_ENDPOINT =
      Setting.url("LAMBDASCOPE_SQS_ENDPOINT", null,
              "SQS endpoint override for the DLQ watcher (ElasticMQ: `http://127.0.0.1:9324`)")
          .defaultText("AWS default");
  public static final Setting<String> SQS_REGION =
      Setting.text("LAMBDASCOPE_SQS_REGION", null, "SQS region").defaultText("AWS_REGION, else us-east-1");
  public static final Setting<Map<String, String>> DLQ_QUEUES =
      Setting.pairs("LAMBDASCOPE_DLQ_QUEUES", "queue", "function", true,
          "dead-letter queues to watch: `queue[=function],...`, queue as name or URL");
  public static final Setting<Map<String, String>> SQS_SOURCE_QUEUES =
      Setting.pairs("LAMBDASCOPE_SQS_SOURCE_QUEUES", "queue", "function", false,
          "source queues and the function that consumes each: `queue=function,...`; their RedrivePolicy names "
              + "the DLQ to watch, and their visibility timeout feeds a finding");
  public static final Setting<Duration> DLQ_POLL_INTERVAL =
      Setting.duration("LAMBDASCOPE_DLQ_POLL_INTERVAL", Duration.ofSeconds(30), "how often the DLQ watcher polls");
  public static final Setting<DlqAgeMode> DLQ_AGE_MODE =
      Setting.choice("LAMBDASCOPE_DLQ_AGE_MODE", DlqAgeMode.class, DlqAgeMode.OBSERVE,
          "how the oldest-message age is measured: observe or peek (docs/processor.md)");

  /** The processor's own settings, in the order docs/configuration.md lists them; it also reads {@link KafkaSettings#ALL}. */
  public static final List<Setting<?>> SETTINGS =
      List.of(METRICS_HOST, METRICS_PORT, APPLICATION_ID, STATE_DIR, STREAM_THREADS, COMMIT_INTERVAL, DEDUP_WINDOW,
          MAX_LABEL_VALUES, MAX_FUNCTIONS, REPORT_WAIT, TIMEOUT_GRACE, LATE_REPORT_WINDOW, FUNCTION_TTL,
          STANDBY_REPLICAS, RECENT_INVOCATIONS, FINDINGS_WINDOW,
          SQS_ENDPOINT, SQS_REGION, DLQ_QUEUES, SQS_SOURCE_QUEUES, DLQ_POLL_INTERVAL, DLQ_AGE_MODE);

  // AWS's own variables, read from the environment only (no flags: the AWS SDK and CLI read them too).
  private static final Setting<String> AWS_REGION = Setting.text("AWS_REGION", "us-east-1", "AWS region");
  private static final Setting<String> AWS_ACCESS_KEY_ID = Setting.secret("AWS_ACCESS_KEY_ID", "AWS access key id");
  private static final Setting<String> AWS_SECRET_ACCESS_KEY =
      Setting.secret("AWS_SECRET_ACCESS_KEY", "AWS secret access key");

  private final String bootstrapServers;
  private final Path kafkaConfigFile;
  private final Properties kafkaProperties;
  private final String spansTopic;
  private final String logsTopic;
  private final int topicPartitions;
  private final short topicReplication;
  private final String metricsHost;
  private final int metricsPort;
  private final String applicationId;
  private final Path stateDir;
  private final int streamThreads;
  private final Duration commitInterval;
  private final Duration dedupWindow;
  private final int maxLabelValues;
  private final int maxFunctions;
  private final Duration reportWait;
  private final Duration timeoutGrace;
  private final Duration lateReportWindow;
  private final Duration functionTtl;
  private final int standbyReplicas;
  private final int recentInvocations;
  private final Duration findingsWindow;
  private final URI sqsEndpoint;
  private final String sqsRegion;
  private final String sqsAccessKeyId;
  private final String sqsSecretAccessKey;
  private final Map<String, String> dlqQueues;
  private final Map<String, String> sourceQueues;
  private final Duration dlqPollInterval;
  private final DlqAgeMode dlqAgeMode;

  private ProcessorConfig(Builder b) {
    this.bootstrapServers = requireNonNull(b.bootstrapServers, "bootstrapServers");
    this.kafkaConfigFile = b.kafkaConfigFile;
    this.kafkaProperties = new Properties();
    this.kafkaProperties.putAll(b.kafkaProperties);
    this.spansTopic = b.spansTopic;
    this.logsTopic = b.logsTopic;
    this.topicPartitions = b.topicPartitions;
    this.topicReplication = b.topicReplication;
    this.metricsHost = b.metricsHost;
    this.metricsPort = b.metricsPort;
    this.applicationId = b.applicationId;
    this.stateDir = b.stateDir;
    this.streamThreads = b.streamThreads;
    this.commitInterval = b.commitInterval;
    this.dedupWindow = b.dedupWindow;
    this.maxLabelValues = b.maxLabelValues;
    this.maxFunctions = b.maxFunctions;
    this.reportWait = b.reportWait;
    this.timeoutGrace = b.timeoutGrace;
    this.lateReportWindow = b.lateReportWindow;
    this.functionTtl = b.functionTtl;
    this.standbyReplicas = b.standbyReplicas;
    this.recentInvocations = b.recentInvocations;
    this.findingsWindow = b.findingsWindow;
    this.sqsEndpoint = b.sqsEndpoint;
    this.sqsRegion = b.sqsRegion;
    this.sqsAccessKeyId = b.sqsAccessKeyId;
    this.sqsSecretAccessKey = b.sqsSecretAccessKey;
    this.dlqQueues = Collections.unmodifiableMap(new LinkedHashMap<>(b.dlqQueues));
    this.sourceQueues = Collections.unmodifiableMap(new LinkedHashMap<>(b.sourceQueues));
    this.dlqPollInterval = b.dlqPollInterval;
    this.dlqAgeMode = b.dlqAgeMode;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads the settings by environment-variable name (the launcher passes the environment overlaid
   * with its flags). Unknown names are ignored; a malformed value fails with a message that names
   * the setting.
   */
  public static ProcessorConfig fromSettings(Map<String, String> settings) {
    Settings s = Settings.of(requireNonNull(settings, "settings"));
    Builder b = builder()
        .bootstrapServers(KafkaSettings.bootstrapServers(s.require(KafkaSettings.BOOTSTRAP_SERVERS)))
        .spansTopic(s.get(KafkaSettings.TOPIC_SPANS))
        .logsTopic(s.get(KafkaSettings.TOPIC_LOGS))
        .topicPartitions(s.get(KafkaSettings.TOPIC_PARTITIONS))
        .topicReplication(s.get(KafkaSettings.TOPIC_REPLICATION_FACTOR).shortValue())
        .metricsHost(s.get(METRICS_HOST))
        .metricsPort(s.get(METRICS_PORT))
        .applicationId(s.get(APPLICATION_ID))
        .stateDir(s.get(STATE_DIR))
        .streamThreads(s.get(STREAM_THREADS))
        .commitInterval(s.get(COMMIT_INTERVAL))
        .dedupWindow(s.get(DEDUP_WINDOW))
        .maxLabelValues(s.get(MAX_LABEL_VALUES))
        .maxFunctions(s.get(MAX_FUNCTIONS))
        .reportWait(s.get(REPORT_WAIT))
        .timeoutGrace(s.get(TIMEOUT_GRACE))
        .lateReportWindow(s.get(LATE_REPORT_WINDOW))
        .functionTtl(s.get(FUNCTION_TTL))
        .standbyReplicas(s.get(STANDBY_REPLICAS))
        .recentInvocations(s.get(RECENT_INVOCATIONS))
        .findingsWindow(s.get(FINDINGS_WINDOW))
        .sqsRegion(s.find(SQS_REGION).orElseGet(() -> s.get(AWS_REGION)))
        .dlqQueues(s.get(DLQ_QUEUES))
        .sourceQueues(s.get(SQS_SOURCE_QUEUES))
        .dlqPollInterval(s.get(DLQ_POLL_INTERVAL))
        .dlqAgeMode(s.get(DLQ_AGE_MODE));
    s.find(KafkaSettings.CONFIG).ifPresent(b::kafkaConfigFile);
    s.find(SQS_ENDPOINT).ifPresent(b::sqsEndpoint);
    if (s.isSet(AWS_ACCESS_KEY_ID) && s.isSet(AWS_SECRET_ACCESS_KEY)) {
      b.sqsCredentials(s.get(AWS_ACCESS_KEY_ID), s.get(AWS_SECRET_ACCESS_KEY));
    }
    return b.build();
  }

  /** One line for the start-up log; secrets are masked, the Kafka client file is named, not read out. */
  public String describe() {
    return "processor application.id=" + applicationId
        + " kafka=" + bootstrapServers
        + (kafkaConfigFile == null ? "" : " kafka-config=" + kafkaConfigFile)
        + " topics=" + spansTopic + "," + logsTopic + " (partitions " + topicPartitions + ")"
        + " http=" + metricsHost + ":" + metricsPort
        + " state=" + stateDir
        + " threads=" + streamThreads
        + " commit=" + Units.formatDuration(commitInterval)
        + " dedup-window=" + Units.formatDuration(dedupWindow)
        + " max-label-values=" + maxLabelValues
        + " max-functions=" + maxFunctions
        + " report-wait=" + Units.formatDuration(reportWait)
        + " timeout-grace=" + Units.formatDuration(timeoutGrace)
        + " late-report-window=" + Units.formatDuration(lateReportWindow)
        + " function-ttl=" + Units.formatDuration(functionTtl)
        + " standby-replicas=" + standbyReplicas
        + " dlq=" + (dlqWatcherEnabled()
            ? "queues " + dlqQueues.keySet() + " sources " + sourceQueues
                + " every " + Units.formatDuration(dlqPollInterval) + " age " + DLQ_AGE_MODE.show(dlqAgeMode)
                + (sqsEndpoint == null ? "" : " endpoint " + sqsEndpoint)
                + " region " + sqsRegion
                + (sqsAccessKeyId == null ? "" : " key " + mask(sqsAccessKeyId) + " secret ****")
            : "off");
  }

  private static String mask(String value) {
    return value.length() <= 4 ? "****" : value.substring(0, 4) + "****";
  }

  public boolean dlqWatcherEnabled() {
    return !dlqQueues.isEmpty() || !sourceQueues.isEmpty();
  }

  public String bootstrapServers() { return bootstrapServers; }
  /** The client properties file (SASL/SSL), or null. */
  public Path kafkaConfigFile() { return kafkaConfigFile; }
  /** Client properties from {@link #kafkaConfigFile()} and the builder, passed to every Kafka client. */
  public Properties kafkaProperties() {
    Properties copy = new Properties();
    copy.putAll(kafkaProperties);
    return copy;
  }
  public String spansTopic() { return spansTopic; }
  public String logsTopic() { return logsTopic; }
  public int topicPartitions() { return topicPartitions; }
  /** Replication factor of topics the processor creates; -1 means the broker's default. */
  public short topicReplication() { return topicReplication; }
  public String metricsHost() { return metricsHost; }
  public int metricsPort() { return metricsPort; }
  public String applicationId() { return applicationId; }
  public Path stateDir() { return stateDir; }
  public int streamThreads() { return streamThreads; }
  public Duration commitInterval() { return commitInterval; }
  public Duration dedupWindow() { return dedupWindow; }
  public int maxLabelValues() { return maxLabelValues; }
  /** Distinct functions per partition; more are reported as function "other". */
  public int maxFunctions() { return maxFunctions; }
  public Duration reportWait() { return reportWait; }
  public Duration timeoutGrace() { return timeoutGrace; }
  public Duration lateReportWindow() { return lateReportWindow; }
  public Duration functionTtl() { return functionTtl; }
  public int standbyReplicas() { return standbyReplicas; }
  public int recentInvocations() { return recentInvocations; }
  public Duration findingsWindow() { return findingsWindow; }
  /** SQS endpoint override (ElasticMQ), or null for the region's endpoint. */
  public URI sqsEndpoint() { return sqsEndpoint; }
  public String sqsRegion() { return sqsRegion; }
  /** Static credentials, or null to use the default credential chain. */
  public String sqsAccessKeyId() { return sqsAccessKeyId; }
  public String sqsSecretAccessKey() { return sqsSecretAccessKey; }
  /** Dead-letter queues watched directly: queue name or URL to function name ("" when unknown). */
  public Map<String, String> dlqQueues() { return dlqQueues; }
  /** Source queues (name or URL) to the function that consumes them; their RedrivePolicy names the DLQ. */
  public Map<String, String> sourceQueues() { return sourceQueues; }
  public Duration dlqPollInterval() { return dlqPollInterval; }
  public DlqAgeMode dlqAgeMode() { return dlqAgeMode; }

  /** Builder; the defaults are those of the declarations above. */
  public static final class Builder {
    private String bootstrapServers;
    private Path kafkaConfigFile;
    private final Properties kafkaProperties = new Properties();
    private String spansTopic = KafkaSettings.TOPIC_SPANS.defaultValue();
    private String logsTopic = KafkaSettings.TOPIC_LOGS.defaultValue();
    private int topicPartitions = KafkaSettings.TOPIC_PARTITIONS.defaultValue();
    private short topicReplication = KafkaSettings.TOPIC_REPLICATION_FACTOR.defaultValue().shortValue();
    private String metricsHost = METRICS_HOST.defaultValue();
    private int metricsPort = METRICS_PORT.defaultValue();
    private String applicationId = APPLICATION_ID.defaultValue();
    private Path stateDir = STATE_DIR.defaultValue();
    private int streamThreads = STREAM_THREADS.defaultValue();
    private Duration commitInterval = COMMIT_INTERVAL.defaultValue();
    private Duration dedupWindow = DEDUP_WINDOW.defaultValue();
    private int maxLabelValues = MAX_LABEL_VALUES.defaultValue();
    private int maxFunctions = MAX_FUNCTIONS.defaultValue();
    private Duration reportWait = REPORT_WAIT.defaultValue();
    private Duration timeoutGrace = TIMEOUT_GRACE.defaultValue();
    private Duration lateReportWindow = LATE_REPORT_WINDOW.defaultValue();
    private Duration functionTtl = FUNCTION_TTL.defaultValue();
    private int standbyReplicas = STANDBY_REPLICAS.defaultValue();
    private int recentInvocations = RECENT_INVOCATIONS.defaultValue();
    private Duration findingsWindow = FINDINGS_WINDOW.defaultValue();
    private URI sqsEndpoint;
    private String sqsRegion = AWS_REGION.defaultValue();
    private String sqsAccessKeyId;
    private String sqsSecretAccessKey;
    private final Map<String, String> dlqQueues = new LinkedHashMap<>();
    private final Map<String, String> sourceQueues = new LinkedHashMap<>();
    private Duration dlqPollInterval = DLQ_POLL_INTERVAL.defaultValue();
    private DlqAgeMode dlqAgeMode = DLQ_AGE_MODE.defaultValue();

    private Builder() {}

    public Builder bootstrapServers(String bootstrapServers) {
      requireNonNull(bootstrapServers, "bootstrapServers");
      this.bootstrapServers = KafkaSettings.bootstrapServers(KafkaSettings.BOOTSTRAP_SERVERS.parse(bootstrapServers));
      return this;
    }

    /** Reads a Kafka client .properties file (SASL/SSL settings), passed through to every client. */
    public Builder kafkaConfigFile(Path file) {
      this.kafkaConfigFile = requireNonNull(file, "file");
      try (InputStream in = Files.newInputStream(file)) {
        kafkaProperties.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + KafkaSettings.CONFIG + " " + file, e);
      }
      return this;
    }

    /** One Kafka client (or Kafka Streams) property, applied after the file. */
    public Builder kafkaProperty(String key, String value) {
      kafkaProperties.setProperty(requireNonNull(key, "key"), requireNonNull(value, "value"));
      return this;
    }

    public Builder spansTopic(String topic) {
      this.spansTopic = KafkaSettings.TOPIC_SPANS.check(topic);
      return this;
    }

    public Builder logsTopic(String topic) {
      this.logsTopic = KafkaSettings.TOPIC_LOGS.check(topic);
      return this;
    }

    public Builder topicPartitions(int partitions) {
      this.topicPartitions = KafkaSettings.TOPIC_PARTITIONS.check(partitions);
      return this;
    }

    /** -1 leaves it to the broker. */
    public Builder topicReplication(short replication) {
      this.topicReplication = KafkaSettings.TOPIC_REPLICATION_FACTOR.check((int) replication).shortValue();
      return this;
    }

    public Builder metricsHost(String host) {
      this.metricsHost = METRICS_HOST.parse(requireNonNull(host, "host"));
      return this;
    }

    /** 0 picks a free port. */
    public Builder metricsPort(int port) {
      this.metricsPort = METRICS_PORT.check(port);
      return this;
    }

    public Builder applicationId(String applicationId) {
      this.applicationId = nonEmpty(applicationId, "applicationId");
      return this;
    }

    public Builder stateDir(Path stateDir) {
      this.stateDir = requireNonNull(stateDir, "stateDir");
      return this;
    }

    public Builder streamThreads(int threads) {
      this.streamThreads = STREAM_THREADS.check(threads);
      return this;
    }

    public Builder commitInterval(Duration interval) {
      this.commitInterval = COMMIT_INTERVAL.check(interval);
      return this;
    }

    public Builder dedupWindow(Duration window) {
      this.dedupWindow = DEDUP_WINDOW.check(window);
      return this;
    }

    public Builder maxLabelValues(int max) {
      this.maxLabelValues = MAX_LABEL_VALUES.check(max);
      return this;
    }

    public Builder maxFunctions(int max) {
      this.maxFunctions = MAX_FUNCTIONS.check(max);
      return this;
    }

    public Builder reportWait(Duration wait) {
      this.reportWait = REPORT_WAIT.check(wait);
      return this;
    }

    public Builder timeoutGrace(Duration grace) {
      this.timeoutGrace = TIMEOUT_GRACE.check(grace);
      return this;
    }

    public Builder lateReportWindow(Duration window) {
      this.lateReportWindow = LATE_REPORT_WINDOW.check(window);
      return this;
    }

    public Builder functionTtl(Duration ttl) {
      this.functionTtl = FUNCTION_TTL.check(ttl);
      return this;
    }

    public Builder standbyReplicas(int replicas) {
      this.standbyReplicas = STANDBY_REPLICAS.check(replicas);
      return this;
    }

    public Builder recentInvocations(int capacity) {
      this.recentInvocations = RECENT_INVOCATIONS.check(capacity);
      return this;
    }

    public Builder findingsWindow(Duration window) {
      this.findingsWindow = FINDINGS_WINDOW.check(window);
      return this;
    }

    public Builder sqsEndpoint(URI endpoint) {
      this.sqsEndpoint = requireNonNull(endpoint, "endpoint");
      return this;
    }

    public Builder sqsRegion(String region) {
      this.sqsRegion = nonEmpty(region, "sqsRegion");
      return this;
    }

    public Builder sqsCredentials(String accessKeyId, String secretAccessKey) {
      this.sqsAccessKeyId = requireNonNull(accessKeyId, "accessKeyId");
      this.sqsSecretAccessKey = requireNonNull(secretAccessKey, "secretAccessKey");
      return this;
    }

    /** A dead-letter queue to watch (name or URL) and the function it belongs to ("" if unknown). */
    public Builder dlqQueue(String queue, String function) {
      dlqQueues.put(nonEmpty(queue, "queue"), requireNonNull(function, "function"));
      return this;
    }

    public Builder dlqQueues(Map<String, String> queues) {
      queues.forEach(this::dlqQueue);
      return this;
    }

    /** A source queue (name or URL) consumed by a function; its RedrivePolicy names the DLQ. */
    public Builder sourceQueue(String queue, String function) {
      sourceQueues.put(nonEmpty(queue, "queue"), nonEmpty(function, "function"));
      return this;
    }

    public Builder sourceQueues(Map<String, String> queues) {
      queues.forEach(this::sourceQueue);
      return this;
    }

    public Builder dlqPollInterval(Duration interval) {
      this.dlqPollInterval = DLQ_POLL_INTERVAL.check(interval);
      return this;
    }

    public Builder dlqAgeMode(DlqAgeMode mode) {
      this.dlqAgeMode = requireNonNull(mode, "mode");
      return this;
    }

    public ProcessorConfig build() {
      if (bootstrapServers == null) {
        throw new IllegalStateException("bootstrapServers is required");
      }
      return new ProcessorConfig(this);
    }

    private static String nonEmpty(String value, String name) {
      requireNonNull(value, name);
      if (value.isBlank()) {
        throw new IllegalArgumentException(name + " must not be empty");
      }
      return value;
    }
  }
}
