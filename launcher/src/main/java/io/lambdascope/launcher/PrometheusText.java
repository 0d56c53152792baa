package io.lambdascope.launcher;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Samples of a Prometheus text exposition: what the demo table and the tests read from /metrics. */
final class PrometheusText {
  record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;

  private PrometheusText(List<Sample> samples) {
    this.samples = samples;
  }

  static PrometheusText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String name;
      Map<String, String> labels = new LinkedHashMap<>();
      if (brace >= 0 && brace < space) {
        name = line.substring(0, brace);
        int close = line.lastIndexOf('}');
        parseLabels(line.substring(brace + 1, close), labels);
        space = line.indexOf(' ', close);
      } else {
        name = line.substring(0, line.indexOf(' '));
        space = line.indexOf(' ');
      }
      String rest = line.substring(space + 1).trim();
      int timestamp = rest.indexOf(' ');
      String value = timestamp < 0 ? rest : rest.substring(0, timestamp);
      samples.add(new Sample(name, labels, Double.parseDouble(value)));
    }
    return new PrometheusText(samples);
  }

  private static void parseLabels(String s, Map<String, String> labels) {
    int i = 0;
    while (i < s.length()) {
      int eq = s.indexOf('=', i);
      String key = s.substring(i, eq).trim();
      StringBuilder value = new StringBuilder();
      int j = eq + 2; // skip ="
      while (s.charAt(j) != '"') {
        char c = s.charAt(j);
        if (c == '\\') {
          char n = s.charAt(++j);
          value.append(n == 'n' ? '\n' : n);
        } else {
          value.append(c);
        }
        j++;
      }
      labels.put(key, value.toString());
      i = j + 1;
      if (i < s.length() && s.charAt(i) == ',') {
        i++;
      }
    }
  }

  /** The sum over every series of {@code name} whose labels include {@code match}. */
  double sum(String name, Map<String, String> match) {
    double total = 0;
    for (Sample s : samples) {
      if (s.name().equals(name) && s.labels().entrySet().containsAll(match.entrySet())) {
        total += s.value();
      }
    }
    return total;
  }

  double sum(String name) {
    return sum(name, Map.of());
  }

  /** The label values of {@code label} across every series of {@code name}, in order of appearance. */
  java.util.Set<String> labelValues(String name, String label) {
    java.util.Set<String> values = new java.util.LinkedHashSet<>();
    for (Sample s : samples) {
      String v = s.labels().get(label);
      if (s.name().equals(name) && v != null) {
        values.add(v);
      }
    }
    return values;
  }

  /**
   * The {@code q}-quantile of histogram {@code name} over the series matching {@code match}, by
   * linear interpolation inside the bucket, as PromQL's histogram_quantile; NaN without data.
   */
  double quantile(String name, double q, Map<String, String> match) {
    java.util.TreeMap<Double, Double> buckets = new java.util.TreeMap<>();
    for (Sample s : samples) {
      if (s.name().equals(name + "_bucket") && s.labels().entrySet().containsAll(match.entrySet())) {
        String le = s.labels().get("le");
        double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
        buckets.merge(bound, s.value(), Double::sum);
      }
    }
    if (buckets.isEmpty() || buckets.lastEntry().getValue() == 0) {
      return Double.NaN;
    }
    double rank = q * buckets.lastEntry().getValue();
    double lowerBound = 0;
    double lowerCount = 0;
    for (Map.Entry<Double, Double> b : buckets.entrySet()) {
      if (b.getValue() >= rank) {
        if (b.getKey().isInfinite()) {
          return lowerBound;
        }
        double inBucket = b.getValue() - lowerCount;
        return inBucket == 0 ? b.getKey() : lowerBound + (b.getKey() - lowerBound) * (rank - lowerCount) / inBucket;
      }
      lowerBound = b.getKey();
      lowerCount = b.getValue();
    }
    return lowerBound;
  }

  List<Sample> series(String name) {
    List<Sample> found = new ArrayList<>();
    for (Sample s : samples) {
      if (s.name().equals(name)) {
        found.add(s);
      }
    }
    return found;
  }
}
