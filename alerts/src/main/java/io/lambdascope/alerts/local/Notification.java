package io.lambdascope.alerts.local;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** One webhook notification from Alertmanager (its JSON payload, version 4, in part). */
public record Notification(String receiver, String status, Map<String, String> groupLabels, List<ReceivedAlert> alerts) {

  public Notification {
    Objects.requireNonNull(receiver, "receiver");
    Objects.requireNonNull(status, "status");
    groupLabels = Map.copyOf(Objects.requireNonNull(groupLabels, "groupLabels"));
    alerts = List.copyOf(Objects.requireNonNull(alerts, "alerts"));
  }
}
