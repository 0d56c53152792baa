package io.lambdascope.benchmarks.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MetricsPageTest {
  private static final String PAGE =
      """
      # HELP faas_invocations_total invocations
      # TYPE faas_invocations_total counter
      faas_invocations_total{function="a",outcome="success",trigger="pubsub"} 3.0
      faas_invocations_total{function="a",outcome="error",trigger="pubsub"} 1.0
      faas_invocations_total{function="ab",outcome="success",trigger="pubsub"} 5.0
      faas_invocations_total_created{function="a"} 1.7E9
      lambdascope_collector_items_accepted_total{signal="traces"} 1.2E4
      """;

  @Test
  void sumsTheSeriesThatCarryEveryLabel() {
    assertEquals(9.0, MetricsPage.sumSeries(PAGE, "faas_invocations_total"));
    assertEquals(4.0, MetricsPage.sumSeries(PAGE, "faas_invocations_total", "function=\"a\""));
    assertEquals(3.0, MetricsPage.sumSeries(PAGE, "faas_invocations_total", "function=\"a\"", "outcome=\"success\""));
    assertEquals(12_000.0, MetricsPage.sumSeries(PAGE, "lambdascope_collector_items_accepted_total", "signal=\"traces\""));
  }

  @Test
  void aMissingSeriesIsZero() {
    assertEquals(0.0, MetricsPage.sumSeries(PAGE, "faas_timeouts_total"));
  }
}
