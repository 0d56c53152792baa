package io.lambdascope.emulator.cloudwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lambdascope.emulator.cloudwatch.MetricStore.Datapoint;
import io.lambdascope.emulator.cloudwatch.MetricStore.Dimension;
import io.lambdascope.emulator.cloudwatch.MetricStore.DimensionFilter;
import io.lambdascope.emulator.cloudwatch.MetricStore.MetricId;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricStoreTest {
  private static final MetricId THROTTLES =
      new MetricId("AWS/Lambda", "Throttles", List.of(new Dimension("FunctionName", "f")));

  @Test
  void periodsStartAtTheRoundedStartTimeAndAggregateTheirWholePeriod() {
    MetricStore store = new MetricStore(Duration.ofMinutes(1), Duration.ofHours(3));
    store.publish(THROTTLES, 1, "Count", 60_000);
    store.publish(THROTTLES, 2, "Count", 119_999);
    store.publish(THROTTLES, 4, "Count", 120_000);
    store.publish(THROTTLES, 8, "Count", 659_999);
    // StartTime 90 s rounds down to the minute (60 s); EndTime bounds the periods' starts, not their data.
    List<Datapoint> points = store.statistics(THROTTLES, 90_000, 130_000, 600_000);
    assertEquals(1, points.size());
    Datapoint p = points.get(0);
    assertEquals(60_000, p.timestamp());
    assertEquals(15, p.sum());
    assertEquals(4, p.sampleCount());
    assertEquals(1, p.minimum());
    assertEquals(8, p.maximum());
    assertEquals(3.75, p.average());
    assertEquals("Count", p.unit());
    // One-minute periods: a data point for each minute that holds data, oldest first.
    assertEquals(List.of(60_000L, 120_000L, 600_000L), store.statistics(THROTTLES, 0, 1_000_000, 60_000).stream()
        .map(Datapoint::timestamp).toList());
  }

  @Test
  void dataOlderThanTheRetentionIsForgotten() {
    MetricStore store = new MetricStore(Duration.ofSeconds(1), Duration.ofSeconds(10));
    store.publish(THROTTLES, 1, "Count", 1_000);
    store.publish(THROTTLES, 1, "Count", 20_000);
    assertEquals(List.of(20_000L), store.statistics(THROTTLES, 0, 30_000, 1_000).stream()
        .map(Datapoint::timestamp).toList());
  }

  @Test
  void listMatchesDimensionsByNameAndValueAndRecentActivity() {
    MetricStore store = new MetricStore(Duration.ofMinutes(1), Duration.ofHours(3));
    store.publish(THROTTLES, 1, "Count", 60_000);
    MetricId other = new MetricId("AWS/Lambda", "Throttles", List.of(new Dimension("FunctionName", "g")));
    store.publish(other, 1, "Count", 3_600_000);
    assertEquals(List.of(THROTTLES, other),
        store.list("AWS/Lambda", "Throttles", List.of(new DimensionFilter("FunctionName", null)), 0));
    assertEquals(List.of(other), store.list(null, null, List.of(new DimensionFilter("FunctionName", "g")), 0));
    assertEquals(List.of(other), store.list("AWS/Lambda", null, List.of(), 3_000_000), "active since 50 minutes");
    assertEquals(List.of(), store.list("AWS/SQS", null, List.of(), 0));
  }

  @Test
  void resolutionIsWholeSeconds() {
    assertThrows(IllegalArgumentException.class, () -> new MetricStore(Duration.ofMillis(500), Duration.ofHours(1)));
  }
}
