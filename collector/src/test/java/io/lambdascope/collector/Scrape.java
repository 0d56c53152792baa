package io.lambdascope.collector;

import java.util.HashMap;
import java.util.Map;

/** The collector's {@code /metrics}, parsed: each series (name and labels as printed) to its value. */
final class Scrape {
  private Scrape() {}

  static Map<String, Double> of(int port) {
    return parse(Http.text(Http.get(port, "/metrics")));
  }

  static Map<String, Double> parse(String text) {
    Map<String, Double> series = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return series;
  }
}
