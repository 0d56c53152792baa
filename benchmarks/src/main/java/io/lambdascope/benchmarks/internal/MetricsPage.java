package io.lambdascope.benchmarks.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Prometheus text page: fetched over HTTP, and one series summed from it. */
public final class MetricsPage {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private MetricsPage() {}

  public static String get(String url) throws IOException, InterruptedException {
    HttpResponse<String> response =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + url + ": " + response.statusCode());
    }
    return response.body();
  }

  /**
   * Sum of the samples of {@code metric} whose label set contains every {@code name="value"} pair
   * in {@code labelsContained} (e.g. {@code signal="traces"}); 0 when there is none.
   */
  public static double sumSeries(String page, String metric, String... labelsContained) {
    Pattern line = Pattern.compile("^" + Pattern.quote(metric) + "(\\{[^}]*\\})?\\s+(\\S+)", Pattern.MULTILINE);
    Matcher m = line.matcher(page);
    double sum = 0;
    while (m.find()) {
      String labels = m.group(1) == null ? "" : m.group(1);
      boolean all = true;
      for (String want : labelsContained) {
        all &= labels.contains(want);
      }
      if (all) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }
}
