package io.lambdascope.processor;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Everything the processor needs to run. Build it from environment-variable names with {@link
 * #fromSettings(Map)} (every setting is documented in docs/processor.md), or with {@link #builder()}
 * in tests.
 */
public final class ProcessorConfig {
  /** How the DLQ watcher measures the age of a queue's oldest message. */
  public enum DlqAgeMode {
    /** Time since the watcher first saw the queue non-empty: no SQS side effects. */
    OBSERVE,
    /** Receives up to 10 messages with visibility timeout 0 and reads SentTimestamp. */
    PEEK
  }

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
   * Reads the settings below (environment-variable names; the launcher passes the environment
   * overlaid with its flags). Unknown names are ignored; a malformed value fails with a message
   * that names the setting.
   */
  public static ProcessorConfig fromSettings(Map<String, String> settings) {
    requireNonNull(settings, "settings");
    Settings s = new Settings(settings);
    Builder b = builder();
    String bootstrap = s.get("KAFKA_BOOTSTRAP_SERVERS");
    if (bootstrap == null) {
      throw new IllegalArgumentException("KAFKA_BOOTSTRAP_SERVERS is not set (host:port[,host:port])");
    }
    b.bootstrapServers(bootstrap);
    String kafkaConfig = s.get("LAMBDASCOPE_KAFKA_CONFIG");
    if (kafkaConfig != null) {
      b.kafkaConfigFile(Path.of(kafkaConfig));
    }
    b.spansTopic(s.get("LAMBDASCOPE_TOPIC_SPANS", b.spansTopic));
    b.logsTopic(s.get("LAMBDASCOPE_TOPIC_LOGS", b.logsTopic));
    b.topicPartitions(s.integer("LAMBDASCOPE_TOPIC_PARTITIONS", b.topicPartitions));
    b.topicReplication((short) s.integer("LAMBDASCOPE_TOPIC_REPLICATION_FACTOR", b.topicReplication));
    b.metricsHost(s.get("LAMBDASCOPE_METRICS_HOST", b.metricsHost));
    b.metricsPort(s.integer("LAMBDASCOPE_METRICS_PORT", b.metricsPort));
    b.applicationId(s.get("LAMBDASCOPE_APPLICATION_ID", b.applicationId));
    b.stateDir(Path.of(s.get("LAMBDASCOPE_STATE_DIR", b.stateDir.toString())));
    b.streamThreads(s.integer("LAMBDASCOPE_STREAM_THREADS", b.streamThreads));
    b.commitInterval(s.duration("LAMBDASCOPE_COMMIT_INTERVAL", b.commitInterval));
    b.dedupWindow(s.duration("LAMBDASCOPE_DEDUP_WINDOW", b.dedupWindow));
    b.maxLabelValues(s.integer("LAMBDASCOPE_MAX_LABEL_VALUES", b.maxLabelValues));
    b.maxFunctions(s.integer("LAMBDASCOPE_MAX_FUNCTIONS", b.maxFunctions));
    b.reportWait(s.duration("LAMBDASCOPE_REPORT_WAIT", b.reportWait));
    b.timeoutGrace(s.duration("LAMBDASCOPE_TIMEOUT_GRACE", b.timeoutGrace));
    b.recentInvocations(s.integer("LAMBDASCOPE_RECENT_INVOCATIONS", b.recentInvocations));
    b.findingsWindow(s.duration("LAMBDASCOPE_FINDINGS_WINDOW", b.findingsWindow));
    String endpoint = s.get("LAMBDASCOPE_SQS_ENDPOINT");
    if (endpoint != null) {
      try {
        b.sqsEndpoint(URI.create(endpoint));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("LAMBDASCOPE_SQS_ENDPOINT is not a URI: " + endpoint, e);
      }
    }
    b.sqsRegion(s.get("LAMBDASCOPE_SQS_REGION", s.get("AWS_REGION", b.sqsRegion)));
    String keyId = s.get("AWS_ACCESS_KEY_ID");
    String secret = s.get("AWS_SECRET_ACCESS_KEY");
    if (keyId != null && secret != null) {
      b.sqsCredentials(keyId, secret);
    }
    b.dlqQueues(s.pairs("LAMBDASCOPE_DLQ_QUEUES", false));
    b.sourceQueues(s.pairs("LAMBDASCOPE_SQS_SOURCE_QUEUES", true));
    b.dlqPollInterval(s.duration("LAMBDASCOPE_DLQ_POLL_INTERVAL", b.dlqPollInterval));
    String mode = s.get("LAMBDASCOPE_DLQ_AGE_MODE");
    if (mode != null) {
      try {
        b.dlqAgeMode(DlqAgeMode.valueOf(mode.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("LAMBDASCOPE_DLQ_AGE_MODE must be observe or peek: " + mode, e);
      }
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
        + " commit=" + commitInterval.toMillis() + "ms"
        + " dedup-window=" + dedupWindow
        + " max-label-values=" + maxLabelValues
        + " max-functions=" + maxFunctions
        + " report-wait=" + reportWait.toMillis() + "ms"
        + " timeout-grace=" + timeoutGrace.toMillis() + "ms"
        + " dlq=" + (dlqWatcherEnabled()
            ? "queues " + dlqQueues.keySet() + " sources " + sourceQueues
                + " every " + dlqPollInterval.toMillis() + "ms age " + dlqAgeMode.name().toLowerCase(Locale.ROOT)
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

  /** Builder with the documented defaults. */
  public static final class Builder {
    private String bootstrapServers;
    private Path kafkaConfigFile;
    private final Properties kafkaProperties = new Properties();
    private String spansTopic = "otlp_spans";
    private String logsTopic = "otlp_logs";
    private int topicPartitions = 3;
    private short topicReplication = -1;
    private String metricsHost = "127.0.0.1";
    private int metricsPort = 9464;
    private String applicationId = "lambdascope-processor";
    private Path stateDir = Path.of("data", "processor");
    private int streamThreads = 1;
    private Duration commitInterval = Duration.ofMillis(100);
    private Duration dedupWindow = Duration.ofHours(24);
    private int maxLabelValues = 20;
    private int maxFunctions = 1000;
    private Duration reportWait = Duration.ofSeconds(10);
    private Duration timeoutGrace = Duration.ofSeconds(10);
    private int recentInvocations = 1000;
    private Duration findingsWindow = Duration.ofHours(1);
    private URI sqsEndpoint;
    private String sqsRegion = "us-east-1";
    private String sqsAccessKeyId;
    private String sqsSecretAccessKey;
    private final Map<String, String> dlqQueues = new LinkedHashMap<>();
    private final Map<String, String> sourceQueues = new LinkedHashMap<>();
    private Duration dlqPollInterval = Duration.ofSeconds(30);
    private DlqAgeMode dlqAgeMode = DlqAgeMode.OBSERVE;

    private Builder() {}

    public Builder bootstrapServers(String bootstrapServers) {
      this.bootstrapServers = requireNonNull(bootstrapServers, "bootstrapServers");
      return this;
    }

    /** Reads a Kafka client .properties file (SASL/SSL settings), passed through to every client. */
    public Builder kafkaConfigFile(Path file) {
      this.kafkaConfigFile = requireNonNull(file, "file");
      try (InputStream in = Files.newInputStream(file)) {
        kafkaProperties.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read LAMBDASCOPE_KAFKA_CONFIG " + file, e);
      }
      return this;
    }

    /** One Kafka client (or Kafka Streams) property, applied after the file. */
    public Builder kafkaProperty(String key, String value) {
      kafkaProperties.setProperty(requireNonNull(key, "key"), requireNonNull(value, "value"));
      return this;
    }

    public Builder spansTopic(String topic) {
      this.spansTopic = nonEmpty(topic, "spansTopic");
      return this;
    }

    public Builder logsTopic(String topic) {
      this.logsTopic = nonEmpty(topic, "logsTopic");
      return this;
    }

    public Builder topicPartitions(int partitions) {
      this.topicPartitions = atLeast(partitions, 1, "LAMBDASCOPE_TOPIC_PARTITIONS");
      return this;
    }

    public Builder topicReplication(short replication) {
      if (replication == 0 || replication < -1) {
        throw new IllegalArgumentException("LAMBDASCOPE_TOPIC_REPLICATION_FACTOR must be -1 or at least 1: " + replication);
      }
      this.topicReplication = replication;
      return this;
    }

    public Builder metricsHost(String host) {
      this.metricsHost = nonEmpty(host, "metricsHost");
      return this;
    }

    /** 0 picks a free port. */
    public Builder metricsPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("LAMBDASCOPE_METRICS_PORT must be 0..65535: " + port);
      }
      this.metricsPort = port;
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
      this.streamThreads = atLeast(threads, 1, "LAMBDASCOPE_STREAM_THREADS");
      return this;
    }

    public Builder commitInterval(Duration interval) {
      this.commitInterval = positive(interval, "LAMBDASCOPE_COMMIT_INTERVAL");
      return this;
    }

    public Builder dedupWindow(Duration window) {
      this.dedupWindow = positive(window, "LAMBDASCOPE_DEDUP_WINDOW");
      return this;
    }

    public Builder maxLabelValues(int max) {
      this.maxLabelValues = atLeast(max, 1, "LAMBDASCOPE_MAX_LABEL_VALUES");
      return this;
    }

    public Builder maxFunctions(int max) {
      this.maxFunctions = atLeast(max, 1, "LAMBDASCOPE_MAX_FUNCTIONS");
      return this;
    }

    public Builder reportWait(Duration wait) {
      this.reportWait = positive(wait, "LAMBDASCOPE_REPORT_WAIT");
      return this;
    }

    public Builder timeoutGrace(Duration grace) {
      this.timeoutGrace = positive(grace, "LAMBDASCOPE_TIMEOUT_GRACE");
      return this;
    }

    public Builder recentInvocations(int capacity) {
      this.recentInvocations = atLeast(capacity, 1, "LAMBDASCOPE_RECENT_INVOCATIONS");
      return this;
    }

    public Builder findingsWindow(Duration window) {
      this.findingsWindow = positive(window, "LAMBDASCOPE_FINDINGS_WINDOW");
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
      this.dlqPollInterval = positive(interval, "LAMBDASCOPE_DLQ_POLL_INTERVAL");
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

    private static int atLeast(int value, int min, String name) {
      if (value < min) {
        throw new IllegalArgumentException(name + " must be at least " + min + ": " + value);
      }
      return value;
    }

    private static Duration positive(Duration value, String name) {
      requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + value);
      }
      return value;
    }
  }

  /** Typed reads of the settings map, with errors that name the setting. */
  private static final class Settings {
    private final Map<String, String> map;

    Settings(Map<String, String> map) {
      this.map = map;
    }

    String get(String name) {
      String v = map.get(name);
      return v == null || v.isBlank() ? null : v.trim();
    }

    String get(String name, String dflt) {
      String v = get(name);
      return v == null ? dflt : v;
    }

    int integer(String name, int dflt) {
      String v = get(name);
      if (v == null) {
        return dflt;
      }
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be an integer: " + v, e);
      }
    }

    Duration duration(String name, Duration dflt) {
      String v = get(name);
      return v == null ? dflt : parseDuration(name, v);
    }

    /** "a=b,c=d" (or "a,c" when values are optional). */
    Map<String, String> pairs(String name, boolean valueRequired) {
      Map<String, String> out = new LinkedHashMap<>();
      String v = get(name);
      if (v == null) {
        return out;
      }
      List<String> bad = new ArrayList<>();
      for (String item : v.split(",")) {
        String entry = item.trim();
        if (entry.isEmpty()) {
          continue;
        }
        int eq = entry.lastIndexOf('=');
        String key = eq < 0 ? entry : entry.substring(0, eq).trim();
        String value = eq < 0 ? "" : entry.substring(eq + 1).trim();
        if (key.isEmpty() || (valueRequired && value.isEmpty())) {
          bad.add(entry);
        } else {
          out.put(key, value);
        }
      }
      if (!bad.isEmpty()) {
        throw new IllegalArgumentException(
            name + " must be a comma-separated list of queue=function" + (valueRequired ? "" : " (or queue)")
                + " entries; bad: " + bad);
      }
      return out;
    }
  }

  /** "500ms", "30s", "5m", "24h", "2d", a plain number of milliseconds, or ISO-8601 ("PT24H"). */
  static Duration parseDuration(String name, String text) {
    String v = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.startsWith("p")) {
        return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
      }
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
      }
      long amount;
      switch (v.charAt(v.length() - 1)) {
        case 's':
          amount = Long.parseLong(v.substring(0, v.length() - 1).trim());
          return Duration.ofSeconds(amount);
        case 'm':
          amount = Long.parseLong(v.substring(0, v.length() - 1).trim());
          return Duration.ofMinutes(amount);
        case 'h':
          amount = Long.parseLong(v.substring(0, v.length() - 1).trim());
          return Duration.ofHours(amount);
        case 'd':
          amount = Long.parseLong(v.substring(0, v.length() - 1).trim());
          return Duration.ofDays(amount);
        default:
          return Duration.ofMillis(Long.parseLong(v));
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          name + " must be a duration like 500ms, 30s, 5m, 24h or PT24H: " + text, e);
    }
  }
}
