package io.lambdascope.processor.metrics;

import io.lambdascope.processor.dedup.DuplicateKind;
import io.lambdascope.processor.state.StoreKeys;
import java.util.Arrays;
import java.util.List;

/**
 * The metrics the processor derives from the stream (docs/telemetry.md section 4): names as
 * exposed, label names in the order their values are stored, and histogram buckets. The constant
 * names lead the keys of the series store: renaming one orphans its stored series.
 */
public enum MetricDefs {
  INVOCATIONS("faas_invocations_total", Type.COUNTER, "Invocations by final outcome", "function", "trigger", "outcome"),
  COLDSTARTS("faas_coldstarts_total", Type.COUNTER, "Cold starts", "function"),
  ERRORS("faas_errors_total", Type.COUNTER, "Invocations with outcome error", "function", "error_type"),
  TIMEOUTS("faas_timeouts_total", Type.COUNTER, "Invocations with outcome timeout", "function"),
  THROTTLES("faas_throttles_total", Type.COUNTER, "Invocations the platform refused", "function"),
  DOWNSTREAM_THROTTLES("lambdascope_downstream_throttles_total", Type.COUNTER,
      "AWS SDK calls throttled inside the function", "function", "service", "operation"),
  DUPLICATES("lambdascope_duplicates_total", Type.COUNTER, "Repeated deliveries", "function", "kind"),
  DROPPED_SPANS("lambdascope_agent_dropped_spans_total", Type.COUNTER, "Spans agents reported as dropped", "function"),
  INVOKE_DURATION("faas_invoke_duration_seconds", Type.HISTOGRAM, "Handler duration",
      List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 900.0),
      "function"),
  INIT_DURATION("faas_init_duration_seconds", Type.HISTOGRAM, "Init duration of cold starts",
      List.of(0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0), "function");

  public enum Type { COUNTER, HISTOGRAM }

  /** Counters whose only label is the function: shown at 0 for every known function. */
  public static final List<MetricDefs> PER_FUNCTION_COUNTERS = List.of(COLDSTARTS, TIMEOUTS, THROTTLES, DROPPED_SPANS);
  /** Values of {@code kind} on {@link #DUPLICATES}. */
  public static final List<String> DUPLICATE_KINDS =
      Arrays.stream(DuplicateKind.values()).map(DuplicateKind::label).toList();
  /** Values of {@code outcome} on {@link #INVOCATIONS}. */
  public static final List<String> OUTCOMES = List.of("success", "error", "timeout");

  private final String exposedName;
  private final Type type;
  private final String help;
  private final double[] buckets;
  private final String[] labelNames;

  MetricDefs(String exposedName, Type type, String help, String... labelNames) {
    this(exposedName, type, help, List.of(), labelNames);
  }

  MetricDefs(String exposedName, Type type, String help, List<Double> buckets, String... labelNames) {
    this.exposedName = exposedName;
    this.type = type;
    this.help = help;
    this.buckets = buckets.stream().mapToDouble(Double::doubleValue).toArray();
    this.labelNames = labelNames;
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

  public String[] labelNames() {
    return labelNames.clone();
  }

  /** Key in the series store: ordinal, then the label values. */
  public String seriesKey(String... labelValues) {
    if (labelValues.length != labelNames.length) {
      throw new IllegalArgumentException(name() + " takes " + labelNames.length + " labels");
    }
    StringBuilder sb = new StringBuilder(name());
    for (String v : labelValues) {
      sb.append(StoreKeys.SEP).append(v);
    }
    return sb.toString();
  }
}
