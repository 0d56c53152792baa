package io.lambdascope.processor.metrics;

import io.lambdascope.processor.state.FunctionState;
import java.util.List;

/**
 * The function metrics the processor derives from the stream (docs/telemetry.md section 4): names
 * as exposed, the labels each has besides the function's identity, and histogram buckets.
 */
public enum MetricDefs {
  INVOCATIONS("faas_invocations_total", Type.COUNTER, "Invocations by final outcome", "trigger", "outcome"),
  COLDSTARTS("faas_coldstarts_total", Type.COUNTER, "Cold starts", "init_type"),
  ERRORS("faas_errors_total", Type.COUNTER, "Invocations with outcome error", "error_type", "faas_version"),
  TIMEOUTS("faas_timeouts_total", Type.COUNTER, "Invocations with outcome timeout"),
  THROTTLES("faas_throttles_total", Type.COUNTER, "Invocations the platform refused"),
  DOWNSTREAM_THROTTLES("lambdascope_downstream_throttles_total", Type.COUNTER,
      "AWS SDK calls throttled inside the function", "service", "operation"),
  DUPLICATES("lambdascope_duplicates_total", Type.COUNTER, "Repeated deliveries", "kind"),
  DROPPED_SPANS("lambdascope_agent_dropped_spans_total", Type.COUNTER, "Spans agents reported as dropped"),
  DROPPED_EVENTS("lambdascope_agent_dropped_events_total", Type.COUNTER, "Platform events agents reported as dropped"),
  UNINSTRUMENTED("lambdascope_agent_uninstrumented_total", Type.COUNTER,
      "Execution environments that reported lambdascope.uninstrumented"),
  INIT_FAILURES("lambdascope_init_failures_total", Type.COUNTER, "Execution environments whose init failed",
      "error_type"),
  BILLED_DURATION("lambdascope_billed_duration_seconds_total", Type.COUNTER,
      "Billed duration, the sum of the platform reports' billedDurationMs"),
  TIMEOUT_BILLED("lambdascope_timeout_billed_seconds_total", Type.COUNTER,
      "Billed duration of invocations that timed out"),
  GB_SECONDS("lambdascope_gb_seconds_total", Type.COUNTER,
      "Billed duration times configured memory in GB (memorySizeMB/1024)", "architecture"),
  COST("lambdascope_cost_usd_total", Type.COUNTER, "Cost at the configured prices", "architecture", "component"),
  INVOKE_DURATION("faas_invoke_duration_seconds", Type.HISTOGRAM, "Handler duration",
      FunctionState.INVOKE_DURATION_BUCKETS),
  INIT_DURATION("faas_init_duration_seconds", Type.HISTOGRAM, "Init duration of cold starts",
      FunctionState.INIT_DURATION_BUCKETS, "init_type"),
  RESTORE_DURATION("lambdascope_restore_duration_seconds", Type.HISTOGRAM, "SnapStart restore duration",
      FunctionState.RESTORE_DURATION_BUCKETS),
  DURATION_TIMEOUT_RATIO("lambdascope_duration_timeout_ratio", Type.HISTOGRAM,
      "Each invocation's duration over the configured timeout", FunctionState.TIMEOUT_RATIO_BUCKETS),
  MEMORY_LIMIT_RATIO("lambdascope_memory_limit_ratio", Type.HISTOGRAM,
      "Each invocation's peak memory over the configured memory", FunctionState.MEMORY_RATIO_BUCKETS),
  MEM_USAGE("faas_mem_usage_bytes", Type.GAUGE, "Peak memory of the function's most recent invocation"),
  MAX_MEMORY("faas_max_memory_bytes", Type.GAUGE, "Configured memory"),
  TIMEOUT("faas_timeout_seconds", Type.GAUGE, "Configured timeout"),
  CONCURRENCY_MAX("lambdascope_concurrent_executions_max", Type.GAUGE,
      "Peak overlap of invocations in the last complete concurrency window"),
  CONCURRENCY_AVG("lambdascope_concurrent_executions_avg", Type.GAUGE,
      "Invocation time inside the last complete concurrency window over its length"),
  /** Not per function: no identity labels. */
  PRICE("lambdascope_price_usd", Type.GAUGE,
      "Configured price: per request (requests), else per GB-second", "component", "architecture", "read_on"),
  FINDING("lambdascope_finding", Type.GAUGE, "1 while a finding holds", "kind");

  public enum Type { COUNTER, HISTOGRAM, GAUGE }

  /** The labels every function metric carries, in this order. */
  public static final List<String> IDENTITY = List.of("tenant", "cloud_account_id", "cloud_region", "function");

  private final String exposedName;
  private final Type type;
  private final String help;
  private final double[] buckets;
  private final List<String> labels;

  MetricDefs(String exposedName, Type type, String help, String... labels) {
    this(exposedName, type, help, new double[0], labels);
  }

  MetricDefs(String exposedName, Type type, String help, double[] buckets, String... labels) {
    this.exposedName = exposedName;
    this.type = type;
    this.help = help;
    this.buckets = buckets;
    this.labels = List.of(labels);
  }

  /** The name on /metrics (counters with their {@code _total}). */
  public String exposedName() {
    return exposedName;
  }

  /** The name the Prometheus client model wants: counters without {@code _total}. */
  public String modelName() {
    return type == Type.COUNTER ? exposedName.substring(0, exposedName.length() - "_total".length()) : exposedName;
  }

  public Type type() {
    return type;
  }

  public String help() {
    return help;
  }

  /** Upper bounds without +Inf. */
  public double[] buckets() {
    return buckets.clone();
  }

  /** Labels besides {@link #IDENTITY}. */
  public List<String> labels() {
    return labels;
  }
}
