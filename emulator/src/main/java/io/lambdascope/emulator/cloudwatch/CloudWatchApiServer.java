package io.lambdascope.emulator.cloudwatch;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lambdascope.emulator.cloudwatch.MetricStore.Datapoint;
import io.lambdascope.emulator.cloudwatch.MetricStore.Dimension;
import io.lambdascope.emulator.cloudwatch.MetricStore.DimensionFilter;
import io.lambdascope.emulator.cloudwatch.MetricStore.MetricId;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;

/**
 * The CloudWatch API (2010-08-01) for the emulator's own metrics, in the AWS Query protocol that the AWS SDK speaks
 * to CloudWatch (form-encoded {@code POST /} with {@code Action} and {@code Version}; XML answers):
 * {@code ListMetrics}, {@code GetMetricStatistics} and {@code GetMetricData}, what Prometheus's CloudWatch
 * exporter calls. Other actions, metric math and percentile statistics are refused with CloudWatch's error
 * document.
 */
public final class CloudWatchApiServer implements AutoCloseable {
  private static final String XMLNS = "http://monitoring.amazonaws.com/doc/2010-08-01/";
  private static final String VERSION = "2010-08-01";
  private static final Set<String> STATISTICS = Set.of("SampleCount", "Average", "Sum", "Minimum", "Maximum");
  /** CloudWatch's limit on data points in one GetMetricStatistics answer. */
  private static final int MAX_DATAPOINTS = 1440;
  private static final int LIST_PAGE = 500;
  private static final int MAX_QUERIES = 500;

  private final MetricStore store;
  private final Clock clock;
  private final HttpServer server;

