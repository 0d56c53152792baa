package io.lambdascope.dashboard.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.lambdascope.alerts.RuleTimeScale;
import io.lambdascope.alerts.local.PrometheusServer;
import io.lambdascope.dashboard.DashboardFiles;
import io.lambdascope.dashboard.testing.DashboardExpressions;
import io.lambdascope.dashboard.testing.PanelExpression;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every dashboard expression returns data from a real Prometheus that scrapes series shaped like
 * docs/telemetry.md (see {@link ContractShapedMetrics}), with the project's alert rules loaded
 * (time-scaled) so that the alert annotation has firing alerts to show. The launcher's
 * end-to-end test repeats this against the real processor and collector.
 */
class DashboardQueriesTest {

  private static final Duration WAIT = Duration.ofSeconds(45);

  @Test
  void everyExpressionReturnsDataFromContractShapedSeries(@TempDir Path tempDir) {
    TelemetryContract contract = TelemetryContract.read(DashboardFiles.TELEMETRY_MD);
    List<PanelExpression> expressions = DashboardExpressions.builder()
        .rateInterval("5s").range("20s").variable("function", "checkout").build().list();
    assertFalse(expressions.isEmpty());
    try (ContractShapedMetrics metrics = new ContractShapedMetrics(contract);
         PrometheusServer prometheus = PrometheusServer.builder()
             .parentDir(tempDir)
             .projectRules(RuleTimeScale.MINUTES_TO_SECONDS)
             .scrape("lambdascope-processor", metrics.target())
             .scrape("lambdascope-cloudwatch", metrics.target(), ContractShapedMetrics.CLOUDWATCH_PATH)
             .start()) {
      // Rates need two samples in the window, growths a sample a (scaled) window ago and a rule evaluation since
      // (a few seconds more), the alert annotation a firing alert.
      prometheus.awaitQuery("up offset 15s", r -> !r.isEmpty(), WAIT);
      prometheus.awaitQuery("ALERTS{alertstate=\"firing\", alertname=\"LambdaFunctionTimedOut\"}", r -> !r.isEmpty(), WAIT);
      List<String> empty = new ArrayList<>();
      for (PanelExpression e : expressions) {
        if (prometheus.query(e.expr()).isEmpty()) {
          empty.add(e.where() + ": " + e.expr());
        }
      }
      assertEquals(List.of(), empty, "expressions without data from contract-shaped series");
    }
  }
}
