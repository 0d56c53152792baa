package io.lambdascope.collector;

import static java.util.Objects.requireNonNull;

import io.lambdascope.httpguard.Exposure;
import io.lambdascope.httpguard.PemTls;
import io.lambdascope.httpguard.TenantTokens;
import io.lambdascope.settings.KafkaSettings;
import io.lambdascope.settings.Setting;
import io.lambdascope.settings.Settings;
import io.lambdascope.settings.Units;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything the collector needs to run. Build it from environment-variable names with {@link
 * #fromSettings(Map)} (the launcher passes the environment overlaid with its flags), or with {@link
 * #builder(String)} in tests. The settings are declared below (the Kafka ones in {@link
 * KafkaSettings}); docs/configuration.md lists them.
 */
public final class CollectorConfig {
  private static final long MIB = 1024 * 1024;

  public static final Setting<String> OTLP_HOST =
      Setting.host("LAMBDASCOPE_OTLP_HOST", "127.0.0.1", "interface to listen on");
  public static final Setting<Integer> OTLP_PORT =
      Setting.port("LAMBDASCOPE_OTLP_PORT", 4318, "port; 0 = any free port");
  public static final Setting<Map<String, String>> AUTH_TOKENS =
      Setting.pairs("LAMBDASCOPE_AUTH_TOKENS", "token", "tenant", false,
              "`token=tenant` pairs separated by commas; when set, every ingestion request needs "
                  + "`Authorization: Bearer <token>`")
          .secret();
  public static final Setting<Path> AUTH_TOKENS_FILE =
      Setting.path("LAMBDASCOPE_AUTH_TOKENS_FILE", null,
          "file of `token=tenant` pairs, one a line (`#` starts a comment), instead of `LAMBDASCOPE_AUTH_TOKENS`; "
              + "read at start");
  public static final Setting<Boolean> ALLOW_UNAUTHENTICATED =
      Setting.bool("LAMBDASCOPE_ALLOW_UNAUTHENTICATED", false,
          "allow listening on a non-loopback interface without tokens");
  public static final Setting<Path> TLS_CERT =
      Setting.path("LAMBDASCOPE_TLS_CERT", null, "PEM certificate chain: serve HTTPS (with `LAMBDASCOPE_TLS_KEY`)");
  public static final Setting<Path> TLS_KEY =
      Setting.path("LAMBDASCOPE_TLS_KEY", null, "PEM private key (PKCS#8, or PKCS#1 RSA)");
  public static final Setting<Long> MAX_REQUEST_BYTES =
      Setting.size("LAMBDASCOPE_MAX_REQUEST_BYTES", 4 * MIB, 1024, "largest body as sent");
  public static final Setting<Long> MAX_DECOMPRESSED_BYTES =
      Setting.size("LAMBDASCOPE_MAX_DECOMPRESSED_BYTES", 16 * MIB, 1024, "largest body after gzip");
  public static final Setting<Long> MAX_DECODED_MESSAGES =
      Setting.longInteger("LAMBDASCOPE_MAX_DECODED_MESSAGES", 250_000, 100, Long.MAX_VALUE,
          "most protobuf messages (spans, attributes, values, ...) or JSON objects and arrays in one request");
  public static final Setting<Long> MAX_INFLIGHT_BYTES =
      Setting.size("LAMBDASCOPE_MAX_INFLIGHT_BYTES", 64 * MIB, 4096,
          "request bytes (as sent plus decompressed) held until Kafka answers; must hold one largest request");
  public static final Setting<Integer> MAX_INFLIGHT_REQUESTS =
      Setting.integer("LAMBDASCOPE_MAX_INFLIGHT_REQUESTS", 512, 1, Integer.MAX_VALUE,
          "requests held at once (reading, decoding or waiting for Kafka)");
  public static final Setting<Duration> KAFKA_TIMEOUT =
      Setting.duration("LAMBDASCOPE_KAFKA_TIMEOUT", Duration.ofSeconds(10),
              "how long a request waits for Kafka before it gets 503; also the producer's `delivery.timeout.ms` "
                  + "and `max.block.ms`")
          .replaces("LAMBDASCOPE_KAFKA_TIMEOUT_MS");
  public static final Setting<Duration> KAFKA_START_TIMEOUT =
      Setting.duration("LAMBDASCOPE_KAFKA_START_TIMEOUT", Duration.ofSeconds(30),
              "how long start-up waits for Kafka and the topics")
          .replaces("LAMBDASCOPE_KAFKA_START_TIMEOUT_MS");
  public static final Setting<Duration> SHUTDOWN_TIMEOUT =
      Setting.duration("LAMBDASCOPE_SHUTDOWN_TIMEOUT", Duration.ofSeconds(30),
              "how long `close()` waits for in-flight requests and the producer")
          .replaces("LAMBDASCOPE_SHUTDOWN_TIMEOUT_MS");
  public static final Setting<Duration> REQUEST_READ_TIMEOUT =
      Setting.duration("LAMBDASCOPE_REQUEST_READ_TIMEOUT", Duration.ofSeconds(5),
          "how long a client may take to send a request: a new connection its first request, headers and body; "
              + "a kept-alive one the body after the headers; slower connections are closed");
  public static final Setting<Duration> KEEP_ALIVE_TIMEOUT =
      Setting.duration("LAMBDASCOPE_KEEP_ALIVE_TIMEOUT", Duration.ofSeconds(75),
          "how long a connection may stay open between an answer and the next request");
  public static final Setting<Integer> DECODE_THREADS =
      Setting.integer("LAMBDASCOPE_DECODE_THREADS", 2, 1, 1024,
          "threads that decode requests and hand them to the producer");

