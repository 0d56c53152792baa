package io.lambdascope.processor;

import static java.util.Objects.requireNonNull;

import io.lambdascope.httpguard.Exposure;
import io.lambdascope.httpguard.PemTls;
import io.lambdascope.httpguard.TenantTokens;
import io.lambdascope.processor.dlq.QueueRef;
import io.lambdascope.processor.metrics.CostSettings;
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
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;

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

  /** A function's instruction set, in Lambda's words. */
  public enum Architecture { X86_64, ARM64 }

  public static final Setting<String> METRICS_HOST =
      Setting.host("LAMBDASCOPE_METRICS_HOST", "127.0.0.1", "interface of the HTTP port");
  public static final Setting<Integer> METRICS_PORT =
      Setting.port("LAMBDASCOPE_METRICS_PORT", 9464,
          "HTTP port: `/metrics`, `/api/invocations`, `/api/findings`, `/health/live`, `/health/ready`; "
              + "`0` picks a free port");
  public static final Setting<Map<String, String>> METRICS_AUTH_TOKENS =
      Setting.pairs("LAMBDASCOPE_METRICS_AUTH_TOKENS", "token", "tenant", false,
              "`token=tenant` pairs separated by commas for the HTTP port; tenant `*` is an operator (every "
                  + "tenant's data, and `/metrics`); when set, every request but `/health/*` needs "
                  + "`Authorization: Bearer <token>`")
          .secret();
  public static final Setting<Path> METRICS_AUTH_TOKENS_FILE =
      Setting.path("LAMBDASCOPE_METRICS_AUTH_TOKENS_FILE", null,
          "file of `token=tenant` pairs, one a line (`#` starts a comment), instead of "
              + "`LAMBDASCOPE_METRICS_AUTH_TOKENS`; read at start");
  public static final Setting<Boolean> METRICS_ALLOW_UNAUTHENTICATED =
      Setting.bool("LAMBDASCOPE_METRICS_ALLOW_UNAUTHENTICATED", false,
          "allow the HTTP port on a non-loopback interface without tokens");
  public static final Setting<Path> METRICS_TLS_CERT =
      Setting.path("LAMBDASCOPE_METRICS_TLS_CERT", null,
          "PEM certificate chain: the HTTP port serves HTTPS (with `LAMBDASCOPE_METRICS_TLS_KEY`)");
  public static final Setting<Path> METRICS_TLS_KEY =
      Setting.path("LAMBDASCOPE_METRICS_TLS_KEY", null, "PEM private key (PKCS#8, or PKCS#1 RSA) of the HTTP port");
  public static final Setting<Duration> METRICS_REQUEST_READ_TIMEOUT =
      Setting.duration("LAMBDASCOPE_METRICS_REQUEST_READ_TIMEOUT", Duration.ofSeconds(5),
          "how long a client of the HTTP port may take to send a request: a new connection its first request, "
              + "headers and body; a kept-alive one the body after the headers; slower connections are closed");
  public static final Setting<Duration> METRICS_KEEP_ALIVE_TIMEOUT =
      Setting.duration("LAMBDASCOPE_METRICS_KEEP_ALIVE_TIMEOUT", Duration.ofMinutes(2),
          "how long a connection to the HTTP port may stay open between an answer and the next request (longer "
              + "than the scrape interval, so Prometheus keeps its connection)");
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
  public static final Setting<Duration> CONCURRENCY_WINDOW =
      Setting.duration("LAMBDASCOPE_CONCURRENCY_WINDOW", Duration.ofSeconds(60),
          "the fixed event-time window of the concurrency gauges (peak and average concurrent executions of "
              + "the last complete window)");
  public static final Setting<Duration> CONCURRENCY_LATENESS =
      Setting.duration("LAMBDASCOPE_CONCURRENCY_LATENESS", Duration.ofSeconds(30),
          "how long after a concurrency window's end (in the function's event time) its invocations may still "
              + "arrive; later ones are left out of it; at most 10 windows");
  public static final Setting<Architecture> DEFAULT_ARCHITECTURE =
      Setting.choice("LAMBDASCOPE_DEFAULT_ARCHITECTURE", Architecture.class, Architecture.X86_64,
          "architecture of functions whose spans carry no `host.arch` (x86_64 or arm64), for pricing");
  public static final Setting<Double> PRICE_REQUEST_USD =
      Setting.positiveNumber("LAMBDASCOPE_PRICE_REQUEST_USD", 0.0000002, "USD per request")
          .defaultText("0.0000002");
  public static final Setting<Double> PRICE_DURATION_X86_64_USD =
      Setting.positiveNumber("LAMBDASCOPE_PRICE_DURATION_X86_64_USD", 0.0000166667,
          "USD per GB-second of on-demand duration, x86_64").defaultText("0.0000166667");
  public static final Setting<Double> PRICE_DURATION_ARM64_USD =
      Setting.positiveNumber("LAMBDASCOPE_PRICE_DURATION_ARM64_USD", 0.0000133334,
          "USD per GB-second of on-demand duration, arm64").defaultText("0.0000133334");
  public static final Setting<Double> PRICE_PROVISIONED_DURATION_X86_64_USD =
      Setting.positiveNumber("LAMBDASCOPE_PRICE_PROVISIONED_DURATION_X86_64_USD", 0.0000097222,
          "USD per GB-second of duration in provisioned-concurrency environments, x86_64")
          .defaultText("0.0000097222");
  public static final Setting<Double> PRICE_PROVISIONED_DURATION_ARM64_USD =
      Setting.positiveNumber("LAMBDASCOPE_PRICE_PROVISIONED_DURATION_ARM64_USD", 0.0000077778,
          "USD per GB-second of duration in provisioned-concurrency environments, arm64")
          .defaultText("0.0000077778");
  public static final Setting<Double> PRICE_PROVISIONED_CONCURRENCY_X86_64_USD =
      Setting.positiveNumber("LAMBDASCOPE_PRICE_PROVISIONED_CONCURRENCY_X86_64_USD", 0.0000041667,
          "USD per GB-second of allocated provisioned concurrency, x86_64 (exposed for the recording rule)")
          .defaultText("0.0000041667");
  public static final Setting<Double> PRICE_PROVISIONED_CONCURRENCY_ARM64_USD =
      Setting.positiveNumber("LAMBDASCOPE_PRICE_PROVISIONED_CONCURRENCY_ARM64_USD", 0.0000033334,
          "USD per GB-second of allocated provisioned concurrency, arm64 (exposed for the recording rule)")
          .defaultText("0.0000033334");
  public static final Setting<String> PRICES_READ_ON =
      Setting.text("LAMBDASCOPE_PRICES_READ_ON", "2026-12-02",
          "when the prices were read (label `read_on` of `lambdascope_price_usd`); the defaults are AWS's "
              + "us-east-1 on-demand prices read on that day");
  public static final Setting<URI> SQS_ENDPOINT =
      Setting.url("LAMBDASCOPE_SQS_ENDPOINT", null,
              "SQS endpoint override for the DLQ watcher (ElasticMQ: `http://127.0.0.1:9324`)")
          .defaultText("AWS default");
  public static final Setting<String> SQS_REGION =
      Setting.text("LAMBDASCOPE_SQS_REGION", null, "SQS region").defaultText("AWS_REGION, else us-east-1");
  public static final Setting<Map<String, String>> DLQ_QUEUES =
      Setting.pairs("LAMBDASCOPE_DLQ_QUEUES", "queue", "function", true,
          "dead-letter queues to watch: `queue[=function],...`, queue as name (in `LAMBDASCOPE_SQS_REGION`), "
              + "URL or ARN (any region or account)");
  public static final Setting<Map<String, String>> SQS_SOURCE_QUEUES =
      Setting.pairs("LAMBDASCOPE_SQS_SOURCE_QUEUES", "queue", "function", false,
          "source queues and the function that consumes each: `queue=function,...`, queue as name, URL or ARN; "
              + "their RedrivePolicy names the DLQ to watch, and their visibility timeout feeds a finding");
  public static final Setting<Duration> DLQ_POLL_INTERVAL =
      Setting.duration("LAMBDASCOPE_DLQ_POLL_INTERVAL", Duration.ofSeconds(30), "how often the DLQ watcher polls");
  public static final Setting<DlqAgeMode> DLQ_AGE_MODE =
      Setting.choice("LAMBDASCOPE_DLQ_AGE_MODE", DlqAgeMode.class, DlqAgeMode.OBSERVE,
          "how the oldest-message age is measured: observe or peek (docs/processor.md)");

  public static final Setting<Boolean> AWS_CONFIG_ENABLED =
      Setting.bool("LAMBDASCOPE_AWS_CONFIG_ENABLED", false,
          "read each function's configuration (timeout, memory, reserved and provisioned concurrency, SQS event "
              + "source mappings and their queues' visibility timeout) and the account's concurrency limit from the "
              + "Lambda API (docs/processor.md)");
  public static final Setting<Duration> AWS_CONFIG_REFRESH =
      Setting.duration("LAMBDASCOPE_AWS_CONFIG_REFRESH", Duration.ofMinutes(5),
          "how often the configuration reader reads a function's configuration again");
  public static final Setting<Integer> AWS_CONFIG_CONCURRENCY =
      Setting.integer("LAMBDASCOPE_AWS_CONFIG_CONCURRENCY", 4, 1, 64,
          "functions the configuration reader reads at once (each read is a few Lambda and SQS calls)");
  public static final Setting<URI> LAMBDA_ENDPOINT =
      Setting.url("LAMBDASCOPE_LAMBDA_ENDPOINT", null,
              "Lambda and STS endpoint override for the configuration reader (the emulator's Invoke API); SQS "
                  + "calls go to `LAMBDASCOPE_SQS_ENDPOINT`")
          .defaultText("AWS default");

  /** The processor's own settings, in the order docs/configuration.md lists them; it also reads {@link KafkaSettings#ALL}. */
  public static final List<Setting<?>> SETTINGS =
      List.of(METRICS_HOST, METRICS_PORT, METRICS_AUTH_TOKENS, METRICS_AUTH_TOKENS_FILE,
          METRICS_ALLOW_UNAUTHENTICATED, METRICS_TLS_CERT, METRICS_TLS_KEY, METRICS_REQUEST_READ_TIMEOUT,
          METRICS_KEEP_ALIVE_TIMEOUT, APPLICATION_ID, STATE_DIR, STREAM_THREADS, COMMIT_INTERVAL, DEDUP_WINDOW,
          MAX_LABEL_VALUES, MAX_FUNCTIONS, REPORT_WAIT, TIMEOUT_GRACE, LATE_REPORT_WINDOW, FUNCTION_TTL,
          STANDBY_REPLICAS, RECENT_INVOCATIONS, FINDINGS_WINDOW, CONCURRENCY_WINDOW, CONCURRENCY_LATENESS,
          DEFAULT_ARCHITECTURE, PRICE_REQUEST_USD, PRICE_DURATION_X86_64_USD, PRICE_DURATION_ARM64_USD,
          PRICE_PROVISIONED_DURATION_X86_64_USD, PRICE_PROVISIONED_DURATION_ARM64_USD,
          PRICE_PROVISIONED_CONCURRENCY_X86_64_USD, PRICE_PROVISIONED_CONCURRENCY_ARM64_USD, PRICES_READ_ON,
          SQS_ENDPOINT, SQS_REGION, DLQ_QUEUES, SQS_SOURCE_QUEUES, DLQ_POLL_INTERVAL, DLQ_AGE_MODE,
          AWS_CONFIG_ENABLED, AWS_CONFIG_REFRESH, AWS_CONFIG_CONCURRENCY, LAMBDA_ENDPOINT);

  // AWS's own variables, read from the environment only (no flags: the AWS SDK and CLI read them too).
  private static final Setting<String> AWS_REGION = Setting.text("AWS_REGION", "us-east-1", "AWS region");
  private static final Setting<String> AWS_ACCESS_KEY_ID = Setting.secret("AWS_ACCESS_KEY_ID", "AWS access key id");
  private static final Setting<String> AWS_SECRET_ACCESS_KEY =
      Setting.secret("AWS_SECRET_ACCESS_KEY", "AWS secret access key");
  private static final Setting<String> AWS_SESSION_TOKEN =
      Setting.secret("AWS_SESSION_TOKEN", "AWS session token (temporary credentials)");

  private final String bootstrapServers;
  private final Path kafkaConfigFile;
  private final Properties kafkaProperties;
  private final String spansTopic;
  private final String logsTopic;
  private final int topicPartitions;
  private final short topicReplication;
  private final String metricsHost;
  private final int metricsPort;
  private final Map<String, String> metricsTenantsByToken;
  private final boolean metricsAllowUnauthenticated;
  private final Path metricsTlsCert;
  private final Path metricsTlsKey;
  private final Duration metricsRequestReadTimeout;
  private final Duration metricsKeepAliveTimeout;
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
  private final CostSettings cost;
  private final URI sqsEndpoint;
  private final String sqsRegion;
  private final String sqsAccessKeyId;
  private final String sqsSecretAccessKey;
  private final String sqsSessionToken;
  private final Map<String, String> dlqQueues;
  private final Map<String, String> sourceQueues;
  private final Duration dlqPollInterval;
  private final DlqAgeMode dlqAgeMode;
  private final boolean awsConfigEnabled;
  private final Duration awsConfigRefresh;
  private final int awsConfigConcurrency;
  private final URI lambdaEndpoint;

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
    this.metricsTenantsByToken = Collections.unmodifiableMap(new LinkedHashMap<>(b.metricsTenantsByToken));
    this.metricsAllowUnauthenticated = b.metricsAllowUnauthenticated;
    this.metricsTlsCert = b.metricsTlsCert;
    this.metricsTlsKey = b.metricsTlsKey;
    this.metricsRequestReadTimeout = b.metricsRequestReadTimeout;
    this.metricsKeepAliveTimeout = b.metricsKeepAliveTimeout;
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
    this.cost = cost(b);
    this.sqsEndpoint = b.sqsEndpoint;
    this.sqsRegion = b.sqsRegion;
    this.sqsAccessKeyId = b.sqsAccessKeyId;
    this.sqsSecretAccessKey = b.sqsSecretAccessKey;
    this.sqsSessionToken = b.sqsSessionToken;
    this.dlqQueues = Collections.unmodifiableMap(new LinkedHashMap<>(b.dlqQueues));
    this.sourceQueues = Collections.unmodifiableMap(new LinkedHashMap<>(b.sourceQueues));
    this.dlqPollInterval = b.dlqPollInterval;
    this.dlqAgeMode = b.dlqAgeMode;
    this.awsConfigEnabled = b.awsConfigEnabled;
    this.awsConfigRefresh = b.awsConfigRefresh;
    this.awsConfigConcurrency = b.awsConfigConcurrency;
    this.lambdaEndpoint = b.lambdaEndpoint;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Concurrency window and lateness, default architecture and prices at their documented defaults. */
  public static CostSettings defaultCost() {
    return cost(new Builder());
  }

  private static CostSettings cost(Builder b) {
    return new CostSettings(b.concurrencyWindow, b.concurrencyLateness, b.defaultArchitecture.ordinal(),
        b.priceRequestUsd, b.priceDurationUsd, b.priceProvisionedDurationUsd, b.priceProvisionedConcurrencyUsd,
        b.pricesReadOn);
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
        .metricsAuthTokens(TenantTokens.fromSettings(s, METRICS_AUTH_TOKENS, METRICS_AUTH_TOKENS_FILE))
        .metricsAllowUnauthenticated(s.get(METRICS_ALLOW_UNAUTHENTICATED))
        .metricsRequestReadTimeout(s.get(METRICS_REQUEST_READ_TIMEOUT))
        .metricsKeepAliveTimeout(s.get(METRICS_KEEP_ALIVE_TIMEOUT))
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
        .concurrency(s.get(CONCURRENCY_WINDOW), s.get(CONCURRENCY_LATENESS))
        .defaultArchitecture(s.get(DEFAULT_ARCHITECTURE))
        .prices(s.get(PRICE_REQUEST_USD),
            new double[] {s.get(PRICE_DURATION_X86_64_USD), s.get(PRICE_DURATION_ARM64_USD)},
            new double[] {s.get(PRICE_PROVISIONED_DURATION_X86_64_USD), s.get(PRICE_PROVISIONED_DURATION_ARM64_USD)},
            new double[] {s.get(PRICE_PROVISIONED_CONCURRENCY_X86_64_USD),
                s.get(PRICE_PROVISIONED_CONCURRENCY_ARM64_USD)},
            s.get(PRICES_READ_ON))
        .sqsRegion(s.find(SQS_REGION).orElseGet(() -> s.get(AWS_REGION)))
        .dlqQueues(s.get(DLQ_QUEUES))
        .sourceQueues(s.get(SQS_SOURCE_QUEUES))
        .dlqPollInterval(s.get(DLQ_POLL_INTERVAL))
        .dlqAgeMode(s.get(DLQ_AGE_MODE))
        .awsConfigEnabled(s.get(AWS_CONFIG_ENABLED))
        .awsConfigRefresh(s.get(AWS_CONFIG_REFRESH))
        .awsConfigConcurrency(s.get(AWS_CONFIG_CONCURRENCY));
    s.find(KafkaSettings.CONFIG).ifPresent(b::kafkaConfigFile);
    s.find(LAMBDA_ENDPOINT).ifPresent(b::lambdaEndpoint);
    s.find(SQS_ENDPOINT).ifPresent(b::sqsEndpoint);
    if (s.isSet(AWS_ACCESS_KEY_ID) && s.isSet(AWS_SECRET_ACCESS_KEY)) {
      b.sqsCredentials(s.get(AWS_ACCESS_KEY_ID), s.get(AWS_SECRET_ACCESS_KEY), s.find(AWS_SESSION_TOKEN).orElse(null));
    }
    Optional<Path> cert = s.find(METRICS_TLS_CERT);
    Optional<Path> key = s.find(METRICS_TLS_KEY);
    PemTls.check(cert.orElse(null), METRICS_TLS_CERT, key.orElse(null), METRICS_TLS_KEY);
    cert.ifPresent(c -> b.metricsTls(c, key.get()));
    return b.build();
  }

  /** One line for the start-up log; secrets are masked, the Kafka client file is named, not read out. */
  public String describe() {
    return "processor application.id=" + applicationId
        + " kafka=" + bootstrapServers
        + (kafkaConfigFile == null ? "" : " kafka-config=" + kafkaConfigFile)
        + " topics=" + spansTopic + "," + logsTopic + " (partitions " + topicPartitions + ")"
        + " http=" + (metricsTlsCert == null ? "http" : "https") + "://" + metricsHost + ":" + metricsPort
        + " " + describeAuth()
        + (metricsTlsCert == null ? "" : " tls-cert=" + metricsTlsCert)
        + " read-timeout=" + Units.formatDuration(metricsRequestReadTimeout)
        + " keep-alive=" + Units.formatDuration(metricsKeepAliveTimeout)
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
        + " concurrency-window=" + Units.formatDuration(cost.concurrencyWindow())
        + " lateness=" + Units.formatDuration(cost.concurrencyLateness())
        + " default-architecture=" + DEFAULT_ARCHITECTURE.show(Architecture.values()[cost.defaultArchitecture()])
        + " prices-read-on=" + cost.pricesReadOn()
        + " dlq=" + (dlqWatcherEnabled()
            ? "queues " + dlqQueues.keySet() + " sources " + sourceQueues
                + " every " + Units.formatDuration(dlqPollInterval) + " age " + DLQ_AGE_MODE.show(dlqAgeMode)
                + (sqsEndpoint == null ? "" : " endpoint " + sqsEndpoint)
                + " region " + sqsRegion
                + (sqsAccessKeyId == null ? " credentials: AWS default chain"
                    : " key " + mask(sqsAccessKeyId) + " secret ****" + (sqsSessionToken == null ? "" : " session-token ****"))
            : "off")
        + " aws-config=" + (awsConfigEnabled
            ? "every " + Units.formatDuration(awsConfigRefresh) + " " + awsConfigConcurrency + " at once"
                + (lambdaEndpoint == null ? "" : " endpoint " + lambdaEndpoint)
            : "off");
  }

  /** Tokens are never printed, only how many and the tenants they name. */
  private String describeAuth() {
    if (metricsTenantsByToken.isEmpty()) {
      return "auth=none" + (unauthenticatedOnNetwork() ? "(UNAUTHENTICATED ON " + metricsHost + ")" : "");
    }
    return "auth=bearer(" + metricsTenantsByToken.size() + " tokens, tenants="
        + String.join(",", new TreeSet<>(metricsTenantsByToken.values())) + ")";
  }

  /** True when the HTTP port listens beyond loopback without tokens (allowed explicitly): worth a loud warning. */
  public boolean unauthenticatedOnNetwork() {
    return metricsTenantsByToken.isEmpty() && !Exposure.isLoopback(metricsHost, METRICS_HOST);
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
  /** Bearer token to tenant for the HTTP port ({@code *}: operator); empty when authentication is off. */
  public Map<String, String> metricsTenantsByToken() { return metricsTenantsByToken; }
  public boolean metricsAllowUnauthenticated() { return metricsAllowUnauthenticated; }
  /** PEM certificate chain of the HTTP port, or null for plain HTTP. */
  public Path metricsTlsCert() { return metricsTlsCert; }
  public Path metricsTlsKey() { return metricsTlsKey; }
  public Duration metricsRequestReadTimeout() { return metricsRequestReadTimeout; }
  public Duration metricsKeepAliveTimeout() { return metricsKeepAliveTimeout; }
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
  /** Concurrency window and lateness, default architecture, prices. */
  public CostSettings cost() { return cost; }
  /** SQS endpoint override (ElasticMQ), or null for the region's endpoint. */
  public URI sqsEndpoint() { return sqsEndpoint; }
  public String sqsRegion() { return sqsRegion; }
  /** Static credentials, or null to use the default credential chain. */
  public String sqsAccessKeyId() { return sqsAccessKeyId; }
  public String sqsSecretAccessKey() { return sqsSecretAccessKey; }
  /** The session token of temporary static credentials, or null. */
  public String sqsSessionToken() { return sqsSessionToken; }
  /** Dead-letter queues watched directly: queue name or URL to function name ("" when unknown). */
  public Map<String, String> dlqQueues() { return dlqQueues; }
  /** Source queues (name or URL) to the function that consumes them; their RedrivePolicy names the DLQ. */
  public Map<String, String> sourceQueues() { return sourceQueues; }
  public Duration dlqPollInterval() { return dlqPollInterval; }
  public DlqAgeMode dlqAgeMode() { return dlqAgeMode; }
  /** Whether the configuration reader runs (package awsconfig). */
  public boolean awsConfigEnabled() { return awsConfigEnabled; }
  public Duration awsConfigRefresh() { return awsConfigRefresh; }
  public int awsConfigConcurrency() { return awsConfigConcurrency; }
  /** Lambda and STS endpoint override of the configuration reader (the emulator), or null for AWS's. */
  public URI lambdaEndpoint() { return lambdaEndpoint; }

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
    private final Map<String, String> metricsTenantsByToken = new LinkedHashMap<>();
    private boolean metricsAllowUnauthenticated = METRICS_ALLOW_UNAUTHENTICATED.defaultValue();
    private Path metricsTlsCert;
    private Path metricsTlsKey;
    private Duration metricsRequestReadTimeout = METRICS_REQUEST_READ_TIMEOUT.defaultValue();
    private Duration metricsKeepAliveTimeout = METRICS_KEEP_ALIVE_TIMEOUT.defaultValue();
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
    private Duration concurrencyWindow = CONCURRENCY_WINDOW.defaultValue();
    private Duration concurrencyLateness = CONCURRENCY_LATENESS.defaultValue();
    private Architecture defaultArchitecture = DEFAULT_ARCHITECTURE.defaultValue();
    private double priceRequestUsd = PRICE_REQUEST_USD.defaultValue();
    private double[] priceDurationUsd =
        {PRICE_DURATION_X86_64_USD.defaultValue(), PRICE_DURATION_ARM64_USD.defaultValue()};
    private double[] priceProvisionedDurationUsd = {PRICE_PROVISIONED_DURATION_X86_64_USD.defaultValue(),
        PRICE_PROVISIONED_DURATION_ARM64_USD.defaultValue()};
    private double[] priceProvisionedConcurrencyUsd = {PRICE_PROVISIONED_CONCURRENCY_X86_64_USD.defaultValue(),
        PRICE_PROVISIONED_CONCURRENCY_ARM64_USD.defaultValue()};
    private String pricesReadOn = PRICES_READ_ON.defaultValue();
    private URI sqsEndpoint;
    private String sqsRegion = AWS_REGION.defaultValue();
    private String sqsAccessKeyId;
    private String sqsSecretAccessKey;
    private String sqsSessionToken;
    private final Map<String, String> dlqQueues = new LinkedHashMap<>();
    private final Map<String, String> sourceQueues = new LinkedHashMap<>();
    private Duration dlqPollInterval = DLQ_POLL_INTERVAL.defaultValue();
    private DlqAgeMode dlqAgeMode = DLQ_AGE_MODE.defaultValue();
    private boolean awsConfigEnabled = AWS_CONFIG_ENABLED.defaultValue();
    private Duration awsConfigRefresh = AWS_CONFIG_REFRESH.defaultValue();
    private int awsConfigConcurrency = AWS_CONFIG_CONCURRENCY.defaultValue();
    private URI lambdaEndpoint;

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

    /** Replaces the HTTP port's bearer tokens; each maps to a tenant, {@code *} to an operator. */
    public Builder metricsAuthTokens(Map<String, String> tokenToTenant) {
      requireNonNull(tokenToTenant, "tokenToTenant");
      metricsTenantsByToken.clear();
      tokenToTenant.forEach((token, tenant) -> {
        if (token == null || token.isBlank() || tenant == null || tenant.isBlank()) {
          throw new IllegalArgumentException(METRICS_AUTH_TOKENS + ": tokens and tenants must not be blank");
        }
        metricsTenantsByToken.put(token, tenant);
      });
      return this;
    }

    public Builder metricsAllowUnauthenticated(boolean allow) {
      this.metricsAllowUnauthenticated = allow;
      return this;
    }

    /** PEM certificate chain and PEM private key: the HTTP port serves HTTPS. */
    public Builder metricsTls(Path certPem, Path keyPem) {
      this.metricsTlsCert = requireNonNull(certPem, "certPem");
      this.metricsTlsKey = requireNonNull(keyPem, "keyPem");
      return this;
    }

    public Builder metricsRequestReadTimeout(Duration timeout) {
      this.metricsRequestReadTimeout = METRICS_REQUEST_READ_TIMEOUT.check(timeout);
      return this;
    }

    public Builder metricsKeepAliveTimeout(Duration timeout) {
      this.metricsKeepAliveTimeout = METRICS_KEEP_ALIVE_TIMEOUT.check(timeout);
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

    /** The concurrency window and how late after its end invocations may still join it (at most 10 windows). */
    public Builder concurrency(Duration window, Duration lateness) {
      this.concurrencyWindow = CONCURRENCY_WINDOW.check(window);
      this.concurrencyLateness = CONCURRENCY_LATENESS.check(lateness);
      return this;
    }

    public Builder defaultArchitecture(Architecture architecture) {
      this.defaultArchitecture = requireNonNull(architecture, "architecture");
      return this;
    }

    /**
     * USD per request; per GB-second by architecture (x86_64, arm64): on demand, in
     * provisioned-concurrency environments, of allocated provisioned concurrency; and when they were read.
     */
    public Builder prices(double requestUsd, double[] durationUsd, double[] provisionedDurationUsd,
        double[] provisionedConcurrencyUsd, String readOn) {
      this.priceRequestUsd = PRICE_REQUEST_USD.check(requestUsd);
      this.priceDurationUsd = perArchitecture(durationUsd, PRICE_DURATION_X86_64_USD, PRICE_DURATION_ARM64_USD);
      this.priceProvisionedDurationUsd = perArchitecture(provisionedDurationUsd,
          PRICE_PROVISIONED_DURATION_X86_64_USD, PRICE_PROVISIONED_DURATION_ARM64_USD);
      this.priceProvisionedConcurrencyUsd = perArchitecture(provisionedConcurrencyUsd,
          PRICE_PROVISIONED_CONCURRENCY_X86_64_USD, PRICE_PROVISIONED_CONCURRENCY_ARM64_USD);
      this.pricesReadOn = nonEmpty(readOn, "readOn");
      return this;
    }

    private static double[] perArchitecture(double[] prices, Setting<Double> x86, Setting<Double> arm) {
      if (requireNonNull(prices, "prices").length != Architecture.values().length) {
        throw new IllegalArgumentException("one price per architecture (x86_64, arm64): " + x86 + ", " + arm);
      }
      return new double[] {x86.check(prices[0]), arm.check(prices[1])};
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
      return sqsCredentials(accessKeyId, secretAccessKey, null);
    }

    /** Static credentials; {@code sessionToken} (null for long-term keys) makes them temporary ones. */
    public Builder sqsCredentials(String accessKeyId, String secretAccessKey, String sessionToken) {
      this.sqsAccessKeyId = requireNonNull(accessKeyId, "accessKeyId");
      this.sqsSecretAccessKey = requireNonNull(secretAccessKey, "secretAccessKey");
      this.sqsSessionToken = sessionToken;
      return this;
    }

    /** A dead-letter queue to watch (name, URL or ARN) and the function it belongs to ("" if unknown). */
    public Builder dlqQueue(String queue, String function) {
      dlqQueues.put(queueRef(queue, DLQ_QUEUES), requireNonNull(function, "function"));
      return this;
    }

    public Builder dlqQueues(Map<String, String> queues) {
      queues.forEach(this::dlqQueue);
      return this;
    }

    /** A source queue (name, URL or ARN) consumed by a function; its RedrivePolicy names the DLQ. */
    public Builder sourceQueue(String queue, String function) {
      sourceQueues.put(queueRef(queue, SQS_SOURCE_QUEUES), nonEmpty(function, "function"));
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

    public Builder awsConfigEnabled(boolean enabled) {
      this.awsConfigEnabled = enabled;
      return this;
    }

    public Builder awsConfigRefresh(Duration refresh) {
      this.awsConfigRefresh = AWS_CONFIG_REFRESH.check(refresh);
      return this;
    }

    public Builder awsConfigConcurrency(int concurrency) {
      this.awsConfigConcurrency = AWS_CONFIG_CONCURRENCY.check(concurrency);
      return this;
    }

    public Builder lambdaEndpoint(URI endpoint) {
      this.lambdaEndpoint = requireNonNull(endpoint, "endpoint");
      return this;
    }

    public ProcessorConfig build() {
      if (bootstrapServers == null) {
        throw new IllegalStateException("bootstrapServers is required");
      }
      Exposure.requireTokensBeyondLoopback(metricsHost, METRICS_HOST, !metricsTenantsByToken.isEmpty(),
          METRICS_AUTH_TOKENS, metricsAllowUnauthenticated, METRICS_ALLOW_UNAUTHENTICATED);
      PemTls.check(metricsTlsCert, METRICS_TLS_CERT, metricsTlsKey, METRICS_TLS_KEY);
      if (concurrencyLateness.compareTo(concurrencyWindow.multipliedBy(10)) > 0) {
        // Bounds the windows kept open per function.
        throw new IllegalArgumentException(CONCURRENCY_LATENESS + " is at most 10 times " + CONCURRENCY_WINDOW
            + ": " + Units.formatDuration(concurrencyLateness) + " against " + Units.formatDuration(concurrencyWindow));
      }
      return new ProcessorConfig(this);
    }

    /** A queue as written, once it is known to read as a name, URL or ARN. */
    private static String queueRef(String queue, Setting<?> setting) {
      String q = nonEmpty(queue, "queue").strip();
      try {
        QueueRef.parse(q, "us-east-1");
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(setting + ": " + e.getMessage(), e);
      }
      return q;
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
