package io.lambdascope.dashboard.contract;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A /metrics page with one or more series for every metric of docs/telemetry.md, with the
 * contract's labels and plausible values: counters and histograms grow on every scrape, gauges
 * hold. What a processor and collector under load would show, without them.
 */
final class ContractShapedMetrics implements AutoCloseable {

  /** A value per label; {@code outcome} gets one series per outcome. */
  private static final Map<String, String> LABEL_VALUES = Map.ofEntries(
      Map.entry("tenant", "default"),
      Map.entry("cloud_account_id", "123456789012"),
      Map.entry("cloud_region", "eu-west-1"),
      Map.entry("function", "checkout"),
      Map.entry("function_name", "checkout"),
      Map.entry("queue_name", "orders-dlq"),
      Map.entry("faas_version", "7"),
      Map.entry("init_type", "on-demand"),
      Map.entry("trigger", "pubsub"),
      Map.entry("error_type", "java.lang.IllegalStateException"),
      Map.entry("service", "DynamoDb"),
      Map.entry("operation", "PutItem"),
      Map.entry("kind", "redelivery"),
      Map.entry("queue", "orders-dlq"),
      Map.entry("source_queue", "orders"),
      Map.entry("topic", "otlp_spans"),
      Map.entry("reason", "overloaded"),
      Map.entry("signal", "traces"),
      Map.entry("code", "200"),
      Map.entry("component", "duration"),
      Map.entry("architecture", "x86_64"));
  private static final List<String> OUTCOMES = List.of("success", "error", "timeout");
  /** Bounds for a histogram whose bounds the contract does not list. */
  private static final List<String> BUCKETS = List.of("0.1", "1", "10");
  private static final Set<String> SKIPPED = Set.of("up", "ALERTS");

  private final TelemetryContract contract;
  private final AtomicLong scrapes = new AtomicLong();
  private final HttpServer server;

  ContractShapedMetrics(TelemetryContract contract) {
    this.contract = contract;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/metrics", exchange -> {
      byte[] body = render(scrapes.incrementAndGet(), false).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
      exchange.sendResponseHeaders(200, body.length);
      try (exchange) {
        exchange.getResponseBody().write(body);
      }
    });
    // The CloudWatch exporter's series (section 6), with the labels Prometheus would add from the scrape configuration.
    server.createContext(CLOUDWATCH_PATH, exchange -> {
      byte[] body = render(scrapes.get(), true).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
      exchange.sendResponseHeaders(200, body.length);
      try (exchange) {
        exchange.getResponseBody().write(body);
      }
    });
    server.start();
  }

  /** Where the CloudWatch exporter's series are served. */
  static final String CLOUDWATCH_PATH = "/cloudwatch";

  /** {@code 127.0.0.1:port}: the processor's and collector's series on /metrics, the exporter's on {@link #CLOUDWATCH_PATH}. */
  String target() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** The processor's and collector's series, or ({@code cloudWatch}) the CloudWatch exporter's. */
  String render(long n, boolean cloudWatch) {
    StringBuilder out = new StringBuilder();
    for (String metric : new TreeSet<>(contract.metricNames())) {
      if (SKIPPED.contains(metric) || contract.cloudWatchMetricNames().contains(metric) != cloudWatch) {
        continue;
      }
      if (!cloudWatch && (metric.endsWith("_sum") || metric.endsWith("_count"))) {
        continue;
      }
      Set<String> labels = new TreeSet<>(contract.labels(metric).orElseThrow());
      labels.removeAll(Set.of("job", "instance", "le"));
      for (String outcome : labels.contains("outcome") ? OUTCOMES : List.of("")) {
        String series = labelText(labels, outcome);
        if (metric.endsWith("_bucket")) {
          String base = metric.substring(0, metric.length() - "_bucket".length());
          // The contract's own bounds where it lists them: rules read shares off them (le="0.8").
          List<String> bounds = new ArrayList<>(contract.buckets(base).isEmpty() ? BUCKETS : contract.buckets(base));
          bounds.add("+Inf");
          for (int i = 0; i < bounds.size(); i++) {
            // n observations a scrape per finite bucket, none above the last bound.
            long cumulative = n * Math.min(i + 1, bounds.size() - 1);
            out.append(metric).append('{').append(series).append(series.isEmpty() ? "" : ",")
                .append("le=\"").append(bounds.get(i)).append("\"} ").append(cumulative).append('\n');
          }
          out.append(base).append("_sum{").append(series).append("} ").append(n * 5).append('\n');
          out.append(base).append("_count{").append(series).append("} ").append(n * (bounds.size() - 1)).append('\n');
        } else {
          out.append(metric).append('{').append(series).append("} ").append(value(metric, n)).append('\n');
        }
      }
    }
    return out.toString();
  }

  private static String labelText(Set<String> labels, String outcome) {
    List<String> pairs = new ArrayList<>();
    for (String label : labels) {
      String value = label.equals("outcome") ? outcome : LABEL_VALUES.getOrDefault(label, "x");
      pairs.add(label + "=\"" + value + "\"");
    }
    return String.join(",", pairs);
  }

  private static long value(String metric, long n) {
    if (metric.endsWith("_total")) {
      return n;
    }
    return switch (metric) {
      case "faas_mem_usage_bytes" -> 400L << 20;
      case "faas_max_memory_bytes" -> 512L << 20;
      case "faas_timeout_seconds" -> 10;
      case "lambdascope_finding" -> 1;
      // Growing, so the DLQ growth panel has something to show.
      case "lambdascope_dlq_messages" -> 3 + n;
      default -> 5;
    };
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