  /** The collector's own settings, in the order docs/configuration.md lists them; it also reads {@link KafkaSettings#ALL}. */
  public static final List<Setting<?>> SETTINGS =
      List.of(OTLP_HOST, OTLP_PORT, AUTH_TOKENS, AUTH_TOKENS_FILE, ALLOW_UNAUTHENTICATED, TLS_CERT, TLS_KEY,
          MAX_REQUEST_BYTES, MAX_DECOMPRESSED_BYTES, MAX_DECODED_MESSAGES, MAX_INFLIGHT_BYTES, MAX_INFLIGHT_REQUESTS,
          KAFKA_TIMEOUT, KAFKA_START_TIMEOUT, SHUTDOWN_TIMEOUT, REQUEST_READ_TIMEOUT, KEEP_ALIVE_TIMEOUT,
          DECODE_THREADS);

  private final String kafkaBootstrapServers;
  private final Path kafkaConfigFile;
  private final Map<String, String> kafkaProperties;
  private final String topicSpans;
  private final String topicMetrics;
  private final String topicLogs;
  private final int topicPartitions;
  private final short topicReplicationFactor;
  private final String host;
  private final int port;
  private final Map<String, String> tenantsByToken;
  private final boolean allowUnauthenticated;
  private final Path tlsCert;
  private final Path tlsKey;
  private final long maxRequestBytes;
  private final long maxDecompressedBytes;
  private final long maxDecodedMessages;
  private final long maxInflightBytes;
  private final int maxInflightRequests;
  private final Duration kafkaTimeout;
  private final Duration kafkaStartTimeout;
  private final Duration shutdownTimeout;
  private final Duration requestReadTimeout;
  private final Duration keepAliveTimeout;
  private final int decodeThreads;

  private CollectorConfig(Builder b) {
    this.kafkaBootstrapServers = b.kafkaBootstrapServers;
    this.kafkaConfigFile = b.kafkaConfigFile;
    this.kafkaProperties = Collections.unmodifiableMap(new LinkedHashMap<>(b.kafkaProperties));
    this.topicSpans = b.topicSpans;
    this.topicMetrics = b.topicMetrics;
    this.topicLogs = b.topicLogs;
    this.topicPartitions = b.topicPartitions;
    this.topicReplicationFactor = b.topicReplicationFactor;
    this.host = b.host;
    this.port = b.port;
    this.tenantsByToken = Collections.unmodifiableMap(new LinkedHashMap<>(b.tenantsByToken));
    this.allowUnauthenticated = b.allowUnauthenticated;
    this.tlsCert = b.tlsCert;
    this.tlsKey = b.tlsKey;
    this.maxRequestBytes = b.maxRequestBytes;
    this.maxDecompressedBytes = b.maxDecompressedBytes;
    this.maxDecodedMessages = b.maxDecodedMessages;
    this.maxInflightBytes = b.maxInflightBytes;
    this.maxInflightRequests = b.maxInflightRequests;
    this.kafkaTimeout = b.kafkaTimeout;
    this.kafkaStartTimeout = b.kafkaStartTimeout;
    this.shutdownTimeout = b.shutdownTimeout;
    this.requestReadTimeout = b.requestReadTimeout;
    this.keepAliveTimeout = b.keepAliveTimeout;
    this.decodeThreads = b.decodeThreads;
  }

