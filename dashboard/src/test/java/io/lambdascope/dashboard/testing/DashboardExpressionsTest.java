package io.lambdascope.dashboard.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.dashboard.Dashboards;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DashboardExpressionsTest {

  @Test
  void listsEveryExpressionOfEveryDashboardWithVariablesSubstituted() {
    List<PanelExpression> all = DashboardExpressions.builder().rateInterval("30s").range("5m").variable("function", "checkout").build().list();
    Set<String> uids = all.stream().map(PanelExpression::dashboardUid).collect(Collectors.toSet());
    assertEquals(Set.copyOf(Dashboards.DASHBOARD_FILES.stream().map(f -> f.replace(".json", "")).toList()), uids);
    for (PanelExpression e : all) {
      assertFalse(e.expr().contains("$"), e.where() + ": unsubstituted variable in " + e.expr());
      assertFalse(e.expr().isBlank(), e.where());
    }
    assertTrue(all.stream().anyMatch(e -> e.expr().contains("[30s]")), "rate interval substituted");
    assertTrue(all.stream().anyMatch(e -> e.expr().contains("[5m]")), "range substituted");
    assertTrue(all.stream().anyMatch(e -> e.expr().contains("function=~\"checkout\"")), "function substituted");
    assertTrue(all.stream().anyMatch(e -> e.source().equals("variable")
        && e.expr().equals("group by (tenant) (faas_invocations_total)")), "label_values query turned into PromQL");
    assertTrue(all.stream().anyMatch(e -> e.source().equals("variable") && e.expr().equals(
            "group by (function) (faas_invocations_total{tenant=~\".*\", cloud_account_id=~\".*\", cloud_region=~\".*\"})")),
        "variables chained: functions of the selected tenants, accounts and regions");
    assertTrue(all.stream().anyMatch(e -> e.source().equals("panel") && e.instant()), "instant queries flagged");
  }

  @Test
  void excusedPanelsExist() {
    Set<String> titles = DashboardExpressions.builder().build().list().stream().map(PanelExpression::title).collect(Collectors.toSet());
    for (String title : DashboardExpressions.EMPTY_WITHOUT_INCIDENT.keySet()) {
      assertTrue(titles.contains(title), "EMPTY_WITHOUT_INCIDENT names no panel: " + title);
    }
  }

  @Test
  void unknownVariablesFail() {
    String dashboard = "{\"uid\":\"x\",\"panels\":[{\"title\":\"p\",\"targets\":[{\"refId\":\"A\",\"expr\":\"up{job=\\\"$jobb\\\"}\"}]}]}";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DashboardExpressions.builder().build().list(dashboard));
    assertTrue(e.getMessage().contains("$jobb"), e.getMessage());
  }

  @Test
  void readsNestedRowPanelsAndBracedVariables() {
    String dashboard = "{\"uid\":\"x\",\"panels\":[{\"type\":\"row\",\"title\":\"r\",\"panels\":[{\"title\":\"p\",\"targets\":"
        + "[{\"refId\":\"B\",\"instant\":true,\"expr\":\"rate(up[${__rate_interval}])\"}]}]}]}";
    assertEquals(List.of(new PanelExpression("x", "panel", "p", "B", "rate(up[${__rate_interval}])", "rate(up[1m])", true)),
        DashboardExpressions.builder().build().list(dashboard));
  }
}
