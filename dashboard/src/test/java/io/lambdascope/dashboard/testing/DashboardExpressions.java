package io.lambdascope.dashboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdascope.dashboard.Dashboards;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every PromQL expression of the project's dashboards (panel targets, query variables, annotations),
 * with Grafana's template variables substituted so that Prometheus can evaluate them as they are.
 *
 * <pre>{@code
 * for (PanelExpression e : DashboardExpressions.builder().rateInterval("30s").range("5m").build().list()) {
 *   List<Sample> result = prometheus.query(e.expr());   // alerts' test-jar PrometheusServer
 * }
 * }</pre>
 *
 * <p>Defaults: {@code $__rate_interval} 1m, {@code $__interval} 15s, {@code $__range} 1h, every
 * dashboard variable ({@code $tenant}, {@code $account}, {@code $region}, {@code $function}) {@code .*}
 * — the dashboards match variables with {@code =~}, and {@code .*} also matches a missing label. A variable query {@code label_values(metric, label)} becomes
 * {@code group by (label) (metric)}. An unknown variable fails, so typos cannot hide.
 */
public final class DashboardExpressions {

  /**
   * Panels (and the alert annotation) whose expressions return nothing unless something went wrong,
   * by title, with why: an end-to-end check that every expression returns data excuses these
   * unless its scenario provokes them. Counters that docs/telemetry.md exposes at 0 from the start
   * (throttles, agent drops, collector rejections and producer errors) do not belong here.
   */
  public static final Map<String, String> EMPTY_WITHOUT_INCIDENT = Map.ofEntries(
      // The processor registers this counter at the first undecodable record, not at 0.
      Map.entry("Processor decode failures", "lambdascope_processor_decode_failures_total exists once a record was undecodable"),
      // The gauge is 1 while a finding holds and absent otherwise; the panel also keeps only values > 0.
      Map.entry("Findings", "lambdascope_finding is exposed only while a finding holds"),
      // service and operation are free-form labels: telemetry.md exposes no zeros for them.
      Map.entry("Downstream throttles by service and operation", "only when AWS SDK calls inside a function were throttled"),
      // error_type is a free-form label: no zero series before the first failed init.
      Map.entry("Init failures", "lambdascope_init_failures_total has a series only once an init failed"),
      Map.entry("Init failures by error type", "lambdascope_init_failures_total has a series only once an init failed"),
      // Only SnapStart functions restore; the others never observe this histogram.
      Map.entry("SnapStart restore duration", "only functions with SnapStart restore from a snapshot"),
      // Prometheus keeps an ALERTS series only while the alert is pending or firing.
      Map.entry("Lambdascope alerts", "ALERTS has firing Lambdascope alerts only while one fires"));

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::[A-Za-z]+)?\\}|\\[\\[([A-Za-z_][A-Za-z0-9_]*)\\]\\]|\\$([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((.*),\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\)\\s*$", Pattern.DOTALL);

  private final Map<String, String> values;

  private DashboardExpressions(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every expression of every dashboard of {@link Dashboards#DASHBOARD_FILES}, in file and panel order. */
  public List<PanelExpression> list() {
    List<PanelExpression> all = new ArrayList<>();
    for (String file : Dashboards.DASHBOARD_FILES) {
      all.addAll(list(Dashboards.read(file)));
    }
    return List.copyOf(all);
  }

  /** Every expression of one dashboard's JSON. */
  public List<PanelExpression> list(String dashboardJson) {
    JsonNode dashboard;
    try {
      dashboard = JSON.readTree(Objects.requireNonNull(dashboardJson, "dashboardJson"));
    } catch (IOException e) {
      throw new UncheckedIOException("dashboard is not valid JSON", e);
    }
    String uid = dashboard.path("uid").asText();
    List<PanelExpression> out = new ArrayList<>();
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if ("query".equals(variable.path("type").asText())) {
        JsonNode query = variable.path("query");
        String raw = query.isObject() ? query.path("query").asText() : query.asText();
        out.add(new PanelExpression(uid, "variable", variable.path("name").asText(), "", raw, substitute(labelValues(raw), uid), true));
      }
    }
    for (JsonNode annotation : dashboard.path("annotations").path("list")) {
      if (annotation.hasNonNull("expr")) {
        String raw = annotation.path("expr").asText();
        out.add(new PanelExpression(uid, "annotation", annotation.path("name").asText(), "", raw, substitute(raw, uid), false));
      }
    }
    addPanels(uid, dashboard.path("panels"), out);
    return out;
  }

  private void addPanels(String uid, JsonNode panels, List<PanelExpression> out) {
    for (JsonNode panel : panels) {
      for (JsonNode target : panel.path("targets")) {
        if (target.hasNonNull("expr")) {
          String raw = target.path("expr").asText();
          out.add(new PanelExpression(uid, "panel", panel.path("title").asText(), target.path("refId").asText(), raw,
              substitute(raw, uid), target.path("instant").asBoolean(false)));
        }
      }
      addPanels(uid, panel.path("panels"), out);
    }
  }

  /** {@code label_values(m, l)} is Grafana's, not PromQL: the equivalent query lists the same label values. */
  static String labelValues(String query) {
    Matcher m = LABEL_VALUES.matcher(query);
    return m.matches() ? "group by (" + m.group(2) + ") (" + m.group(1).trim() + ")" : query;
  }

  private String substitute(String expr, String uid) {
    Matcher m = VARIABLE.matcher(expr);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
      String value = values.get(name);
      if (value == null) {
        throw new IllegalArgumentException("dashboard " + uid + ": no value for variable $" + name + " in: " + expr);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Values of Grafana's built-in variables and the dashboards' own. */
  public static final class Builder {
    private final Map<String, String> values = new HashMap<>();

    private Builder() {
      values.put("__rate_interval", "1m");
      values.put("__interval", "15s");
      values.put("__interval_ms", "15000");
      values.put("__range", "1h");
      values.put("__range_s", "3600");
      values.put("__range_ms", "3600000");
      for (String variable : List.of("tenant", "account", "region", "function")) {
        values.put(variable, ".*");
      }
    }

    /** {@code $__rate_interval} (default 1m): at least four scrape intervals. */
    public Builder rateInterval(String duration) {
      return variable("__rate_interval", duration);
    }

    /** {@code $__range} (default 1h): the dashboard's time range, for whole-range stats and tables. */
    public Builder range(String duration) {
      return variable("__range", duration);
    }

    /** A dashboard variable, e.g. {@code variable("function", "checkout")} (default for the dashboards' own: {@code .*}). */
    public Builder variable(String name, String value) {
      values.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    public DashboardExpressions build() {
      return new DashboardExpressions(values);
    }
  }
}
