package io.lambdascope.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * alerts/rules/ is exactly what alerts/templates/ and alerts/config.properties render to, every setting is
 * used, and users' settings replace the defaults (and only known ones).
 */
class RuleRendererTest {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z][A-Za-z0-9_.]*)\\}|\\$\\{[a-z]+\\(([A-Za-z][A-Za-z0-9_.]*)\\)\\}");

  @Test
  void committedRulesAreTheRenderedTemplates() throws IOException {
    List<String> stale = new ArrayList<>();
    for (Map.Entry<String, String> file : RuleRenderer.defaults().renderAll().entrySet()) {
      Path committed = ModuleFiles.RULES_DIR.resolve(file.getKey());
      if (!Files.exists(committed) || !Files.readString(committed).equals(file.getValue())) {
        stale.add(file.getKey());
      }
    }
    assertEquals(List.of(), stale, "alerts/rules/ differs from what alerts/templates/ and alerts/config.properties give; "
        + "render them again: mvn -B -o -q -pl alerts package -DskipTests && java -jar alerts/target/lambdascope-alerts.jar "
        + "--out alerts/rules");
  }

  @Test
  void everyTemplateIsARuleFileAndEverySettingIsUsed() throws IOException {
    List<Path> templates = ModuleFiles.yamlFiles(ModuleFiles.ALERTS_DIR.resolve("templates"));
    assertEquals(new TreeSet<>(AlertRules.RULE_FILES),
        new TreeSet<>(templates.stream().map(p -> p.getFileName().toString()).toList()), "templates and rule files");
    StringBuilder all = new StringBuilder();
    for (Path t : templates) {
      all.append(Files.readString(t));
    }
    Map<String, String> config = RuleRenderer.defaults().config();
    // Settings used by other settings (describe.* by the templates, labels.replica and selectors by macros).
    String used = all + String.join("\n", config.values()) + "${labels.replica}${selector.processor}${runbook.url}";
    TreeSet<String> referenced = new TreeSet<>();
    Matcher m = PLACEHOLDER.matcher(used);
    while (m.find()) {
      referenced.add(m.group(1) != null ? m.group(1) : m.group(2));
    }
    TreeSet<String> unused = new TreeSet<>(config.keySet());
    unused.removeAll(referenced);
    assertEquals(new TreeSet<>(), unused, "settings of alerts/config.properties no template uses");
    // Every alert's 'for' and severity come from the one config.
    for (String alert : alertNames()) {
      assertTrue(config.containsKey(alert + ".for") && config.containsKey(alert + ".severity"),
          alert + " takes 'for' and severity from alerts/config.properties");
    }
  }

  @Test
  void settingsReplaceTheDefaults() {
    RuleRenderer renderer = RuleRenderer.defaults()
        .with("LambdaFunctionErrorRateHigh.threshold", "0.1")
        .with("LambdaFunctionErrorRateHigh.for", "15m")
        .with("LambdaFunctionThrottled.severity", "critical")
        .with("selector.processor", "job=\"lambda-processor\"");
    String invocations = renderer.render("invocations.yml");
    assertTrue(invocations.contains("function:faas_errors:ratio10m > 0.1\n"), invocations);
    assertTrue(invocations.contains("summary: More than 10% of a Lambda function's invocations fail."), invocations);
    assertTrue(invocations.contains("        for: 15m\n"), invocations);
    assertTrue(invocations.contains("faas_timeouts_total{job=\"lambda-processor\"}"), invocations);
    assertTrue(invocations.contains("count(up{job=\"lambda-processor\"} offset 10m == 1)"), invocations);
    assertTrue(!invocations.contains("lambdascope-processor"), invocations);
    assertTrue(invocations.startsWith("# GENERATED from alerts/templates/invocations.yml and alerts/config.properties with "
        + "LambdaFunctionErrorRateHigh.threshold=0.1, LambdaFunctionErrorRateHigh.for=15m, "), invocations);
    assertTrue(renderer.render("throttles.yml").contains("        labels:\n          severity: critical\n"));
    assertEquals("0.05", RuleRenderer.defaults().config().get("LambdaFunctionErrorRateHigh.threshold"), "defaults untouched");
  }

  @Test
  void refusesUnknownAndMalformedSettings() {
    Properties typo = new Properties();
    typo.setProperty("LambdaFunctionErrorRateHigh.treshold", "0.1");
    assertEquals("my.properties: unknown setting LambdaFunctionErrorRateHigh.treshold (alerts/config.properties lists them)",
        assertThrows(IllegalArgumentException.class, () -> RuleRenderer.defaults().with(typo, "my.properties")).getMessage());
    assertEquals("LambdaFunctionTimedOut.for=5 minutes: LambdaFunctionTimedOut.for must be a Prometheus duration such as 5m, "
            + "not '5 minutes'",
        assertThrows(IllegalArgumentException.class,
            () -> RuleRenderer.defaults().with("LambdaFunctionTimedOut.for", "5 minutes")).getMessage());
    assertEquals("LambdaFunctionTimedOut.severity=page: LambdaFunctionTimedOut.severity must be one of [critical, warning, info], "
            + "not 'page'",
        assertThrows(IllegalArgumentException.class,
            () -> RuleRenderer.defaults().with("LambdaFunctionTimedOut.severity", "page")).getMessage());
    assertEquals("LambdaFunctionErrorRateHigh.threshold=5%: LambdaFunctionErrorRateHigh.threshold must be a number such as "
            + "0.05 or 10, not '5%'",
        assertThrows(IllegalArgumentException.class,
            () -> RuleRenderer.defaults().with("LambdaFunctionErrorRateHigh.threshold", "5%")).getMessage());
    // The near-timeout share is read off a bucket boundary: another value would match no series and never fire.
    assertEquals("LambdaFunctionDurationNearTimeout.ratio=0.85: LambdaFunctionDurationNearTimeout.ratio must be a bucket "
            + "bound of its histogram: one of [0.25, 0.5, 0.8, 0.9], not '0.85'",
        assertThrows(IllegalArgumentException.class,
            () -> RuleRenderer.defaults().with("LambdaFunctionDurationNearTimeout.ratio", "0.85")).getMessage());
  }

  @Test
  void macrosAndPlaceholders() {
    RuleRenderer r = RuleRenderer.defaults();
    assertEquals("5%", r.with("LambdaFunctionErrorRateHigh.threshold", "0.05").expand("${percent(LambdaFunctionErrorRateHigh.threshold)}", "t"));
    assertEquals("0.5%", r.with("LambdaFunctionErrorRateHigh.threshold", "0.005").expand("${percent(LambdaFunctionErrorRateHigh.threshold)}", "t"));
    assertEquals("{{ with printf \"%.0f\" $value }}{{ . }} {{ if eq . \"1\" }}repeated delivery{{ else }}repeated deliveries"
        + "{{ end }}{{ end }}", r.expand("${count(repeated delivery, repeated deliveries)}", "t"));
    assertEquals("https://github.com/lambdascope/lambdascope/blob/main/alerts/runbook.md#lambdafunctiontimedout",
        r.expand("${runbook(LambdaFunctionTimedOut)}", "t"));
    // A macro's later lines take the indentation of its line, so a YAML block stays one block.
    String counted = r.expand("    x: ${counted(m{${selector.processor}}, 5m)}", "t");
    assertEquals(String.join("\n",
        "    x: (",
        "        (sum without (instance) (m{job=\"lambdascope-processor\"}) unless sum without (instance) "
            + "(m{job=\"lambdascope-processor\"} offset 5m))",
        "          and on () (count(up{job=\"lambdascope-processor\"} offset 5m == 1) > 0)",
        "      or",
        "        sum without (instance) ((m{job=\"lambdascope-processor\"} - m{job=\"lambdascope-processor\"} offset 5m) "
            + "unless resets(m{job=\"lambdascope-processor\"}[5m]) > 0 or increase(m{job=\"lambdascope-processor\"}[5m]))",
        "    )"), counted);
    assertEquals("t: unknown setting ${labels.nope} (alerts/config.properties lists them)",
        assertThrows(IllegalArgumentException.class, () -> r.expand("${labels.nope}", "t")).getMessage());
    assertEquals("t: unknown macro ${twice(x)}",
        assertThrows(IllegalArgumentException.class, () -> r.expand("${twice(x)}", "t")).getMessage());
    assertEquals("t: ${counted(...)} window is not a duration: ten minutes",
        assertThrows(IllegalArgumentException.class, () -> r.expand("${counted(m, ten minutes)}", "t")).getMessage());
  }

  @Test
  void commandLineRendersWithAUsersSettings(@TempDir Path dir) throws IOException {
    Path settings = Files.writeString(dir.resolve("mine.properties"),
        "# stricter paging\nLambdaFunctionErrorRateHigh.threshold=0.02\nselector.collector=job=\"otlp\"\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = RuleRenderer.run(new String[] {"--config", settings.toString(), "--set", "LambdaFunctionErrorRateHigh.for=2m",
        "--out", dir.resolve("rules").toString()}, print(out), print(err));
    assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
    assertEquals(AlertRules.RULE_FILES.size(), out.toString(StandardCharsets.UTF_8).lines().count());
    String invocations = Files.readString(dir.resolve("rules/invocations.yml"));
    assertTrue(invocations.contains("function:faas_errors:ratio10m > 0.02\n") && invocations.contains("for: 2m"), invocations);
    assertTrue(Files.readString(dir.resolve("rules/pipeline.yml")).contains("up{job=\"otlp\"} == 0"));

    ByteArrayOutputStream refused = new ByteArrayOutputStream();
    assertEquals(2, RuleRenderer.run(new String[] {"--set", "nope=1", "--out", dir.toString()}, print(out), print(refused)));
    assertTrue(refused.toString(StandardCharsets.UTF_8).startsWith(
        "lambdascope-alerts: nope=1: unknown setting nope (alerts/config.properties lists them)"), refused.toString());
    ByteArrayOutputStream noOut = new ByteArrayOutputStream();
    assertEquals(2, RuleRenderer.run(new String[] {}, print(out), print(noOut)));
    assertTrue(noOut.toString(StandardCharsets.UTF_8).startsWith("lambdascope-alerts: --out DIR is required"), noOut.toString());
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }

  private static List<String> alertNames() {
    return AlertRuleConventionsTest.alerts().stream().map(AlertRuleConventionsTest.Alert::name).toList();
  }
}
