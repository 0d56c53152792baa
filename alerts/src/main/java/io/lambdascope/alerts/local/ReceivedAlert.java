package io.lambdascope.alerts.local;

import java.util.Map;
import java.util.Objects;

/** One alert of a notification Alertmanager sent to the {@link WebhookReceiver}. */
public record ReceivedAlert(String status, Map<String, String> labels, Map<String, String> annotations) {

  public ReceivedAlert {
    Objects.requireNonNull(status, "status");
    labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
    annotations = Map.copyOf(Objects.requireNonNull(annotations, "annotations"));
  }

  public String alertname() {
    return labels.get("alertname");
  }

  public boolean firing() {
    return "firing".equals(status);
  }
}
