package io.lambdascope.collector;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
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
 * #builder(String)} in tests. Every setting and default is documented in {@code docs/collector.md}.
 */
public final class CollectorConfig {
  public static final String KAFKA_BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";
  public static final String KAFKA_CONFIG = "LAMBDASCOPE_KAFKA_CONFIG";
  public static final String TOPIC_SPANS = "LAMBDASCOPE_TOPIC_SPANS";
  public static final String TOPIC_METRICS = "LAMBDASCOPE_TOPIC_METRICS";
  public static final String TOPIC_LOGS = "LAMBDASCOPE_TOPIC_LOGS";
  public static final String TOPIC_PARTITIONS = "LAMBDASCOPE_TOPIC_PARTITIONS";
  public static final String TOPIC_REPLICATION_FACTOR = "LAMBDASCOPE_TOPIC_REPLICATION_FACTOR";
  public static final String OTLP_HOST = "LAMBDASCOPE_OTLP_HOST";
  public static final String OTLP_PORT = "LAMBDASCOPE_OTLP_PORT";
  public static final String AUTH_TOKENS = "LAMBDASCOPE_AUTH_TOKENS";
  public static final String ALLOW_UNAUTHENTICATED = "LAMBDASCOPE_ALLOW_UNAUTHENTICATED";
  public static final String TLS_CERT = "LAMBDASCOPE_TLS_CERT";
  public static final String TLS_KEY = "LAMBDASCOPE_TLS_KEY";
  public static final String MAX_REQUEST_BYTES = "LAMBDASCOPE_MAX_REQUEST_BYTES";
  public static final String MAX_DECOMPRESSED_BYTES = "LAMBDASCOPE_MAX_DECOMPRESSED_BYTES";
  public static final String MAX_DECODED_MESSAGES = "LAMBDASCOPE_MAX_DECODED_MESSAGES";
  public static final String MAX_INFLIGHT_BYTES = "LAMBDASCOPE_MAX_INFLIGHT_BYTES";
  public static final String MAX_INFLIGHT_REQUESTS = "LAMBDASCOPE_MAX_INFLIGHT_REQUESTS";
  public static final String KAFKA_TIMEOUT_MS = "LAMBDASCOPE_KAFKA_TIMEOUT_MS";
  public static final String KAFKA_START_TIMEOUT_MS = "LAMBDASCOPE_KAFKA_START_TIMEOUT_MS";
  public static final String SHUTDOWN_TIMEOUT_MS = "LAMBDASCOPE_SHUTDOWN_TIMEOUT_MS";
  public static final String DECODE_THREADS = "LAMBDASCOPE_DECODE_THREADS";

