package io.lambdascope.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** alerts/alertmanager.yml is valid for Alertmanager 0.25 and routes alerts by severity. */
class AlertmanagerExampleTest {

  @Test
  void exampleConfigPassesAmtoolCheck() {
    ModuleFiles.Result result = ModuleFiles.run("prometheus-alertmanager",
        "amtool", "check-config", ModuleFiles.ALERTMANAGER_EXAMPLE.toString());
    assertEquals(0, result.exitCode(), "amtool check-config failed:\n" + result.output());
  }

  @ParameterizedTest(name = "{0} severity={1} -> {2}")
  @CsvSource({
      "LambdaFunctionTimedOut, warning, slack",
      "LambdaFunctionTimeoutRateHigh, critical, pager",
      "LambdaDeadLetterQueueNotEmpty, warning, slack",
      "LambdaDeadLetterQueueGrowing, critical, pager",
      "LambdaFunctionColdStartRatioHigh, info, email-digest",
      "LambdascopeProcessorLagHigh, warning, slack",
      "LambdascopeTargetDown, critical, pager",
      "LambdascopeAgentDroppingTelemetry, critical, pager",
  })
  void routesBySeverity(String alertname, String severity, String receiver) {
    ModuleFiles.Result result = ModuleFiles.run("prometheus-alertmanager",
        "amtool", "config", "routes", "test", "--config.file=" + ModuleFiles.ALERTMANAGER_EXAMPLE,
        "--verify.receivers=" + receiver, "alertname=" + alertname, "severity=" + severity, "function=checkout");
    assertEquals(0, result.exitCode(), alertname + " should reach " + receiver + ":\n" + result.output());
  }
}
