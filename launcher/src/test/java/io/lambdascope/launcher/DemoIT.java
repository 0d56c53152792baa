package io.lambdascope.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.lambdascope.alerts.local.PrometheusApi;
import io.lambdascope.alerts.local.Sample;
import io.lambdascope.dashboard.testing.DashboardExpressions;
import io.lambdascope.dashboard.testing.PanelExpression;
import io.lambdascope.kafka.EmbeddedKafka;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/lambdascope demo} as a user runs it, with the Prometheus and Alertmanager it starts
 * itself: every signal reaches /metrics with counts that agree with what the scenario sent,
 * timeouts carry the handler's stack, the live table and its alert lines (each alert once, with
 * whole numbers) show timeouts, the DLQ and duplicates through the real Alertmanager, and every
 * dashboard query returns data from the demo's Prometheus.
 */
class DemoIT {
  private static final Pattern SENT =
      Pattern.compile("lambdascope: sent (\\S+) sync=(\\d+) throttled=(\\d+) function_errors=(\\d+) async=(\\d+) "
          + "sqs=(\\d+) failed=(\\d+) unfinished=(\\d+)");
  private static final Pattern PROMETHEUS = Pattern.compile("lambdascope: Prometheus at (http://127\\.0\\.0\\.1:\\d+), "
      + "Alertmanager at (http://127\\.0\\.0\\.1:\\d+)");
  private static final String ALERTS_HEADING = "alerts (each once, its current state):";
  /** A count printed with a fraction ("1.111 invocations"): what increase()'s extrapolation used to put in front of people. */
  private static final Pattern FRACTIONAL_COUNT =
      Pattern.compile("\\d+\\.\\d+ (invocations?|messages?|repeated deliver|records?|attempts?|execution environments?|spans|platform events)");

  /** Recorded series whose source is the CloudWatch exporter. */
  private static final Pattern FROM_CLOUDWATCH = Pattern.compile(
      "function:(faas_throttles|aws_lambda_\\w+|faas_concurrent_executions|faas_async_\\w+|faas_provisioned_\\w+):");

  @TempDir Path dir;

