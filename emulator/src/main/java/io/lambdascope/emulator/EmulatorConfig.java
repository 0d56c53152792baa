package io.lambdascope.emulator;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How to run the emulator. Built from a settings map of LAMBDASCOPE_* names ({@link #fromSettings}) or a
 * {@link Builder}; every setting and its default is listed in docs/emulator.md.
 */
public final class EmulatorConfig {

  /** Settings the emulator forwards to every execution environment, for the agent. */
  private static final java.util.List<String> AGENT_SETTINGS = java.util.List.of(
      "LAMBDASCOPE_ENDPOINT", "LAMBDASCOPE_TOKEN", "LAMBDASCOPE_TIMEOUT_MARGIN_MS", "LAMBDASCOPE_ENABLED",
      "LAMBDASCOPE_DEBUG", "LAMBDASCOPE_FLUSH_TIMEOUT_MS", "LAMBDASCOPE_MAX_BUFFERED_SPANS", "LAMBDASCOPE_THROTTLES");

  private final String functions;
  private final Map<String, String> variables;
  private final String host;
  private final int invokePort;
  private final int sqsPort;
  private final Optional<Path> agentJar;
  private final URI endpoint;
  private final Optional<String> token;
  private final boolean platformEvents;
  private final Map<String, String> agentEnvironment;
  private final Duration idleReclaim;
  private final Duration initTimeout;
  private final Duration asyncRetryDelay;
  private final double sqsRateLimit;
  private final String region;
  private final Optional<Path> logDir;
  private final Optional<String> runtimeClasspath;

  private EmulatorConfig(Builder b) {
    this.functions = b.functions;
    this.variables = Map.copyOf(b.variables);
    this.host = b.host;
    this.invokePort = b.invokePort;
    this.sqsPort = b.sqsPort;
    this.agentJar = Optional.ofNullable(b.agentJar);
    this.endpoint = b.endpoint;
    this.token = Optional.ofNullable(b.token);
    this.platformEvents = b.platformEvents;
    this.agentEnvironment = Map.copyOf(b.agentEnvironment);
    this.idleReclaim = b.idleReclaim;
    this.initTimeout = b.initTimeout;
    this.asyncRetryDelay = b.asyncRetryDelay;
    this.sqsRateLimit = b.sqsRateLimit;
    this.region = b.region;
    this.logDir = Optional.ofNullable(b.logDir);
    this.runtimeClasspath = Optional.ofNullable(b.runtimeClasspath);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads the LAMBDASCOPE_* settings (the environment overlaid with flags, as the launcher passes them). The whole
   * map is also offered to the functions file as {@code ${NAME}} variables.
   */
  public static EmulatorConfig fromSettings(Map<String, String> settings) {
    requireNonNull(settings, "settings");
    Builder b = builder().variables(settings);
    get(settings, "LAMBDASCOPE_FUNCTIONS").ifPresent(b::functions);
    get(settings, "LAMBDASCOPE_INVOKE_PORT").ifPresent(v -> b.invokePort(integer("LAMBDASCOPE_INVOKE_PORT", v)));
    get(settings, "LAMBDASCOPE_SQS_PORT").ifPresent(v -> b.sqsPort(integer("LAMBDASCOPE_SQS_PORT", v)));
    get(settings, "LAMBDASCOPE_AGENT_JAR").ifPresent(v -> b.agentJar(Path.of(v)));
    get(settings, "LAMBDASCOPE_ENDPOINT").ifPresent(v -> b.endpoint(URI.create(v)));
    get(settings, "LAMBDASCOPE_TOKEN").ifPresent(b::token);
    get(settings, "LAMBDASCOPE_PLATFORM_EVENTS").ifPresent(v -> b.platformEvents(Boolean.parseBoolean(v)));
    get(settings, "LAMBDASCOPE_IDLE_RECLAIM")
        .ifPresent(v -> b.idleReclaim(FunctionsFile.parseDuration(v, "LAMBDASCOPE_IDLE_RECLAIM")));
    get(settings, "LAMBDASCOPE_INIT_TIMEOUT")
        .ifPresent(v -> b.initTimeout(FunctionsFile.parseDuration(v, "LAMBDASCOPE_INIT_TIMEOUT")));
    get(settings, "LAMBDASCOPE_ASYNC_RETRY_DELAY")
        .ifPresent(v -> b.asyncRetryDelay(FunctionsFile.parseDuration(v, "LAMBDASCOPE_ASYNC_RETRY_DELAY")));
    get(settings, "LAMBDASCOPE_SQS_RATE_LIMIT").ifPresent(v -> {
      try {
        b.sqsRateLimit(Double.parseDouble(v));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("LAMBDASCOPE_SQS_RATE_LIMIT is not a number: " + v);
      }
    });
    get(settings, "LAMBDASCOPE_REGION").ifPresent(b::region);
    get(settings, "LAMBDASCOPE_EMULATOR_LOG_DIR").ifPresent(v -> b.logDir(Path.of(v)));
    get(settings, "LAMBDASCOPE_RUNTIME_CLASSPATH").ifPresent(b::runtimeClasspath);
    Map<String, String> agentEnv = new LinkedHashMap<>();
    settings.forEach((k, v) -> {
      if ((AGENT_SETTINGS.contains(k) || k.startsWith("LAMBDASCOPE_AGENT_")) && !k.equals("LAMBDASCOPE_AGENT_JAR")) {
        agentEnv.put(k, v);
      }
    });
    b.agentEnvironment(agentEnv);
    return b.build();
  }

  private static Optional<String> get(Map<String, String> settings, String name) {
    String v = settings.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  private static int integer(String name, String value) {
    try {
      int port = Integer.parseInt(value);
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(name + " must be a port 0..65535 (0 = any free port), was " + value);
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is not a number: " + value);
    }
  }

  /** The functions file path, or {@link FunctionsFile#DEMO}. */
  public String functions() {
    return functions;
  }

  /** Variables offered to the functions file as {@code ${NAME}}. */
  public Map<String, String> variables() {
    return variables;
  }

  public String host() {
    return host;
  }

  public int invokePort() {
    return invokePort;
  }

  public int sqsPort() {
    return sqsPort;
  }

  public Optional<Path> agentJar() {
    return agentJar;
  }

  public URI endpoint() {
    return endpoint;
  }

  public Optional<String> token() {
    return token;
  }

  public boolean platformEvents() {
    return platformEvents;
  }

  /** Extra environment variables for every execution environment (the agent's settings). */
  public Map<String, String> agentEnvironment() {
    return agentEnvironment;
  }

  public Duration idleReclaim() {
    return idleReclaim;
  }

  public Duration initTimeout() {
    return initTimeout;
  }

  public Duration asyncRetryDelay() {
    return asyncRetryDelay;
  }

  public double sqsRateLimit() {
    return sqsRateLimit;
  }

  public String region() {
    return region;
  }

  public Optional<Path> logDir() {
    return logDir;
  }

  public Optional<String> runtimeClasspath() {
    return runtimeClasspath;
  }

  /** Builder; every field has the default documented in docs/emulator.md. */
  public static final class Builder {
    private String functions = FunctionsFile.DEMO;
    private Map<String, String> variables = Map.of();
    private String host = "127.0.0.1";
    private int invokePort = 9001;
    private int sqsPort = 9324;
    private Path agentJar;
    private URI endpoint = URI.create("http://127.0.0.1:4318");
    private String token;
    private boolean platformEvents = true;
    private Map<String, String> agentEnvironment = Map.of();
    private Duration idleReclaim = Duration.ofSeconds(60);
    private Duration initTimeout = Duration.ofSeconds(30);
    private Duration asyncRetryDelay = Duration.ofSeconds(1);
    private double sqsRateLimit = 5;
    private String region = "us-east-1";
    private Path logDir;
    private String runtimeClasspath;

    private Builder() {}

    /** A functions file path, or {@link FunctionsFile#DEMO} (default). */
    public Builder functions(String functions) {
      this.functions = requireNonNull(functions, "functions");
      return this;
    }

    public Builder functionsFile(Path file) {
      return functions(requireNonNull(file, "file").toString());
    }

    public Builder variables(Map<String, String> variables) {
      this.variables = requireNonNull(variables, "variables");
      return this;
    }

    /** Loopback address the emulator's servers bind to (default 127.0.0.1). */
    public Builder host(String host) {
      this.host = requireNonNull(host, "host");
      return this;
    }

    /** Invoke API port (default 9001, 0 = any free port). */
    public Builder invokePort(int invokePort) {
      this.invokePort = invokePort;
      return this;
    }

    /** ElasticMQ port (default 9324, 0 = any free port). */
    public Builder sqsPort(int sqsPort) {
      this.sqsPort = sqsPort;
      return this;
    }

    /** The agent jar attached to every environment through JAVA_TOOL_OPTIONS (default: none). */
    public Builder agentJar(Path agentJar) {
      this.agentJar = agentJar;
      return this;
    }

    /** The collector: platform events go to {endpoint}/v1/lambda/telemetry (default http://127.0.0.1:4318). */
    public Builder endpoint(URI endpoint) {
      this.endpoint = requireNonNull(endpoint, "endpoint");
      return this;
    }

    /** Bearer token for the collector (default: none). */
    public Builder token(String token) {
      this.token = token;
      return this;
    }

    /** Whether platform events are sent at all (default true). */
    public Builder platformEvents(boolean platformEvents) {
      this.platformEvents = platformEvents;
      return this;
    }

    public Builder agentEnvironment(Map<String, String> agentEnvironment) {
      this.agentEnvironment = requireNonNull(agentEnvironment, "agentEnvironment");
      return this;
    }

    /** How long an idle environment is kept warm before it is reclaimed (default 60s). */
    public Builder idleReclaim(Duration idleReclaim) {
      this.idleReclaim = requireNonNull(idleReclaim, "idleReclaim");
      return this;
    }

    /** How long a new environment may take to reach its first {@code next} (default 30s). */
    public Builder initTimeout(Duration initTimeout) {
      this.initTimeout = requireNonNull(initTimeout, "initTimeout");
      return this;
    }

    /** Delay before the first async retry, doubled for the second (default 1s; Lambda waits about 1 and 2 min). */
    public Builder asyncRetryDelay(Duration asyncRetryDelay) {
      this.asyncRetryDelay = requireNonNull(asyncRetryDelay, "asyncRetryDelay");
      return this;
    }

    /** Requests per second the functions' SQS endpoint accepts before it answers throttling errors (default 5). */
    public Builder sqsRateLimit(double sqsRateLimit) {
      if (!(sqsRateLimit > 0)) {
        throw new IllegalArgumentException("sqsRateLimit must be > 0");
      }
      this.sqsRateLimit = sqsRateLimit;
      return this;
    }

    public Builder region(String region) {
      this.region = requireNonNull(region, "region");
      return this;
    }

    /** Folder for the environments' stdout/stderr, one file per function (default: a temporary folder). */
    public Builder logDir(Path logDir) {
      this.logDir = logDir;
      return this;
    }

    /** The runtime interface client's classpath for environments (default: found on the emulator's classpath). */
    public Builder runtimeClasspath(String runtimeClasspath) {
      this.runtimeClasspath = runtimeClasspath;
      return this;
    }

    public EmulatorConfig build() {
      return new EmulatorConfig(this);
    }
  }
}
