package io.lambdascope.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.alerts.local.ReceivedAlert;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo shows each alert once, with the state Alertmanager last reported for it. */
class AlertLinesTest {

  private static ReceivedAlert alert(String status, String name, String function, String description) {
    return new ReceivedAlert(status, Map.of("alertname", name, "function", function, "severity", "warning"),
        Map.of("description", description));
  }

  @Test
  void eachAlertOnceWithItsLatestStateFiringFirst() {
    List<ReceivedAlert> received = new ArrayList<>();
    received.add(alert("firing", "LambdaFunctionTimedOut", "orders-worker", "1 invocation timed out"));
    received.add(alert("firing", "LambdaFunctionTimedOut", "orders-api", "2 invocations timed out"));
    AlertLines lines = new AlertLines();
    lines.update(received);
    // Re-notified, then resolved: still one line per alert.
    received.add(alert("firing", "LambdaFunctionTimedOut", "orders-worker", "3 invocations timed out"));
    received.add(alert("resolved", "LambdaFunctionTimedOut", "orders-api", "2 invocations timed out"));
    lines.update(received);
    lines.update(received);

    assertEquals(List.of(
        String.format("  %-8s %-8s %-40s %s", "firing", "warning", "LambdaFunctionTimedOut", "3 invocations timed out"),
        String.format("  %-8s %-8s %-40s %s", "resolved", "warning", "LambdaFunctionTimedOut", "2 invocations timed out")),
        lines.render(12));
  }

  @Test
  void firingAlertsComeFirstTheMostSevereFirst() {
    AlertLines lines = new AlertLines();
    lines.update(List.of(
        new ReceivedAlert("firing", Map.of("alertname", "A", "severity", "info"), Map.of("description", "a")),
        new ReceivedAlert("resolved", Map.of("alertname", "B", "severity", "critical"), Map.of("description", "b")),
        new ReceivedAlert("firing", Map.of("alertname", "C", "severity", "critical"), Map.of("description", "c")),
        new ReceivedAlert("firing", Map.of("alertname", "D", "severity", "warning"), Map.of("description", "d"))));
    assertEquals(List.of("c", "d", "a", "b"), lines.render(12).stream().map(l -> l.substring(l.length() - 1)).toList());
  }

  @Test
  void cutsLongListsAndSaysHowManyMore() {
    List<ReceivedAlert> received = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      received.add(alert("firing", "LambdaFunctionTimedOut", "f" + i, "d" + i));
    }
    AlertLines lines = new AlertLines();
    assertTrue(lines.isEmpty());
    lines.update(received);
    List<String> rendered = lines.render(3);
    assertEquals(4, rendered.size(), rendered.toString());
    assertEquals("  (2 more)", rendered.get(3));
  }
}
