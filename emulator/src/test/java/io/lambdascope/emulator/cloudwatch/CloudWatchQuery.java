package io.lambdascope.emulator.cloudwatch;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** GetMetricStatistics as the AWS SDK sends it (Query protocol), for tests that read the emulator's CloudWatch. */
public final class CloudWatchQuery {
  private CloudWatchQuery() {}

  /**
   * {@code statistic} of a metric with one dimension over the last 50 minutes and the next one (one period of an
   * hour), or 0 when CloudWatch has no data point.
   */
  public static double lastHour(String endpoint, String namespace, String metric, String dimension, String value,
      String statistic) throws Exception {
    Instant now = Instant.now();
    String form = "Action=GetMetricStatistics&Version=2010-08-01&Namespace=" + enc(namespace) + "&MetricName="
        + enc(metric) + "&Dimensions.member.1.Name=" + enc(dimension) + "&Dimensions.member.1.Value=" + enc(value)
        + "&StartTime=" + enc(now.minus(Duration.ofMinutes(50)).toString()) + "&EndTime="
        + enc(now.plus(Duration.ofMinutes(1)).toString()) + "&Period=3600&Statistics.member.1=" + statistic;
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint + "/"))
            .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(r.statusCode() + ": " + r.body());
    }
    Matcher m = Pattern.compile("<" + statistic + ">([^<]+)</" + statistic + ">").matcher(r.body());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
