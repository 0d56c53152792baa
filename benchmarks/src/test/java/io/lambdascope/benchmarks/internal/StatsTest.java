package io.lambdascope.benchmarks.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
  @Test
  void medianOfOddAndEvenSamples() {
    assertEquals(3.0, Stats.of(5, 1, 3).median());
    assertEquals(2.5, Stats.of(4, 1, 3, 2).median());
  }

  @Test
  void percentilesInterpolateBetweenRanks() {
    Stats s = Stats.of(List.of(10, 20, 30, 40, 50));
    assertEquals(10.0, s.percentile(0));
    assertEquals(20.0, s.percentile(25));
    assertEquals(46.0, s.percentile(90), 1e-9);
    assertEquals(50.0, s.percentile(100));
    assertEquals("20–40", s.iqr(0));
    assertEquals("10–50", s.range(0));
  }

  @Test
  void singleValueIsEveryPercentile() {
    assertEquals(7.0, Stats.of(7).percentile(99));
  }

  @Test
  void emptySampleIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Stats.of(List.of()));
  }

  @Test
  void ratiosBelowOneShowTheFraction() {
    assertEquals("0.050 (1/20)", Fmt.ratio(0.05));
    assertEquals("1.500", Fmt.ratio(1.5));
    assertEquals("n/a", Fmt.ratio(Double.NaN));
    assertEquals("-0.017 (no measurable addition)", Fmt.ratio(-0.017));
  }
}
