package io.lambdascope.launcher;

import io.lambdascope.alerts.local.ReceivedAlert;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The demo's alert section: each alert once (by its labels), with the state and description of
 * the latest notification about it, firing ones first, the most severe first. Alertmanager sends an alert again when it
 * resolves or its group is re-notified; a person wants the alert's current state, not that history.
 */
final class AlertLines {
  private static final List<String> SEVERITIES = List.of("critical", "warning", "info");

  private final Map<String, ReceivedAlert> latest = new LinkedHashMap<>();
  private int seen;

  /** Takes every alert received so far, oldest first (what the webhook keeps); reads only the new ones. */
  void update(List<ReceivedAlert> received) {
    for (int i = seen; i < received.size(); i++) {
      ReceivedAlert a = received.get(i);
      latest.put(new TreeMap<>(a.labels()).toString(), a);
    }
    seen = received.size();
  }

  boolean isEmpty() {
    return latest.isEmpty();
  }

  /** At most {@code max} lines: firing alerts first, the most severe first, then in the order they first arrived. */
  List<String> render(int max) {
    List<ReceivedAlert> ordered = new ArrayList<>();
    for (String severity : SEVERITIES) {
      latest.values().stream().filter(a -> a.firing() && severity.equals(a.labels().get("severity"))).forEach(ordered::add);
    }
    latest.values().stream().filter(a -> a.firing() && !SEVERITIES.contains(a.labels().get("severity"))).forEach(ordered::add);
    latest.values().stream().filter(a -> !a.firing()).forEach(ordered::add);
    List<String> lines = new ArrayList<>();
    for (ReceivedAlert a : ordered.subList(0, Math.min(max, ordered.size()))) {
      lines.add(String.format("  %-8s %-8s %-40s %s", a.status(), a.labels().getOrDefault("severity", ""),
          a.alertname(), a.annotations().getOrDefault("description", a.labels().toString())));
    }
    if (ordered.size() > max) {
      lines.add("  (" + (ordered.size() - max) + " more)");
    }
    return lines;
  }
}