  /** A builder with every default; only the Kafka bootstrap servers are required. */
  public static Builder builder(String kafkaBootstrapServers) {
    return new Builder(kafkaBootstrapServers);
  }

  /**
   * Reads the settings by environment-variable name (blank values count as unset).
   *
   * @throws IllegalArgumentException naming the setting when one is missing, malformed or unsafe
   */
  public static CollectorConfig fromSettings(Map<String, String> settings) {
    Settings s = Settings.of(requireNonNull(settings, "settings"));
    Builder b = builder(KafkaSettings.bootstrapServers(s.require(KafkaSettings.BOOTSTRAP_SERVERS)))
        .topicSpans(s.get(KafkaSettings.TOPIC_SPANS))
        .topicMetrics(s.get(KafkaSettings.TOPIC_METRICS))
        .topicLogs(s.get(KafkaSettings.TOPIC_LOGS))
        .topicPartitions(s.get(KafkaSettings.TOPIC_PARTITIONS))
        .topicReplicationFactor(s.get(KafkaSettings.TOPIC_REPLICATION_FACTOR).shortValue())
        .host(s.get(OTLP_HOST))
        .port(s.get(OTLP_PORT))
        .authTokens(TenantTokens.fromSettings(s, AUTH_TOKENS, AUTH_TOKENS_FILE))
        .allowUnauthenticated(s.get(ALLOW_UNAUTHENTICATED))
        .maxRequestBytes(s.get(MAX_REQUEST_BYTES))
        .maxDecompressedBytes(s.get(MAX_DECOMPRESSED_BYTES))
        .maxDecodedMessages(s.get(MAX_DECODED_MESSAGES))
        .maxInflightBytes(s.get(MAX_INFLIGHT_BYTES))
        .maxInflightRequests(s.get(MAX_INFLIGHT_REQUESTS))
        .kafkaTimeout(s.get(KAFKA_TIMEOUT))
        .kafkaStartTimeout(s.get(KAFKA_START_TIMEOUT))
        .shutdownTimeout(s.get(SHUTDOWN_TIMEOUT))
        .requestReadTimeout(s.get(REQUEST_READ_TIMEOUT))
        .keepAliveTimeout(s.get(KEEP_ALIVE_TIMEOUT))
        .decodeThreads(s.get(DECODE_THREADS));
    s.find(KafkaSettings.CONFIG).ifPresent(b::kafkaConfigFile);
    Optional<Path> cert = s.find(TLS_CERT);
    Optional<Path> key = s.find(TLS_KEY);
    PemTls.check(cert.orElse(null), TLS_CERT, key.orElse(null), TLS_KEY);
    cert.ifPresent(c -> b.tls(c, key.get()));
    return b.build();
  }

