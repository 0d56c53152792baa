package io.lambdascope.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RuleTimeScaleTest {

  @Test
  void scalesForRangesAndOffsets() {
    String rule = String.join("\n",
        "      - alert: X",
        "        expr: |",
        "          rate(a[10m]) > 0 and b offset 1h and max_over_time(c[30m:1m]) > 1",
        "        for: 15m",
        "        annotations:",
        "          description: in the last 10 minutes [5m] of 86400 seconds");
    String scaled = RuleTimeScale.MINUTES_TO_SECONDS.apply(rule);
    assertEquals(String.join("\n",
        "      - alert: X",
        "        expr: |",
        "          rate(a[10s]) > 0 and b offset 60s and max_over_time(c[30s:1s]) > 1",
        "        for: 15s",
        "        annotations:",
        // Annotations are not PromQL, but a bracketed duration there is scaled too: keep them out of descriptions.
        "          description: in the last 10 minutes [5s] of 86400 seconds"), scaled);
  }

  @Test
  void keepsAMinimumRange() {
    assertEquals("rate(a[4s]) for: 0s", RuleTimeScale.MINUTES_TO_SECONDS.apply("rate(a[1m]) for: 0s").replace("\n", ""));
    assertEquals("rate(a[500ms])", RuleTimeScale.dividingBy(120, Duration.ZERO).apply("rate(a[1m])"));
  }

  @Test
  void parsesPrometheusDurations() {
    assertEquals(Duration.ofMinutes(90), RuleTimeScale.parse("1h30m"));
    assertEquals(Duration.ofMillis(500), RuleTimeScale.parse("500ms"));
    assertEquals(Duration.ofDays(7), RuleTimeScale.parse("1w"));
    assertThrows(IllegalArgumentException.class, () -> RuleTimeScale.parse("5 minutes"));
    assertThrows(IllegalArgumentException.class, () -> RuleTimeScale.parse("m"));
  }

  @Test
  void noneLeavesTextAlone() {
    String text = "rate(a[10m])\nfor: 5m";
    assertSame(text, RuleTimeScale.NONE.apply(text));
  }

  @Test
  void refusesAFactorBelowOne() {
    assertThrows(IllegalArgumentException.class, () -> RuleTimeScale.dividingBy(0, Duration.ZERO));
  }
}
