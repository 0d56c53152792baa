package io.lambdascope.dashboard.testing;

import java.util.Objects;

/**
 * One PromQL expression of a dashboard, with its template variables substituted.
 *
 * @param dashboardUid the dashboard's uid
 * @param source       where it is: {@code panel}, {@code variable} or {@code annotation}
 * @param title        the panel's title, or the variable's or annotation's name
 * @param refId        the target's refId ({@code A}, {@code B}, ...); empty for variables and annotations
 * @param rawExpr      the expression as written in the dashboard
 * @param expr         the expression ready for Prometheus
 * @param instant      true when the panel asks for an instant query (tables, stats, bar gauges)
 */
public record PanelExpression(String dashboardUid, String source, String title, String refId, String rawExpr, String expr,
    boolean instant) {

  public PanelExpression {
    Objects.requireNonNull(dashboardUid, "dashboardUid");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(refId, "refId");
    Objects.requireNonNull(rawExpr, "rawExpr");
    Objects.requireNonNull(expr, "expr");
  }

  /** {@code uid / title / refId}, for messages. */
  public String where() {
    return dashboardUid + " / " + source + " \"" + title + "\"" + (refId.isEmpty() ? "" : " / " + refId);
  }
}