  /** One line for the start-up log: the effective configuration with secrets masked. */
  public String describe() {
    StringJoiner j = new StringJoiner(" ");
    j.add("listen=" + (tlsCert != null ? "https" : "http") + "://" + hostForUrl() + ":" + port);
    if (tenantsByToken.isEmpty()) {
      j.add("auth=none" + (allowUnauthenticated && !isLoopback(host) ? "(UNAUTHENTICATED ON " + host + ")" : ""));
    } else {
      j.add("auth=bearer(" + tenantsByToken.size() + " tokens, tenants=" + String.join(",", new TreeSet<>(tenantsByToken.values())) + ")");
    }
    if (tlsCert != null) {
      j.add("tls.cert=" + tlsCert);
    }
    j.add("kafka=" + kafkaBootstrapServers);
    if (kafkaConfigFile != null) {
      j.add("kafka.config=" + kafkaConfigFile);
    }
    Map<String, String> extra = new TreeMap<>(kafkaProperties);
    if (!extra.isEmpty()) {
      StringJoiner props = new StringJoiner(",", "kafka.props={", "}");
      extra.forEach((k, v) -> props.add(k + "=" + (isSecretKafkaKey(k) ? "****" : v)));
      j.add(props.toString());
    }
    j.add("topics=" + topicSpans + "," + topicMetrics + "," + topicLogs);
    j.add("partitions=" + topicPartitions);
    j.add("max.request.bytes=" + maxRequestBytes);
    j.add("max.decompressed.bytes=" + maxDecompressedBytes);
    j.add("max.decoded.messages=" + maxDecodedMessages);
    j.add("max.inflight.bytes=" + maxInflightBytes);
    j.add("max.inflight.requests=" + maxInflightRequests);
    j.add("kafka.timeout=" + Units.formatDuration(kafkaTimeout));
    j.add("request.read.timeout=" + Units.formatDuration(requestReadTimeout));
    j.add("keep.alive.timeout=" + Units.formatDuration(keepAliveTimeout));
    return j.toString();
  }

  /** Kafka client properties whose values must never be printed. */
  static boolean isSecretKafkaKey(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password") || k.contains("jaas") || k.contains("secret") || k.contains("token")
        || k.contains("credential") || k.endsWith(".key") || k.contains("key.pem") || k.contains("keystore.key");
  }

