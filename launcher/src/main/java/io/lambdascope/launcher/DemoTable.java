package io.lambdascope.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The demo's table: one row per function, read from the processor's /metrics, but platform throttles, which only
 * CloudWatch sees (the emulator's, as on AWS).
 */
final class DemoTable {
  private static final String HEADER =
      String.format("%-18s %11s %6s %9s %7s %12s %8s %10s %5s",
          "function", "invocations", "cold", "p95", "errors", "throttles", "timeouts", "duplicates", "DLQ");

  private DemoTable() {}

  /** {@code throttles} shows platform (CloudWatch's {@code platformThrottles} by function)/downstream. */
  static List<String> render(PrometheusText m, Map<String, Double> platformThrottles) {
    Set<String> functions = new TreeSet<>(m.labelValues("faas_invocations_total", "function"));
    functions.addAll(m.labelValues("lambdascope_dlq_messages", "function"));
    List<String> rows = new ArrayList<>();
    rows.add(HEADER);
    for (String f : functions) {
      Map<String, String> fn = Map.of("function", f);
      double p95 = m.quantile("faas_invoke_duration_seconds", 0.95, fn);
      rows.add(String.format("%-18s %11.0f %6.0f %9s %7.0f %12s %8.0f %10.0f %5.0f",
          f.length() > 18 ? f.substring(0, 17) + "…" : f,
          m.sum("faas_invocations_total", fn),
          m.sum("faas_coldstarts_total", fn),
          Double.isNaN(p95) ? "-" : formatSeconds(p95),
          m.sum("faas_errors_total", fn),
          String.format("%.0f/%.0f", platformThrottles.getOrDefault(f, 0.0),
              m.sum("lambdascope_downstream_throttles_total", fn)),
          m.sum("faas_timeouts_total", fn),
          m.sum("lambdascope_duplicates_total", fn),
          m.sum("lambdascope_dlq_messages", fn)));
    }
    if (functions.isEmpty()) {
      rows.add("(no invocations yet)");
    }
    return rows;
  }

  private static String formatSeconds(double seconds) {
    return seconds < 1 ? String.format("%.0f ms", seconds * 1000) : String.format("%.2f s", seconds);
  }
}