  public CloudWatchApiServer(String host, int port, MetricStore store, Clock clock, ExecutorService executor)
      throws IOException {
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
    this.server = HttpServer.create(new InetSocketAddress(host, port), 64);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** For a client's endpoint override ({@code AWS_ENDPOINT_URL_CLOUDWATCH}). */
  public String endpoint() {
    return "http://" + server.getAddress().getHostString() + ":" + port();
  }

  /** A request CloudWatch would refuse: its HTTP status, error code and message. */
  private static final class ApiException extends Exception {
    final int status;
    final String code;

    ApiException(int status, String code, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
    }

    static ApiException invalid(String message) {
      return new ApiException(400, "InvalidParameterValue", message);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    String requestId = UUID.randomUUID().toString();
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      String form = "POST".equals(exchange.getRequestMethod())
          ? new String(body, StandardCharsets.UTF_8)
          : exchange.getRequestURI().getRawQuery();
      Map<String, String> params = parse(form == null ? "" : form);
      String xml;
      try {
        xml = answer(params, requestId);
      } catch (ApiException e) {
        xml = "<ErrorResponse xmlns=\"" + XMLNS + "\"><Error><Type>Sender</Type><Code>" + e.code + "</Code><Message>"
            + escape(e.getMessage()) + "</Message></Error><RequestId>" + requestId + "</RequestId></ErrorResponse>";
        send(exchange, e.status, requestId, xml);
        return;
      }
      send(exchange, 200, requestId, xml);
    } catch (RuntimeException e) {
      String xml = "<ErrorResponse xmlns=\"" + XMLNS + "\"><Error><Type>Receiver</Type><Code>InternalServiceError</Code>"
          + "<Message>" + escape(String.valueOf(e)) + "</Message></Error><RequestId>" + requestId
          + "</RequestId></ErrorResponse>";
      send(exchange, 500, requestId, xml);
    }
  }

  private static void send(HttpExchange exchange, int status, String requestId, String xml) throws IOException {
    byte[] bytes = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + xml).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/xml");
    exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private String answer(Map<String, String> p, String requestId) throws ApiException {
    String action = p.get("Action");
    if (action == null) {
      throw new ApiException(400, "MissingAction", "the request names no Action");
    }
    if (!VERSION.equals(p.get("Version"))) {
      throw new ApiException(400, "InvalidParameterValue", "Version must be " + VERSION);
    }
    StringBuilder xml = new StringBuilder();
    xml.append('<').append(action).append("Response xmlns=\"").append(XMLNS).append("\"><").append(action)
        .append("Result>");
    switch (action) {
      case "ListMetrics" -> listMetrics(p, xml);
      case "GetMetricStatistics" -> getMetricStatistics(p, xml);
      case "GetMetricData" -> getMetricData(p, xml);
      default -> throw new ApiException(400, "InvalidAction",
          "the emulator's CloudWatch serves ListMetrics, GetMetricStatistics and GetMetricData, not " + action);
    }
    xml.append("</").append(action).append("Result><ResponseMetadata><RequestId>").append(requestId)
        .append("</RequestId></ResponseMetadata></").append(action).append("Response>");
    return xml.toString();
  }

  private void listMetrics(Map<String, String> p, StringBuilder xml) throws ApiException {
    List<DimensionFilter> filters = new ArrayList<>();
    for (int i = 1; p.containsKey("Dimensions.member." + i + ".Name"); i++) {
      filters.add(new DimensionFilter(p.get("Dimensions.member." + i + ".Name"), p.get("Dimensions.member." + i + ".Value")));
    }
    long activeSince = Long.MIN_VALUE;
    String recentlyActive = p.get("RecentlyActive");
    if (recentlyActive != null) {
      if (!recentlyActive.equals("PT3H")) {
        throw ApiException.invalid("RecentlyActive must be PT3H");
      }
      activeSince = clock.millis() - Duration.ofHours(3).toMillis();
    }
    List<MetricId> metrics = store.list(p.get("Namespace"), p.get("MetricName"), filters, activeSince);
    int from = 0;
    if (p.get("NextToken") != null) {
      try {
        from = Integer.parseInt(p.get("NextToken"));
      } catch (NumberFormatException e) {
        throw ApiException.invalid("invalid NextToken");
      }
    }
    int to = Math.min(metrics.size(), from + LIST_PAGE);
    xml.append("<Metrics>");
    for (MetricId m : metrics.subList(Math.min(from, to), to)) {
      xml.append("<member><Namespace>").append(escape(m.namespace())).append("</Namespace><MetricName>")
          .append(escape(m.name())).append("</MetricName><Dimensions>");
      for (Dimension d : m.dimensions()) {
        xml.append("<member><Name>").append(escape(d.name())).append("</Name><Value>").append(escape(d.value()))
            .append("</Value></member>");
      }
      xml.append("</Dimensions></member>");
    }
    xml.append("</Metrics>");
    if (to < metrics.size()) {
      xml.append("<NextToken>").append(to).append("</NextToken>");
    }
  }

  private void getMetricStatistics(Map<String, String> p, StringBuilder xml) throws ApiException {
    MetricId metric = new MetricId(require(p, "Namespace"), require(p, "MetricName"), dimensions(p, "Dimensions"));
    Instant start = time(p, "StartTime");
    Instant end = time(p, "EndTime");
    long period = period(p.get("Period"), "Period");
    List<String> statistics = new ArrayList<>();
    for (int i = 1; p.containsKey("Statistics.member." + i); i++) {
      String s = p.get("Statistics.member." + i);
      if (!STATISTICS.contains(s)) {
        throw ApiException.invalid("unknown statistic " + s + "; valid: " + STATISTICS);
      }
      statistics.add(s);
    }
    if (p.containsKey("ExtendedStatistics.member.1")) {
      throw ApiException.invalid("the emulator's CloudWatch keeps no percentiles (ExtendedStatistics)");
    }
    if (statistics.isEmpty()) {
      throw new ApiException(400, "MissingParameter", "Statistics or ExtendedStatistics must be given");
    }
    checkRange(start, end, period);
    List<Datapoint> points = store.statistics(metric, start.toEpochMilli(), end.toEpochMilli(), period * 1000);
    xml.append("<Datapoints>");
    for (Datapoint d : points) {
      xml.append("<member><Timestamp>").append(Instant.ofEpochMilli(d.timestamp())).append("</Timestamp>");
      for (String s : statistics) {
        xml.append('<').append(s).append('>').append(value(d, s)).append("</").append(s).append('>');
      }
      xml.append("<Unit>").append(d.unit()).append("</Unit></member>");
    }
    xml.append("</Datapoints><Label>").append(escape(metric.name())).append("</Label>");
  }

  private void getMetricData(Map<String, String> p, StringBuilder xml) throws ApiException {
    Instant start = time(p, "StartTime");
    Instant end = time(p, "EndTime");
    String scanBy = p.getOrDefault("ScanBy", "TimestampDescending");
    if (!scanBy.equals("TimestampDescending") && !scanBy.equals("TimestampAscending")) {
      throw ApiException.invalid("ScanBy must be TimestampDescending or TimestampAscending");
    }
    if (!end.isAfter(start)) {
      throw ApiException.invalid("The parameter StartTime must be less than the parameter EndTime.");
    }
    xml.append("<MetricDataResults>");
    int n = 0;
    for (int i = 1; p.containsKey("MetricDataQueries.member." + i + ".Id"); i++) {
      if (++n > MAX_QUERIES) {
        throw ApiException.invalid("at most " + MAX_QUERIES + " MetricDataQueries");
      }
      String q = "MetricDataQueries.member." + i + ".";
      if (p.containsKey(q + "Expression")) {
        throw ApiException.invalid("the emulator's CloudWatch evaluates no metric math (Expression)");
      }
      String stat = require(p, q + "MetricStat.Stat");
      if (!STATISTICS.contains(stat)) {
        throw ApiException.invalid("the emulator's CloudWatch keeps no percentiles; statistic " + stat);
      }
      MetricId metric = new MetricId(require(p, q + "MetricStat.Metric.Namespace"),
          require(p, q + "MetricStat.Metric.MetricName"), dimensions(p, q + "MetricStat.Metric.Dimensions"));
      long period = period(p.get(q + "MetricStat.Period"), q + "MetricStat.Period");
      if (!"false".equals(p.get(q + "ReturnData"))) {
        List<Datapoint> points = new ArrayList<>(
            store.statistics(metric, start.toEpochMilli(), end.toEpochMilli(), period * 1000));
        if (scanBy.equals("TimestampDescending")) {
          Collections.reverse(points);
        }
        xml.append("<member><Id>").append(escape(p.get(q + "Id"))).append("</Id><Label>")
            .append(escape(p.getOrDefault(q + "Label", metric.name()))).append("</Label><Timestamps>");
        points.forEach(d -> xml.append("<member>").append(Instant.ofEpochMilli(d.timestamp())).append("</member>"));
        xml.append("</Timestamps><Values>");
        points.forEach(d -> xml.append("<member>").append(value(d, stat)).append("</member>"));
        xml.append("</Values><StatusCode>Complete</StatusCode><Messages/></member>");
      }
    }
    if (n == 0) {
      throw new ApiException(400, "MissingParameter", "MetricDataQueries must be given");
    }
    xml.append("</MetricDataResults><Messages/>");
  }

  private static double value(Datapoint d, String statistic) {
    return switch (statistic) {
      case "SampleCount" -> d.sampleCount();
      case "Average" -> d.average();
      case "Sum" -> d.sum();
      case "Minimum" -> d.minimum();
      case "Maximum" -> d.maximum();
      default -> throw new IllegalArgumentException(statistic);
    };
  }

  private static List<Dimension> dimensions(Map<String, String> p, String prefix) throws ApiException {
    List<Dimension> out = new ArrayList<>();
    for (int i = 1; p.containsKey(prefix + ".member." + i + ".Name"); i++) {
      String value = p.get(prefix + ".member." + i + ".Value");
      if (value == null) {
        throw new ApiException(400, "MissingParameter", prefix + ".member." + i + ".Value must be given");
      }
      out.add(new Dimension(p.get(prefix + ".member." + i + ".Name"), value));
    }
    return out;
  }

  /**
   * A period in seconds as CloudWatch accepts it (1, 5, 10, 30 or a multiple of 60), and a multiple of the
   * resolution the emulator keeps (a 1-minute resolution, Lambda's, takes multiples of 60 only).
   */
  private long period(String text, String name) throws ApiException {
    if (text == null) {
      throw new ApiException(400, "MissingParameter", name + " must be given");
    }
    long period;
    try {
      period = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw ApiException.invalid(name + " must be a number of seconds");
    }
    long resolution = store.resolution().toSeconds();
    boolean valid = period > 0 && (period % 60 == 0 || period == 1 || period == 5 || period == 10 || period == 30);
    if (!valid || period % resolution != 0) {
      throw ApiException.invalid("The parameter " + name + " must be a multiple of " + resolution
          + " seconds (these metrics are stored at that resolution) and 1, 5, 10, 30 or a multiple of 60.");
    }
    return period;
  }

  private static void checkRange(Instant start, Instant end, long periodSeconds) throws ApiException {
    if (!end.isAfter(start)) {
      throw ApiException.invalid("The parameter StartTime must be less than the parameter EndTime.");
    }
    long points = (Duration.between(start.truncatedTo(ChronoUnit.SECONDS), end).toSeconds() + periodSeconds - 1)
        / periodSeconds;
    if (points > MAX_DATAPOINTS) {
      throw new ApiException(400, "InvalidParameterCombination", "You have requested up to " + points
          + " datapoints, which exceeds the limit of " + MAX_DATAPOINTS + ".");
    }
  }

  private static Instant time(Map<String, String> p, String name) throws ApiException {
    String text = require(p, name);
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw ApiException.invalid("The parameter " + name + " must be an ISO 8601 time stamp: " + text);
    }
  }

  private static String require(Map<String, String> p, String name) throws ApiException {
    String value = p.get(name);
    if (value == null || value.isEmpty()) {
      throw new ApiException(400, "MissingParameter", "The parameter " + name + " is required.");
    }
    return value;
  }

  private static Map<String, String> parse(String form) {
    Map<String, String> out = new HashMap<>();
    for (String pair : form.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(key, value);
    }
    return out;
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
