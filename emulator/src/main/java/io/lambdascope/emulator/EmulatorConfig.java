package io.lambdascope.emulator;

import static java.util.Objects.requireNonNull;

import io.lambdascope.settings.Setting;
import io.lambdascope.settings.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How to run the emulator. Built from a settings map of LAMBDASCOPE_* names ({@link #fromSettings}) or a
 * {@link Builder}; the settings are declared below and docs/configuration.md lists them.
 */
public final class EmulatorConfig {
  public static final Setting<String> FUNCTIONS =
      Setting.text("LAMBDASCOPE_FUNCTIONS", FunctionsFile.DEMO,
              "functions file (docs/emulator.md), or demo for the built-in demo functions")
          .flag("--config");
  /** Not read here: the demo functions file names it as {@code ${LAMBDASCOPE_EXAMPLES_JAR}}. */
  public static final Setting<Path> EXAMPLES_JAR =
      Setting.path("LAMBDASCOPE_EXAMPLES_JAR", null, "the examples' function jar (used by the demo functions file)");
  public static final Setting<Integer> INVOKE_PORT =
      Setting.port("LAMBDASCOPE_INVOKE_PORT", 9001, "Invoke API port (0 = any free port)");
  public static final Setting<Integer> SQS_PORT =
      Setting.port("LAMBDASCOPE_SQS_PORT", 9324, "ElasticMQ port (0 = any free port)");
  /** Not read here but for the former name: the demo functions file names it as {@code ${LAMBDASCOPE_AGENT_LAYER}}. */
  public static final Setting<Path> AGENT_LAYER =
      Setting.path("LAMBDASCOPE_AGENT_LAYER", null,
              "the agent's Lambda layer zip (used by the demo functions file, which attaches it to every function)")
          .replaces("LAMBDASCOPE_AGENT_JAR");
  public static final Setting<URI> ENDPOINT =
      Setting.url("LAMBDASCOPE_ENDPOINT", URI.create("http://127.0.0.1:4318"),
          "collector: the agent's endpoint, passed to every environment");
  public static final Setting<String> TOKEN =
      Setting.secret("LAMBDASCOPE_TOKEN", "bearer token for the collector, passed to every environment for the agent");
  public static final Setting<Boolean> FREEZE =
      Setting.bool("LAMBDASCOPE_FREEZE", true,
          "stop every process of an idle environment (SIGSTOP) until its next invocation or shutdown, as Lambda "
              + "freezes them; false keeps them running, for debugging");
  public static final Setting<Duration> IDLE_RECLAIM =
      Setting.duration("LAMBDASCOPE_IDLE_RECLAIM", Duration.ofSeconds(60),
          "idle time after which an environment is reclaimed");
  public static final Setting<Duration> INIT_TIMEOUT =
      Setting.duration("LAMBDASCOPE_INIT_TIMEOUT", Duration.ofSeconds(10),
          "longest init (extensions and runtime until all called `next`), Lambda's 10 s; a failed init is retried "
              + "inside the invocation, within the function's timeout");
  public static final Setting<Duration> ASYNC_RETRY_DELAY =
      Setting.duration("LAMBDASCOPE_ASYNC_RETRY_DELAY", Duration.ofSeconds(1),
          "delay before the first async retry (doubled for the second)");
  public static final Setting<Double> SQS_RATE_LIMIT =
      Setting.positiveNumber("LAMBDASCOPE_SQS_RATE_LIMIT", 5,
          "requests per second the functions' SQS endpoint accepts before throttling");
  public static final Setting<String> REGION =
      Setting.text("LAMBDASCOPE_REGION", "us-east-1", "region in ARNs and `AWS_REGION`");
  public static final Setting<Path> LOG_DIR =
      Setting.path("LAMBDASCOPE_EMULATOR_LOG_DIR", null, "environments' stdout/stderr, one file per function")
          .defaultText("a new temporary folder");

  /** The emulator's settings, in the order docs/configuration.md lists them. */
  public static final List<Setting<?>> SETTINGS =
      List.of(FUNCTIONS, EXAMPLES_JAR, AGENT_LAYER, INVOKE_PORT, SQS_PORT, ENDPOINT, TOKEN, FREEZE,
          IDLE_RECLAIM, INIT_TIMEOUT, ASYNC_RETRY_DELAY, SQS_RATE_LIMIT, REGION, LOG_DIR);

  /** For embedding the emulator elsewhere, so environment only: the runtime client's classpath. */
  private static final Setting<String> RUNTIME_CLASSPATH = Setting.text("LAMBDASCOPE_RUNTIME_CLASSPATH", null,
      "the runtime interface client's classpath for environments (default: found on the emulator's classpath)");

  /** Settings the emulator forwards to every execution environment, for the agent (docs/agent.md). */
  private static final List<String> AGENT_SETTINGS = List.of(
      "LAMBDASCOPE_ENDPOINT", "LAMBDASCOPE_TOKEN", "LAMBDASCOPE_ENABLED", "LAMBDASCOPE_FLUSH_TIMEOUT",
      "LAMBDASCOPE_TIMEOUT_MARGIN", "LAMBDASCOPE_MAX_BUFFERED_SPANS", "LAMBDASCOPE_MAX_BUFFERED_EVENTS",
      "LAMBDASCOPE_THROTTLES", "LAMBDASCOPE_DEBUG", "LAMBDASCOPE_EXTENSION", "LAMBDASCOPE_EXPORT",
      "LAMBDASCOPE_BATCH_MAX_AGE", "LAMBDASCOPE_TELEMETRY_PORT", "LAMBDASCOPE_FUNCTION_LOGS");

  private final String functions;
  private final Map<String, String> variables;
  private final String host;
  private final int invokePort;
  private final int sqsPort;
  private final URI endpoint;
  private final Optional<String> token;
  private final boolean freeze;
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
    this.endpoint = b.endpoint;
    this.token = Optional.ofNullable(b.token);
    this.freeze = b.freeze;
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
   *
   * @throws IllegalArgumentException naming the setting when a value is malformed
   */
  public static EmulatorConfig fromSettings(Map<String, String> settings) {
    Settings s = Settings.of(requireNonNull(settings, "settings"));
    s.find(AGENT_LAYER); // refuses the former LAMBDASCOPE_AGENT_JAR with a pointer to the layer
    Builder b = builder()
        .variables(settings)
        .functions(s.get(FUNCTIONS))
        .invokePort(s.get(INVOKE_PORT))
        .sqsPort(s.get(SQS_PORT))
        .endpoint(s.get(ENDPOINT))
        .token(s.get(TOKEN))
        .freeze(s.get(FREEZE))
        .idleReclaim(s.get(IDLE_RECLAIM))
        .initTimeout(s.get(INIT_TIMEOUT))
        .asyncRetryDelay(s.get(ASYNC_RETRY_DELAY))
        .sqsRateLimit(s.get(SQS_RATE_LIMIT))
        .region(s.get(REGION))
        .logDir(s.get(LOG_DIR))
        .runtimeClasspath(s.get(RUNTIME_CLASSPATH));
    Map<String, String> agentEnv = new LinkedHashMap<>();
    settings.forEach((k, v) -> {
      if ((AGENT_SETTINGS.contains(k) || k.startsWith("LAMBDASCOPE_AGENT_")) && !k.equals(AGENT_LAYER.name())) {
        agentEnv.put(k, v);
      }
    });
    return b.agentEnvironment(agentEnv).build();
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

  public URI endpoint() {
    return endpoint;
  }

  public Optional<String> token() {
    return token;
  }

  /** Whether idle environments are stopped (SIGSTOP) between invocations. */
  public boolean freeze() {
    return freeze;
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

  /** Builder; the defaults are those of the declarations above. */
  public static final class Builder {
    private String functions = FUNCTIONS.defaultValue();
    private Map<String, String> variables = Map.of();
    private String host = "127.0.0.1";
    private int invokePort = INVOKE_PORT.defaultValue();
    private int sqsPort = SQS_PORT.defaultValue();
    private URI endpoint = ENDPOINT.defaultValue();
    private String token;
    private boolean freeze = FREEZE.defaultValue();
    private Map<String, String> agentEnvironment = Map.of();
    private Duration idleReclaim = IDLE_RECLAIM.defaultValue();
    private Duration initTimeout = INIT_TIMEOUT.defaultValue();
    private Duration asyncRetryDelay = ASYNC_RETRY_DELAY.defaultValue();
    private double sqsRateLimit = SQS_RATE_LIMIT.defaultValue();
    private String region = REGION.defaultValue();
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

    /** Invoke API port (0 = any free port). */
    public Builder invokePort(int invokePort) {
      this.invokePort = INVOKE_PORT.check(invokePort);
      return this;
    }

    /** ElasticMQ port (0 = any free port). */
    public Builder sqsPort(int sqsPort) {
      this.sqsPort = SQS_PORT.check(sqsPort);
      return this;
    }

    /** The collector: the agent's endpoint, passed to every environment (default http://127.0.0.1:4318). */
    public Builder endpoint(URI endpoint) {
      this.endpoint = requireNonNull(endpoint, "endpoint");
      return this;
    }

    /** Bearer token for the collector (default: none). */
    public Builder token(String token) {
      this.token = token;
      return this;
    }

    /** Whether idle environments are stopped (SIGSTOP) between invocations (default true, as Lambda freezes them). */
    public Builder freeze(boolean freeze) {
      this.freeze = freeze;
      return this;
    }

    public Builder agentEnvironment(Map<String, String> agentEnvironment) {
      this.agentEnvironment = requireNonNull(agentEnvironment, "agentEnvironment");
      return this;
    }

    /** How long an idle environment is kept warm before it is reclaimed. */
    public Builder idleReclaim(Duration idleReclaim) {
      this.idleReclaim = IDLE_RECLAIM.check(idleReclaim);
      return this;
    }

    /** How long init may take, extensions and runtime until all called {@code next} (default Lambda's 10 s). */
    public Builder initTimeout(Duration initTimeout) {
      this.initTimeout = INIT_TIMEOUT.check(initTimeout);
      return this;
    }

    /** Delay before the first async retry, doubled for the second (Lambda waits about 1 and 2 min). */
    public Builder asyncRetryDelay(Duration asyncRetryDelay) {
      this.asyncRetryDelay = ASYNC_RETRY_DELAY.check(asyncRetryDelay);
      return this;
    }

    /** Requests per second the functions' SQS endpoint accepts before it answers throttling errors. */
    public Builder sqsRateLimit(double sqsRateLimit) {
      this.sqsRateLimit = SQS_RATE_LIMIT.check(sqsRateLimit);
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