  private static final long MIB = 1024 * 1024;

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
    requireNonNull(settings, "settings");
    Settings s = new Settings(settings);
    String bootstrap = s.get(KAFKA_BOOTSTRAP_SERVERS);
    if (bootstrap == null) {
      throw new IllegalArgumentException(KAFKA_BOOTSTRAP_SERVERS + " is required");
    }
    Builder b = builder(bootstrap);
    String kafkaConfig = s.get(KAFKA_CONFIG);
    if (kafkaConfig != null) {
      b.kafkaConfigFile(Path.of(kafkaConfig));
    }
    if (s.get(TOPIC_SPANS) != null) {
      b.topicSpans(s.get(TOPIC_SPANS));
    }
    if (s.get(TOPIC_METRICS) != null) {
      b.topicMetrics(s.get(TOPIC_METRICS));
    }
    if (s.get(TOPIC_LOGS) != null) {
      b.topicLogs(s.get(TOPIC_LOGS));
    }
    s.intValue(TOPIC_PARTITIONS).ifPresent(b::topicPartitions);
    s.intValue(TOPIC_REPLICATION_FACTOR).ifPresent(v -> b.topicReplicationFactor((short) (int) v));
    if (s.get(OTLP_HOST) != null) {
      b.host(s.get(OTLP_HOST));
    }
    s.intValue(OTLP_PORT).ifPresent(b::port);
    String tokens = s.get(AUTH_TOKENS);
    if (tokens != null) {
      b.authTokens(parseTokens(tokens));
    }
    String allow = s.get(ALLOW_UNAUTHENTICATED);
    if (allow != null) {
      b.allowUnauthenticated(parseBoolean(ALLOW_UNAUTHENTICATED, allow));
    }
    String cert = s.get(TLS_CERT);
    String key = s.get(TLS_KEY);
    if (cert != null || key != null) {
      if (cert == null || key == null) {
        throw new IllegalArgumentException(TLS_CERT + " and " + TLS_KEY + " must be set together");
      }
      b.tls(Path.of(cert), Path.of(key));
    }
    s.longValue(MAX_REQUEST_BYTES).ifPresent(b::maxRequestBytes);
    s.longValue(MAX_DECOMPRESSED_BYTES).ifPresent(b::maxDecompressedBytes);
    s.longValue(MAX_DECODED_MESSAGES).ifPresent(b::maxDecodedMessages);
    s.longValue(MAX_INFLIGHT_BYTES).ifPresent(b::maxInflightBytes);
    s.intValue(MAX_INFLIGHT_REQUESTS).ifPresent(b::maxInflightRequests);
    s.longValue(KAFKA_TIMEOUT_MS).ifPresent(v -> b.kafkaTimeout(Duration.ofMillis(v)));
    s.longValue(KAFKA_START_TIMEOUT_MS).ifPresent(v -> b.kafkaStartTimeout(Duration.ofMillis(v)));
    s.longValue(SHUTDOWN_TIMEOUT_MS).ifPresent(v -> b.shutdownTimeout(Duration.ofMillis(v)));
    s.intValue(DECODE_THREADS).ifPresent(b::decodeThreads);
    return b.build();
  }

  /** {@code token=tenant} pairs separated by commas. */
  static Map<String, String> parseTokens(String value) {
    Map<String, String> tokens = new LinkedHashMap<>();
    for (String pair : value.split(",")) {
      String p = pair.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.lastIndexOf('=');
      if (eq <= 0 || eq == p.length() - 1) {
        throw new IllegalArgumentException(
            AUTH_TOKENS + ": expected token=tenant pairs separated by commas (entry " + (tokens.size() + 1) + ")");
      }
      tokens.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
    }
    return tokens;
  }

  private static boolean parseBoolean(String name, String value) {
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true":
      case "1":
      case "yes":
        return true;
      case "false":
      case "0":
      case "no":
        return false;
      default:
        throw new IllegalArgumentException(name + " must be true or false: " + value);
    }
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
    j.add("kafka.timeout=" + kafkaTimeout.toMillis() + "ms");
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
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(OTLP_HOST + " does not resolve: " + host, e);
    }
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
        throw new UncheckedIOException(KAFKA_CONFIG + ": cannot read " + kafkaConfigFile, e);
      }
      p.stringPropertyNames().forEach(k -> all.put(k, p.getProperty(k)));
    }
    all.putAll(kafkaProperties);
    return all;
  }

  /** Settings for a {@link CollectorConfig}; defaults as documented in docs/collector.md. */
  public static final class Builder {
    private final String kafkaBootstrapServers;
    private Path kafkaConfigFile;
    private final Map<String, String> kafkaProperties = new LinkedHashMap<>();
    private String topicSpans = "otlp_spans";
    private String topicMetrics = "otlp_metrics";
    private String topicLogs = "otlp_logs";
    private int topicPartitions = 3;
    private short topicReplicationFactor = -1;
    private String host = "127.0.0.1";
    private int port = 4318;
    private final Map<String, String> tenantsByToken = new LinkedHashMap<>();
    private boolean allowUnauthenticated;
    private Path tlsCert;
    private Path tlsKey;
    private long maxRequestBytes = 4 * MIB;
    private long maxDecompressedBytes = 16 * MIB;
    private long maxDecodedMessages = 250_000;
    private long maxInflightBytes = 64 * MIB;
    private int maxInflightRequests = 512;
    private Duration kafkaTimeout = Duration.ofSeconds(10);
    private Duration kafkaStartTimeout = Duration.ofSeconds(30);
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private int decodeThreads = 2;

    private Builder(String kafkaBootstrapServers) {
      requireNonNull(kafkaBootstrapServers, "kafkaBootstrapServers");
      if (kafkaBootstrapServers.isBlank()) {
        throw new IllegalArgumentException(KAFKA_BOOTSTRAP_SERVERS + " is blank");
      }
      this.kafkaBootstrapServers = kafkaBootstrapServers.trim();
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
      this.topicSpans = topicName(topic, TOPIC_SPANS);
      return this;
    }

    public Builder topicMetrics(String topic) {
      this.topicMetrics = topicName(topic, TOPIC_METRICS);
      return this;
    }

    public Builder topicLogs(String topic) {
      this.topicLogs = topicName(topic, TOPIC_LOGS);
      return this;
    }

    public Builder topicPartitions(int partitions) {
      this.topicPartitions = atLeast(partitions, 1, TOPIC_PARTITIONS);
      return this;
    }

    public Builder topicReplicationFactor(short factor) {
      if (factor != -1 && factor < 1) {
        throw new IllegalArgumentException(TOPIC_REPLICATION_FACTOR + " must be -1 (broker default) or at least 1");
      }
      this.topicReplicationFactor = factor;
      return this;
    }

    public Builder host(String host) {
      this.host = requireNonNull(host, "host").trim();
      return this;
    }

    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(OTLP_PORT + " out of range: " + port);
      }
      this.port = port;
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
      this.maxRequestBytes = atLeast(bytes, 1024, MAX_REQUEST_BYTES);
      return this;
    }

    public Builder maxDecompressedBytes(long bytes) {
      this.maxDecompressedBytes = atLeast(bytes, 1024, MAX_DECOMPRESSED_BYTES);
      return this;
    }

    public Builder maxDecodedMessages(long messages) {
      this.maxDecodedMessages = atLeast(messages, 100, MAX_DECODED_MESSAGES);
      return this;
    }

    public Builder maxInflightBytes(long bytes) {
      this.maxInflightBytes = atLeast(bytes, 4096, MAX_INFLIGHT_BYTES);
      return this;
    }

    public Builder maxInflightRequests(int requests) {
      this.maxInflightRequests = atLeast(requests, 1, MAX_INFLIGHT_REQUESTS);
      return this;
    }

    /** How long a request waits for Kafka's acknowledgement before it gets a 503. */
    public Builder kafkaTimeout(Duration timeout) {
      this.kafkaTimeout = positive(timeout, KAFKA_TIMEOUT_MS);
      return this;
    }

    /** How long {@link Collector#start} waits for Kafka to answer and topics to exist. */
    public Builder kafkaStartTimeout(Duration timeout) {
      this.kafkaStartTimeout = positive(timeout, KAFKA_START_TIMEOUT_MS);
      return this;
    }

    /** How long {@link Collector#close} waits for in-flight requests and the producer. */
    public Builder shutdownTimeout(Duration timeout) {
      this.shutdownTimeout = positive(timeout, SHUTDOWN_TIMEOUT_MS);
      return this;
    }

    public Builder decodeThreads(int threads) {
      this.decodeThreads = atLeast(threads, 1, DECODE_THREADS);
      return this;
    }

    /**
     * Checks the settings together.
     *
     * @throws IllegalArgumentException when limits contradict each other or the collector would
     *     listen beyond loopback without tokens and without {@code LAMBDASCOPE_ALLOW_UNAUTHENTICATED}
     */
    public CollectorConfig build() {
      if (host.isEmpty()) {
        throw new IllegalArgumentException(OTLP_HOST + " is blank");
      }
      if (tenantsByToken.isEmpty() && !allowUnauthenticated && !isLoopback(host)) {
        throw new IllegalArgumentException(
            "refusing to listen on " + host + " without authentication: set " + AUTH_TOKENS
                + " (token=tenant pairs), or " + ALLOW_UNAUTHENTICATED + "=true to accept anyone who can reach it");
      }
      if (maxRequestBytes + maxDecompressedBytes > maxInflightBytes) {
        throw new IllegalArgumentException(
            MAX_INFLIGHT_BYTES + " (" + maxInflightBytes + ") must hold at least one request: "
                + MAX_REQUEST_BYTES + " + " + MAX_DECOMPRESSED_BYTES + " = " + (maxRequestBytes + maxDecompressedBytes));
      }
      if (tlsCert != null) {
        for (Path p : new Path[] {tlsCert, tlsKey}) {
          if (!Files.isReadable(p)) {
            throw new IllegalArgumentException("TLS file not readable: " + p);
          }
        }
      }
      if (kafkaConfigFile != null && !Files.isReadable(kafkaConfigFile)) {
        throw new IllegalArgumentException(KAFKA_CONFIG + " not readable: " + kafkaConfigFile);
      }
      return new CollectorConfig(this);
    }

    private static String topicName(String topic, String setting) {
      requireNonNull(topic, "topic");
      if (!topic.matches("[a-zA-Z0-9._-]{1,249}")) {
        throw new IllegalArgumentException(setting + " is not a valid Kafka topic name: " + topic);
      }
      return topic;
    }

    private static int atLeast(int value, int min, String setting) {
      if (value < min) {
        throw new IllegalArgumentException(setting + " must be at least " + min + ": " + value);
      }
      return value;
    }

    private static long atLeast(long value, long min, String setting) {
      if (value < min) {
        throw new IllegalArgumentException(setting + " must be at least " + min + ": " + value);
      }
      return value;
    }

    private static Duration positive(Duration d, String setting) {
      requireNonNull(d, "timeout");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(setting + " must be positive");
      }
      return d;
    }
  }

  /** Reads names from the settings map; blank means unset, numbers must parse. */
  private static final class Settings {
    private final Map<String, String> values;

    Settings(Map<String, String> values) {
      this.values = values;
    }

    String get(String name) {
      String v = values.get(name);
      return v == null || v.isBlank() ? null : v.trim();
    }

    Optional<Integer> intValue(String name) {
      String v = get(name);
      if (v == null) {
        return Optional.empty();
      }
      try {
        return Optional.of(Integer.parseInt(v));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be an integer: " + v, e);
      }
    }

    Optional<Long> longValue(String name) {
      String v = get(name);
      if (v == null) {
        return Optional.empty();
      }
      try {
        return Optional.of(Long.parseLong(v));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be an integer: " + v, e);
      }
    }
  }
}
