package io.lambdascope.processor;

import java.util.Map;
import java.util.TreeMap;

/**
 * Series names as /metrics writes them: labels in alphabetical order (a bucket's {@code le} last),
 * the function's identity included.
 */
public final class Series {
  private Series() {}

  /** A series of a function of the default identity ({@link Otlp.Identity#of}). */
  public static String of(String metric, String function, String... labelPairs) {
    return of(metric, Otlp.Identity.of(function), labelPairs);
  }

  public static String of(String metric, Otlp.Identity who, String... labelPairs) {
    Map<String, String> labels = new TreeMap<>();
    labels.put("tenant", who.tenant());
    labels.put("cloud_account_id", who.account());
    labels.put("cloud_region", who.region());
    labels.put("function", who.function());
    return plain(metric, labels, labelPairs);
  }

  /** A series with exactly these labels (name, value, name, value, ...). */
  public static String plain(String metric, String... labelPairs) {
    return plain(metric, new TreeMap<>(), labelPairs);
  }

  private static String plain(String metric, Map<String, String> labels, String... labelPairs) {
    for (int i = 0; i < labelPairs.length; i += 2) {
      labels.put(labelPairs[i], labelPairs[i + 1]);
    }
    if (labels.isEmpty()) {
      return metric;
    }
    StringBuilder sb = new StringBuilder(metric).append('{');
    String le = labels.remove("le"); // a bucket's bound comes last
    labels.forEach((k, v) -> sb.append(k).append("=\"").append(v).append("\","));
    if (le != null) {
      sb.append("le=\"").append(le).append("\",");
    }
    sb.setLength(sb.length() - 1);
    return sb.append('}').toString();
  }

  /** faas_invocations_total of a function of the default identity. */
  public static String invocations(String function, String trigger, String outcome) {
    return of("faas_invocations_total", function, "trigger", trigger, "outcome", outcome);
  }
}
