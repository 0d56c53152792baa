package io.lambdascope.alerts.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.lambdascope.alerts.RuleTimeScale;
import io.lambdascope.alerts.local.internal.ServerProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness end to end: a real Prometheus with the project's rules (time-scaled) scrapes a
 * /metrics page served here, a timeout counter goes up, and the real Alertmanager delivers the
 * LambdaFunctionTimedOut notification to the webhook, its count a whole number; a target that is
 * not there brings LambdascopeTargetDown.
 */
class PrometheusHarnessTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String IDENTITY = "tenant=\"default\",cloud_account_id=\"123456789012\",cloud_region=\"eu-west-1\",";

  private final AtomicInteger timeouts = new AtomicInteger();
  private HttpServer metrics;

  @BeforeEach
  void serveMetrics() throws IOException {
    metrics = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    metrics.createContext("/metrics", exchange -> {
      byte[] body = ("# HELP faas_timeouts_total invocations with outcome timeout\n"
          + "# TYPE faas_timeouts_total counter\n"
          + "faas_timeouts_total{" + IDENTITY + "function=\"checkout\"} " + timeouts.get() + "\n"
          + "faas_timeouts_total{" + IDENTITY + "function=\"quiet\"} 0\n").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
      exchange.sendResponseHeaders(200, body.length);
      try (exchange) {
        exchange.getResponseBody().write(body);
      }
    });
    metrics.start();
  }

  @AfterEach
  void stopMetrics() {
    metrics.stop(0);
  }

  @Test
  void timeoutCounterIncreaseReachesTheWebhook(@TempDir Path tempDir) {
    String target = "127.0.0.1:" + metrics.getAddress().getPort();
    String deadTarget = "127.0.0.1:" + ServerProcess.freePort();
    try (AlertmanagerServer alertmanager = AlertmanagerServer.builder().parentDir(tempDir).start();
         PrometheusServer prometheus = PrometheusServer.builder()
             .parentDir(tempDir)
             .projectRules(RuleTimeScale.MINUTES_TO_SECONDS)
             .scrape("lambdascope-processor", target)
             .scrape("lambdascope-collector", deadTarget)
             .alertmanager(alertmanager.address())
             .start()) {
      prometheus.awaitQuery("up{job=\"lambdascope-processor\"} == 1", r -> r.size() == 1, WAIT);
      // Let the counter be seen at 0 for a whole (scaled) window first: its count is then the exact difference of two samples.
      prometheus.awaitQuery("faas_timeouts_total{function=\"checkout\"} offset 10s", r -> r.size() == 1, WAIT);
      timeouts.set(1);
      // Exactly 1, where increase() would have extrapolated to 1.1 or so.
      prometheus.awaitQuery("function:faas_timeouts:increase10m{function=\"checkout\"} == 1", r -> r.size() == 1, WAIT);

      ReceivedAlert alert = alertmanager.webhook().awaitFiring("LambdaFunctionTimedOut", Map.of("function", "checkout"), WAIT);

      assertEquals(Map.of("alertname", "LambdaFunctionTimedOut", "tenant", "default", "cloud_account_id", "123456789012",
          "cloud_region", "eu-west-1", "function", "checkout", "severity", "warning"), alert.labels());
      assertEquals("At least one invocation of a Lambda function timed out.", alert.annotations().get("summary"));
      assertEquals("https://github.com/lambdascope/lambdascope/blob/main/alerts/runbook.md#lambdafunctiontimedout",
          alert.annotations().get("runbook_url"));
      // One timeout reads 1, whatever increase() would have extrapolated over a window of a few scrapes.
      assertEquals("1 invocation of function checkout in account 123456789012, eu-west-1 (tenant default) timed out in the "
          + "last 10 minutes.", alert.annotations().get("description"));
      assertTrue(alertmanager.webhook().alerts().stream().noneMatch(a -> "quiet".equals(a.labels().get("function"))),
          "no alert for a function without timeouts: " + alertmanager.webhook().alerts());
      assertEquals(List.of(), alertmanager.webhook().rejected());

      assertTrue(prometheus.alerts().stream().anyMatch(a -> a.firing() && "LambdaFunctionTimedOut".equals(a.alertname())
          && "checkout".equals(a.labels().get("function"))), "Prometheus's own view: " + prometheus.alerts());

      List<Sample> counter = prometheus.query("faas_timeouts_total{function=\"checkout\"}");
      assertEquals(1, counter.size());
      assertEquals(1.0, counter.get(0).value());
      assertEquals("lambdascope-processor", counter.get(0).label("job"));
      assertEquals(List.of(new Sample(Map.of(), 2.0)), prometheus.query("1 + 1"));
      assertEquals(0.0, prometheus.query("up{job=\"lambdascope-collector\"}").get(0).value());
      ReceivedAlert down = alertmanager.webhook().awaitFiring("LambdascopeTargetDown", Map.of("job", "lambdascope-collector"), WAIT);
      assertEquals(Map.of("alertname", "LambdascopeTargetDown", "job", "lambdascope-collector", "instance", deadTarget,
          "severity", "critical"), down.labels());
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> prometheus.query("sum by (function"));
      assertTrue(refused.getMessage().contains("bad_data"), refused.getMessage());
    }
  }
}
