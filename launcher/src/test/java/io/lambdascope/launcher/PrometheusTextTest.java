package io.lambdascope.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  private static final String PAGE = String.join("\n",
      "# HELP faas_invocations_total Invocations",
      "# TYPE faas_invocations_total counter",
      "faas_invocations_total{function=\"a\",outcome=\"success\",trigger=\"http\"} 7.0",
      "faas_invocations_total{function=\"a\",outcome=\"error\",trigger=\"http\"} 3.0",
      "faas_invocations_total{function=\"b\",outcome=\"success\",trigger=\"other\"} 1 1700000000000",
      "faas_errors_total{function=\"a\",error_type=\"x\\\"y\"} 3",
      "faas_invoke_duration_seconds_bucket{function=\"a\",le=\"0.1\"} 2",
      "faas_invoke_duration_seconds_bucket{function=\"a\",le=\"1.0\"} 8",
      "faas_invoke_duration_seconds_bucket{function=\"a\",le=\"+Inf\"} 10",
      "up 1",
      "");

  @Test
  void sumsTheSeriesThatMatch() {
    PrometheusText t = PrometheusText.parse(PAGE);
    assertEquals(11, t.sum("faas_invocations_total"));
    assertEquals(10, t.sum("faas_invocations_total", Map.of("function", "a")));
    assertEquals(3, t.sum("faas_invocations_total", Map.of("function", "a", "outcome", "error")));
    assertEquals(3, t.sum("faas_errors_total", Map.of("error_type", "x\"y")));
    assertEquals(1, t.sum("up"));
    assertEquals(Set.of("a", "b"), t.labelValues("faas_invocations_total", "function"));
  }

  @Test
  void quantilesInterpolateInsideTheBucketLikePromql() {
    PrometheusText t = PrometheusText.parse(PAGE);
    // rank 5 of 10 lies in (0.1, 1.0] holding 6: 0.1 + 0.9 * (5 - 2) / 6
    assertEquals(0.55, t.quantile("faas_invoke_duration_seconds", 0.5, Map.of("function", "a")), 1e-9);
    // rank 9.5 lies in the +Inf bucket: the highest finite bound
    assertEquals(1.0, t.quantile("faas_invoke_duration_seconds", 0.95, Map.of("function", "a")), 1e-9);
    assertTrue(Double.isNaN(t.quantile("faas_invoke_duration_seconds", 0.5, Map.of("function", "b"))));
  }
}
