package io.lambdascope.alerts.local;

import java.util.Map;
import java.util.Objects;

/** One element of an instant query's result: a series' labels and its value. */
public record Sample(Map<String, String> labels, double value) {

  public Sample {
    labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
  }

  /** The value of one label, or {@code null}. */
  public String label(String name) {
    return labels.get(name);
  }
}