  private String hostForUrl() {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  static boolean isLoopback(String host) {
    return Exposure.isLoopback(host, OTLP_HOST);
  }

  public String kafkaBootstrapServers() {
    return kafkaBootstrapServers;
  }

  /** The Kafka client properties file ({@code LAMBDASCOPE_KAFKA_CONFIG}), or null. */
  public Path kafkaConfigFile() {
    return kafkaConfigFile;
  }

  /** Extra Kafka client properties given to the builder; applied after the file's. */
  public Map<String, String> kafkaProperties() {
    return kafkaProperties;
  }

  public String topicSpans() {
    return topicSpans;
  }

  public String topicMetrics() {
    return topicMetrics;
  }

  public String topicLogs() {
    return topicLogs;
  }

  public int topicPartitions() {
    return topicPartitions;
  }

  /** -1 means the broker's default. */
  public short topicReplicationFactor() {
    return topicReplicationFactor;
  }

  public String host() {
    return host;
  }

  /** 0 means any free port; {@link Collector#port()} tells which. */
  public int port() {
    return port;
  }

  /** Bearer token to tenant name; empty when authentication is off. */
  public Map<String, String> tenantsByToken() {
    return tenantsByToken;
  }

  /** True when the collector listens beyond loopback without tokens (the launcher says so loudly). */
  public boolean unauthenticatedOnNetwork() {
    return tenantsByToken.isEmpty() && !isLoopback(host);
  }

  public Path tlsCert() {
    return tlsCert;
  }

  public Path tlsKey() {
    return tlsKey;
  }

  public long maxRequestBytes() {
    return maxRequestBytes;
  }

  public long maxDecompressedBytes() {
    return maxDecompressedBytes;
  }

  public long maxDecodedMessages() {
    return maxDecodedMessages;
  }

  public long maxInflightBytes() {
    return maxInflightBytes;
  }

  public int maxInflightRequests() {
    return maxInflightRequests;
  }

  public Duration kafkaTimeout() {
    return kafkaTimeout;
  }

  public Duration kafkaStartTimeout() {
    return kafkaStartTimeout;
  }

  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  public Duration requestReadTimeout() {
    return requestReadTimeout;
  }

  public Duration keepAliveTimeout() {
    return keepAliveTimeout;
  }

  public int decodeThreads() {
    return decodeThreads;
  }

  /** The Kafka client properties from the file, then the builder's extras. */
  public Map<String, String> kafkaClientProperties() {
    Map<String, String> all = new LinkedHashMap<>();
    if (kafkaConfigFile != null) {
      Properties p = new Properties();
      try (InputStream in = Files.newInputStream(kafkaConfigFile)) {
        p.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException(KafkaSettings.CONFIG + ": cannot read " + kafkaConfigFile, e);
      }
      p.stringPropertyNames().forEach(k -> all.put(k, p.getProperty(k)));
    }
    all.putAll(kafkaProperties);
    return all;
  }

  /** Settings for a {@link CollectorConfig}; the defaults are those of the declarations above. */
  public static final class Builder {
    private final String kafkaBootstrapServers;
    private Path kafkaConfigFile;
    private final Map<String, String> kafkaProperties = new LinkedHashMap<>();
    private String topicSpans = KafkaSettings.TOPIC_SPANS.defaultValue();
    private String topicMetrics = KafkaSettings.TOPIC_METRICS.defaultValue();
    private String topicLogs = KafkaSettings.TOPIC_LOGS.defaultValue();
    private int topicPartitions = KafkaSettings.TOPIC_PARTITIONS.defaultValue();
    private short topicReplicationFactor = KafkaSettings.TOPIC_REPLICATION_FACTOR.defaultValue().shortValue();
    private String host = OTLP_HOST.defaultValue();
    private int port = OTLP_PORT.defaultValue();
    private final Map<String, String> tenantsByToken = new LinkedHashMap<>();
    private boolean allowUnauthenticated = ALLOW_UNAUTHENTICATED.defaultValue();
    private Path tlsCert;
    private Path tlsKey;
    private long maxRequestBytes = MAX_REQUEST_BYTES.defaultValue();
    private long maxDecompressedBytes = MAX_DECOMPRESSED_BYTES.defaultValue();
    private long maxDecodedMessages = MAX_DECODED_MESSAGES.defaultValue();
    private long maxInflightBytes = MAX_INFLIGHT_BYTES.defaultValue();
    private int maxInflightRequests = MAX_INFLIGHT_REQUESTS.defaultValue();
    private Duration kafkaTimeout = KAFKA_TIMEOUT.defaultValue();
    private Duration kafkaStartTimeout = KAFKA_START_TIMEOUT.defaultValue();
    private Duration shutdownTimeout = SHUTDOWN_TIMEOUT.defaultValue();
    private Duration requestReadTimeout = REQUEST_READ_TIMEOUT.defaultValue();
    private Duration keepAliveTimeout = KEEP_ALIVE_TIMEOUT.defaultValue();
    private int decodeThreads = DECODE_THREADS.defaultValue();

    private Builder(String kafkaBootstrapServers) {
      requireNonNull(kafkaBootstrapServers, "kafkaBootstrapServers");
      this.kafkaBootstrapServers =
          KafkaSettings.bootstrapServers(KafkaSettings.BOOTSTRAP_SERVERS.parse(kafkaBootstrapServers));
    }

    public Builder kafkaConfigFile(Path file) {
      this.kafkaConfigFile = requireNonNull(file, "file");
      return this;
    }

    /** A Kafka client property (producer and admin), applied after the config file's. */
    public Builder kafkaProperty(String key, String value) {
      kafkaProperties.put(requireNonNull(key, "key"), requireNonNull(value, "value"));
      return this;
    }

    public Builder topicSpans(String topic) {
      this.topicSpans = KafkaSettings.TOPIC_SPANS.check(topic);
      return this;
    }

    public Builder topicMetrics(String topic) {
      this.topicMetrics = KafkaSettings.TOPIC_METRICS.check(topic);
      return this;
    }

    public Builder topicLogs(String topic) {
      this.topicLogs = KafkaSettings.TOPIC_LOGS.check(topic);
      return this;
    }

    public Builder topicPartitions(int partitions) {
      this.topicPartitions = KafkaSettings.TOPIC_PARTITIONS.check(partitions);
      return this;
    }

    /** -1 leaves it to the broker. */
    public Builder topicReplicationFactor(short factor) {
      this.topicReplicationFactor = KafkaSettings.TOPIC_REPLICATION_FACTOR.check((int) factor).shortValue();
      return this;
    }

    public Builder host(String host) {
      this.host = OTLP_HOST.parse(requireNonNull(host, "host"));
      return this;
    }

    public Builder port(int port) {
      this.port = OTLP_PORT.check(port);
      return this;
    }

    /** Replaces the bearer tokens; each maps to the tenant stamped on its data. */
    public Builder authTokens(Map<String, String> tokenToTenant) {
      requireNonNull(tokenToTenant, "tokenToTenant");
      tenantsByToken.clear();
      tokenToTenant.forEach((token, tenant) -> {
        if (token == null || token.isBlank() || tenant == null || tenant.isBlank()) {
          throw new IllegalArgumentException(AUTH_TOKENS + ": tokens and tenants must not be blank");
        }
        tenantsByToken.put(token, tenant);
      });
      return this;
    }

    public Builder allowUnauthenticated(boolean allow) {
      this.allowUnauthenticated = allow;
      return this;
    }

    /** PEM certificate chain and PEM private key for HTTPS. */
    public Builder tls(Path certPem, Path keyPem) {
      this.tlsCert = requireNonNull(certPem, "certPem");
      this.tlsKey = requireNonNull(keyPem, "keyPem");
      return this;
    }

    public Builder maxRequestBytes(long bytes) {
      this.maxRequestBytes = MAX_REQUEST_BYTES.check(bytes);
      return this;
    }

    public Builder maxDecompressedBytes(long bytes) {
      this.maxDecompressedBytes = MAX_DECOMPRESSED_BYTES.check(bytes);
      return this;
    }

    public Builder maxDecodedMessages(long messages) {
      this.maxDecodedMessages = MAX_DECODED_MESSAGES.check(messages);
      return this;
    }

    public Builder maxInflightBytes(long bytes) {
      this.maxInflightBytes = MAX_INFLIGHT_BYTES.check(bytes);
      return this;
    }

    public Builder maxInflightRequests(int requests) {
      this.maxInflightRequests = MAX_INFLIGHT_REQUESTS.check(requests);
      return this;
    }

    /** How long a request waits for Kafka's acknowledgement before it gets a 503. */
    public Builder kafkaTimeout(Duration timeout) {
      this.kafkaTimeout = KAFKA_TIMEOUT.check(timeout);
      return this;
    }

    /** How long {@link Collector#start} waits for Kafka to answer and topics to exist. */
    public Builder kafkaStartTimeout(Duration timeout) {
      this.kafkaStartTimeout = KAFKA_START_TIMEOUT.check(timeout);
      return this;
    }

    /** How long {@link Collector#close} waits for in-flight requests and the producer. */
    public Builder shutdownTimeout(Duration timeout) {
      this.shutdownTimeout = SHUTDOWN_TIMEOUT.check(timeout);
      return this;
    }

    /** How long a client may take to send a request before its connection is closed. */
    public Builder requestReadTimeout(Duration timeout) {
      this.requestReadTimeout = REQUEST_READ_TIMEOUT.check(timeout);
      return this;
    }

    /** How long a connection may stay idle between an answer and the next request. */
    public Builder keepAliveTimeout(Duration timeout) {
      this.keepAliveTimeout = KEEP_ALIVE_TIMEOUT.check(timeout);
      return this;
    }

    public Builder decodeThreads(int threads) {
      this.decodeThreads = DECODE_THREADS.check(threads);
      return this;
    }

    /**
     * Checks the settings together.
     *
     * @throws IllegalArgumentException when limits contradict each other or the collector would
     *     listen beyond loopback without tokens and without {@code LAMBDASCOPE_ALLOW_UNAUTHENTICATED}
     */
    public CollectorConfig build() {
      Exposure.requireTokensBeyondLoopback(host, OTLP_HOST, !tenantsByToken.isEmpty(), AUTH_TOKENS,
          allowUnauthenticated, ALLOW_UNAUTHENTICATED);
      if (maxRequestBytes + maxDecompressedBytes > maxInflightBytes) {
        throw new IllegalArgumentException(
            MAX_INFLIGHT_BYTES + " (" + Units.formatSize(maxInflightBytes) + ") must hold at least one request: "
                + MAX_REQUEST_BYTES + " + " + MAX_DECOMPRESSED_BYTES + " = "
                + Units.formatSize(maxRequestBytes + maxDecompressedBytes));
      }
      PemTls.check(tlsCert, TLS_CERT, tlsKey, TLS_KEY);
      if (kafkaConfigFile != null && !Files.isReadable(kafkaConfigFile)) {
        throw new IllegalArgumentException(KafkaSettings.CONFIG + " not readable: " + kafkaConfigFile);
      }
      return new CollectorConfig(this);
    }
  }
}