  @Test
  void theDemoScenarioSurfacesEverySignalOnMetricsAlertsAndDashboards() throws Exception {
    int otlpPort = EmbeddedKafka.freePort();
    int metricsPort = EmbeddedKafka.freePort();
    String processor = "127.0.0.1:" + metricsPort;
    // Free ports rather than 9090 and 9093: other builds on this machine may hold them (PortsTest covers the choice).
    try (LauncherProcess demo = LauncherProcess.start(dir, List.of(
            "demo",
            "--duration", "80s",
            "--prometheus-port", "0",
            "--alertmanager-port", "0",
            "--otlp-port", Integer.toString(otlpPort),
            "--metrics-port", Integer.toString(metricsPort),
            "--kafka-port", Integer.toString(EmbeddedKafka.freePort()),
            "--invoke-port", Integer.toString(EmbeddedKafka.freePort()),
            "--sqs-port", Integer.toString(EmbeddedKafka.freePort()),
            "--data-dir", dir.resolve("data").toString()))) {

      // The demo's own Prometheus and Alertmanager, and the hint for Grafana.
      String started = Await.until("the demo's Prometheus", Duration.ofMinutes(3), demo::output,
          o -> PROMETHEUS.matcher(o).find() || !demo.isAlive());
      Matcher urls = PROMETHEUS.matcher(started);
      assertTrue(urls.find(), started);
      PrometheusApi prometheus = PrometheusApi.at(URI.create(urls.group(1)));
      assertTrue(started.contains("lambdascope: Grafana: docker run --rm --network host -v "), started);
      assertTrue(started.contains(" (first set url: " + urls.group(1) + " in dashboard/provisioning/datasources/lambdascope.yml: "
          + "9090 was taken), then open http://localhost:3000 (docs/dashboards.md)"), started);
      prometheus.awaitQuery("up{job=\"lambdascope-processor\"} == 1 or up{job=\"lambdascope-collector\"} == 1",
          r -> r.size() == 2, Duration.ofSeconds(60));

      String out = Await.until("the scenario to finish", Duration.ofMinutes(5), demo::output,
          // the summary lines come before this one
          o -> o.contains("lambdascope: services keep running") || !demo.isAlive());
      assertTrue(demo.isAlive() && out.contains("scenario finished"), out);
      List<ProcessHandle> environments = demo.descendants();
      Map<String, long[]> sent = sent(out);
      // The runner counts what it sent; queue-report runs on the emulator's schedule instead.
      assertEquals(java.util.Set.of("orders-api", "orders-worker", "upload-processor"), sent.keySet(), out);

      // Every signal, from the processor's /metrics.
      // Poison orders reach orders-dlq after three receives, which may be after the scenario ended.
      PrometheusText m = Await.until("timeouts, duplicates and a DLQ on /metrics", Duration.ofSeconds(120),
          () -> {
            String body = Http.getOrNull("http://" + processor + "/metrics");
            return body == null ? null : PrometheusText.parse(body);
          },
          t -> "timeouts " + t.sum("faas_timeouts_total") + ", duplicates " + t.sum("lambdascope_duplicates_total")
              + ", orders-dlq " + t.sum("lambdascope_dlq_messages", Map.of("queue", "orders-dlq")) + ", orders-api "
              + t.sum("faas_invocations_total", Map.of("function", "orders-api")) + " of " + sent.get("orders-api")[0],
          t -> t.sum("faas_timeouts_total") > 0 && t.sum("lambdascope_duplicates_total") > 0
              && t.sum("lambdascope_dlq_messages", Map.of("queue", "orders-dlq")) > 0
              && t.sum("faas_invocations_total", Map.of("function", "orders-api"))
                  >= sent.get("orders-api")[0]);
      for (String function : List.of("orders-api", "orders-worker", "upload-processor", "queue-report")) {
        assertTrue(m.sum("faas_coldstarts_total", Map.of("function", function)) >= 1, "cold start of " + function);
      }
      assertTrue(m.sum("faas_errors_total", Map.of("function", "orders-api")) > 0, "errors of orders-api");
      assertTrue(m.sum("faas_timeouts_total", Map.of("function", "orders-worker")) > 0, "timeouts of orders-worker");
      assertTrue(m.sum("lambdascope_duplicates_total", Map.of("function", "orders-worker")) > 0,
          "duplicate deliveries to orders-worker");
      assertTrue(m.sum("lambdascope_dlq_messages", Map.of("queue", "orders-dlq")) > 0, "messages in orders-dlq");
      assertTrue(m.sum("lambdascope_downstream_throttles_total") > 0, "SQS throttling met by a function");

      // Counts agree with what the scenario sent: each answered synchronous call is one invocation; an async event
      // runs once plus at most two retries.
      // A call that failed on the caller's side (failed=, a connection error or an unexpected status), or was still
      // waiting for its answer when the counts were taken (unfinished=), may or may not have run the function: each
      // such call allows one invocation more, never one less.
      long[] api = sent.get("orders-api");
      double apiInvocations = m.sum("faas_invocations_total", Map.of("function", "orders-api"));
      String counts = SENT.matcher(out).results().map(r -> r.group()).collect(java.util.stream.Collectors.joining("; "));
      assertTrue(apiInvocations >= api[0] && apiInvocations <= api[0] + api[5] + api[6],
          "orders-api invocations " + apiInvocations + "; the scenario's counts: " + counts);
      assertTrue(api[1] > 0, "the burst phase must be throttled");
      // A refused call reaches no environment: as on AWS, only CloudWatch counts it. It reaches Prometheus through
      // the real CloudWatch exporter and the recording rule the alerts read, under the function's identity (the
      // emulator's account and region, the demo's tenant), and the throttle alert fires from it.
      assertTrue(out.contains("lambdascope: CloudWatch exporter at http://127.0.0.1:"), out);
      assertEquals(0, m.sum("faas_throttles_total", Map.of("function", "orders-api")), "nothing reports throttles to the processor");
      String identity = "tenant=\"default\", cloud_account_id=\"000000000000\", cloud_region=\"us-east-1\", function=\"orders-api\"";
      List<Sample> worst = prometheus.awaitQuery("max_over_time(function:aws_lambda_throttles:sum10m{" + identity + "}[10m])",
          r -> !r.isEmpty() && r.get(0).value() > 0, Duration.ofSeconds(30));
      assertTrue(worst.get(0).value() <= api[1], "CloudWatch's 10 (scaled) minutes hold at most the " + api[1]
          + " throttles sent: " + worst);
      assertFalse(prometheus.query("max_over_time(function:faas_throttles:increase10m{" + identity + "}[10m]) > 0")
          .isEmpty(), "the unified throttles read CloudWatch's");
      prometheus.awaitQuery("max_over_time(ALERTS{alertname=\"LambdaFunctionThrottled\", alertstate=\"firing\", "
          + identity + "}[10m])", r -> !r.isEmpty(), Duration.ofSeconds(30));
      long[] upload = sent.get("upload-processor");
      double uploads = m.sum("faas_invocations_total", Map.of("function", "upload-processor"));
      assertTrue(uploads >= upload[3] && uploads <= 3 * upload[3], "upload-processor " + uploads + " for " + upload[3]);
      double worker = m.sum("faas_invocations_total", Map.of("function", "orders-worker"));
      assertTrue(worker > 0 && worker <= sent.get("orders-worker")[4] * 3, "orders-worker invocations " + worker);

      // A timeout on /api/invocations carries the stack of the handler thread.
      JsonObject timeouts = new JsonObject(Http.getOrNull(
          "http://" + processor + "/api/invocations?function=orders-worker&outcome=timeout&limit=5"));
      JsonArray invocations = timeouts.getJsonArray("invocations");
      assertFalse(invocations.isEmpty(), timeouts.encodePrettily());
      String stack = invocations.getJsonObject(0).getString("timeout_stack", "");
      assertTrue(stack.contains("io.lambdascope.examples.orders.OrderWorker"), stack);

      // lambdascope tail prints the same timeouts, with the stack below each.
      String tail = LauncherProcess.run(dir, List.of("tail", "--processor-url", "http://" + processor,
          "--function", "orders-worker", "--outcome", "timeout", "--follow", "false"));
      assertTrue(tail.contains("orders-worker  timeout") && tail.contains("io.lambdascope.examples.orders.OrderWorker"),
          tail);

      // Alerts reach the demo's alert lines through its real Alertmanager: each alert once, with its state, whole numbers.
      // Frames show the alerts of the moment: a timeout alert resolves ten (scaled) minutes after the last timeout.
      String withAlerts = Await.until("timeout, duplicate and DLQ alerts in the demo's table", Duration.ofSeconds(120),
          demo::output, o -> o.contains("scenario finished; services keep running")
              && o.lines().anyMatch(l -> l.matches("  firing +warning +LambdaFunctionTimedOut +.*function orders-worker .*"))
              && o.lines().anyMatch(l -> l.matches("  \\w+ +info +LambdaFunctionProcessedDuplicates +.*function orders-worker .*"))
              && lastAlertLines(o).stream().anyMatch(l -> l.matches("  firing +warning +LambdaDeadLetterQueueNotEmpty +.*queue orders-dlq .*")));
      assertTrue(withAlerts.lines().anyMatch(l -> l.matches("  firing +warning +LambdaFunctionTimedOut +\\d+ invocations? of "
          + "function orders-worker in account .* timed out in the last 10 minutes\\.")), withAlerts);
      List<String> alertLines = lastAlertLines(withAlerts);
      assertEquals(alertLines.size(), Set.copyOf(alertLines.stream().map(l -> l.substring(10)).toList()).size(),
          "each alert once in a frame: " + alertLines);
      Matcher fractional = FRACTIONAL_COUNT.matcher(withAlerts);
      if (fractional.find()) {
        fail("a count with a fraction in front of people: " + fractional.group());
      }
      // The live table goes on after the scenario, one row per function.
      String lastFrame = withAlerts.substring(withAlerts.lastIndexOf("scenario finished; services keep running"));
      assertTrue(lastFrame.lines().anyMatch(l -> l.startsWith("function ") && l.contains("invocations")), lastFrame);
      for (String function : List.of("orders-api", "orders-worker", "upload-processor")) {
        assertTrue(lastFrame.lines().anyMatch(l -> l.startsWith(function + " ")), function + " in " + lastFrame);
      }
      assertTrue(prometheus.alerts().stream().anyMatch(a -> a.firing() && "LambdaDeadLetterQueueNotEmpty".equals(a.alertname())),
          "Prometheus's own view: " + prometheus.alerts());

      // Every dashboard query returns data, but those that legitimately stay empty without an incident.
      // Function-scoped panels count as answered when one of two functions has data: the API fails
      // with errors, the worker with timeouts.
      // The async queue's panels show upload-processor. Series from CloudWatch exist while CloudWatch has data
      // points (a function's recent activity): those panels count as answered if they had data in the last minutes.
      Map<String, Boolean> answered = new java.util.LinkedHashMap<>();
      Map<String, String> queries = new HashMap<>();
      for (String function : List.of("orders-api", "orders-worker", "upload-processor")) {
        for (PanelExpression e : DashboardExpressions.builder()
            .rateInterval("30s").range("5m").variable("function", function).build().list()) {
          String where = e.where();
          queries.putIfAbsent(where, e.expr());
          boolean data = !prometheus.query(e.expr()).isEmpty()
              || FROM_CLOUDWATCH.matcher(e.expr()).find()
                  && !prometheus.query("last_over_time((" + e.expr() + ")[5m:1s])").isEmpty();
          answered.merge(where, data || DashboardExpressions.EMPTY_WITHOUT_INCIDENT.containsKey(e.title()),
              Boolean::logicalOr);
        }
      }
      List<String> empty = new ArrayList<>();
      answered.forEach((where, ok) -> {
        if (!ok) {
          empty.add(where + ": " + queries.get(where));
        }
      });
      assertEquals(List.of(), empty, "dashboard queries without data");

      assertEquals(143, demo.stop(), demo.output());
      assertTrue(demo.output().contains("lambdascope: stopped"), demo.output());
      for (ProcessHandle environment : environments) {
        assertFalse(environment.isAlive(), "left behind: " + environment.info());
      }
    }
  }

  /** The alert lines of the last frame the demo printed that has any. */
  private static List<String> lastAlertLines(String output) {
    int at = output.lastIndexOf(ALERTS_HEADING);
    if (at < 0) {
      return List.of();
    }
    List<String> lines = new ArrayList<>();
    for (String line : output.substring(at + ALERTS_HEADING.length()).lines().skip(1).toList()) {
      if (!line.startsWith("  ")) {
        break;
      }
      lines.add(line);
    }
    return lines;
  }

  /** The demo's summary lines: function -> sync, throttled, function errors, async, sqs, failed, unfinished. */
  private static Map<String, long[]> sent(String output) {
    Map<String, long[]> sent = new HashMap<>();
    Matcher m = SENT.matcher(output);
    while (m.find()) {
      long[] counts = new long[7];
      for (int i = 0; i < 7; i++) {
        counts[i] = Long.parseLong(m.group(i + 2));
      }
      sent.put(m.group(1), counts);
    }
    return sent;
  }
}
