package io.lambdascope.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every alert follows the house rules: {@code for}, a bounded {@code severity}, a static summary,
 * a templated description naming what is affected, a runbook_url to its own runbook section, and
 * a promtool test at its boundary (silent one evaluation before firing, then firing with exact
 * labels and annotations).
 */
class AlertRuleConventionsTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");
  private static final Set<String> ANNOTATIONS = Set.of("summary", "description", "runbook_url");
  private static final List<String> RUNBOOK_PARTS = List.of("**Meaning.**", "**Confirm.**", "**Likely causes.**", "**Fix.**");
  private static final Pattern RUNBOOK_HEADING = Pattern.compile("(?m)^## (\\S+)\\s*$");

  /** One alerting rule and the file it is in. */
  record Alert(Path file, JsonNode rule) {
    String name() {
      return rule.path("alert").asText();
    }
  }

  static List<Alert> alerts() {
    List<Alert> alerts = new ArrayList<>();
    for (Path file : ModuleFiles.yamlFiles(ModuleFiles.RULES_DIR)) {
      for (JsonNode group : read(file).path("groups")) {
        for (JsonNode rule : group.path("rules")) {
          alerts.add(new Alert(file, rule));
        }
      }
    }
    return alerts;
  }

  @Test
  void everyRuleIsANamedUniqueAlert() {
    List<Alert> alerts = alerts();
    assertFalse(alerts.isEmpty(), "no alerts found in " + ModuleFiles.RULES_DIR);
    Set<String> names = new LinkedHashSet<>();
    for (Alert alert : alerts) {
      assertTrue(alert.rule().hasNonNull("alert"), "a rule in " + alert.file() + " is not an alerting rule: " + alert.rule());
      assertTrue(names.add(alert.name()), "alert " + alert.name() + " is defined twice");
      assertTrue(alert.name().matches("(Lambda|Lambdascope)[A-Z][A-Za-z]+"), "alert name " + alert.name() + " is not Lambda*/Lambdascope* CamelCase");
    }
  }

  @TestFactory
  Stream<DynamicTest> everyAlertHasForSeveritySummaryDescriptionAndRunbookUrl() {
    return alerts().stream().map(alert -> DynamicTest.dynamicTest(alert.name(), () -> {
      JsonNode rule = alert.rule();
      String name = alert.name();
      assertTrue(rule.hasNonNull("for"), name + " has no 'for'");
      assertTrue(RuleTimeScale.parse(rule.path("for").asText()).compareTo(Duration.ZERO) > 0, name + " has a zero 'for'");

      JsonNode labels = rule.path("labels");
      assertEquals(Set.of("severity"), fieldNames(labels), name + ": labels other than severity would multiply alert series");
      assertTrue(SEVERITIES.contains(labels.path("severity").asText()), name + ": severity must be one of " + SEVERITIES);

      JsonNode annotations = rule.path("annotations");
      assertEquals(ANNOTATIONS, fieldNames(annotations), name + ": annotations");
      String summary = annotations.path("summary").asText();
      assertFalse(summary.isBlank() || summary.contains("{{"), name + ": summary must be static text, got: " + summary);
      String description = annotations.path("description").asText();
      assertTrue(description.contains("{{ $labels."), name + ": description must name what is affected with $labels");
      if (!alert.file().getFileName().toString().equals("pipeline.yml")) {
        assertTrue(description.contains("$labels.function") || description.contains("$labels.queue"),
            name + ": description must name the function or queue: " + description);
      }
      assertEquals(ModuleFiles.RUNBOOK_URL_BASE + name.toLowerCase(), annotations.path("runbook_url").asText(), name + ": runbook_url");
    }));
  }

  @Test
  void runbookHasOneCompleteSectionPerAlert() throws IOException {
    String runbook = Files.readString(ModuleFiles.RUNBOOK);
    Map<String, String> sections = new LinkedHashMap<>();
    Matcher m = RUNBOOK_HEADING.matcher(runbook);
    List<int[]> bounds = new ArrayList<>();
    List<String> names = new ArrayList<>();
    while (m.find()) {
      names.add(m.group(1));
      bounds.add(new int[] {m.end(), 0});
    }
    for (int i = 0; i < names.size(); i++) {
      int end = i + 1 < names.size() ? runbook.lastIndexOf("\n## ", bounds.get(i + 1)[0]) : runbook.length();
      sections.put(names.get(i), runbook.substring(bounds.get(i)[0], end));
    }
    Set<String> alertNames = new TreeSet<>(alerts().stream().map(Alert::name).toList());
    assertEquals(alertNames, new TreeSet<>(sections.keySet()), "runbook sections (## <alert>) must match the alerts one to one");
    sections.forEach((name, text) -> RUNBOOK_PARTS.forEach(part ->
        assertTrue(text.contains(part), "runbook section " + name + " lacks " + part)));
  }

  @Test
  void everyRuleFileHasAPromtoolTestFile() {
    for (Path rules : ModuleFiles.yamlFiles(ModuleFiles.RULES_DIR)) {
      String base = rules.getFileName().toString().replaceFirst("\\.yml$", "");
      Path test = ModuleFiles.TESTS_DIR.resolve(base + ".test.yml");
      assertTrue(Files.exists(test), "no promtool test " + test + " for " + rules);
      List<String> ruleFiles = new ArrayList<>();
      read(test).path("rule_files").forEach(f -> ruleFiles.add(f.asText()));
      assertEquals(List.of("../rules/" + rules.getFileName()), ruleFiles, test + " must load exactly its own rule file");
    }
  }

  @TestFactory
  Stream<DynamicTest> everyAlertIsTestedAtItsBoundary() {
    Map<String, JsonNode> testFiles = new LinkedHashMap<>();
    ModuleFiles.yamlFiles(ModuleFiles.TESTS_DIR).forEach(f -> testFiles.put(f.getFileName().toString(), read(f)));
    return alerts().stream().map(alert -> DynamicTest.dynamicTest(alert.name(), () -> {
      String testFile = alert.file().getFileName().toString().replaceFirst("\\.yml$", ".test.yml");
      JsonNode tests = testFiles.get(testFile);
      if (tests == null) {
        fail("no " + testFile + " for " + alert.name());
      }
      Duration step = RuleTimeScale.parse(tests.path("evaluation_interval").asText("1m"));
      List<Duration> silent = new ArrayList<>();
      List<Duration> firing = new ArrayList<>();
      for (JsonNode test : tests.path("tests")) {
        for (JsonNode check : test.path("alert_rule_test")) {
          if (!alert.name().equals(check.path("alertname").asText())) {
            continue;
          }
          Duration at = RuleTimeScale.parse(check.path("eval_time").asText());
          if (check.path("exp_alerts").isEmpty()) {
            silent.add(at);
            continue;
          }
          firing.add(at);
          for (JsonNode expected : check.path("exp_alerts")) {
            assertEquals(alert.rule().path("labels").path("severity").asText(), expected.path("exp_labels").path("severity").asText(),
                alert.name() + " at " + at + ": exp_labels must state the severity");
            JsonNode annotations = expected.path("exp_annotations");
            assertEquals(ANNOTATIONS, fieldNames(annotations), alert.name() + " at " + at + ": exp_annotations must be exact");
            assertEquals(alert.rule().path("annotations").path("summary").asText(), annotations.path("summary").asText());
            assertEquals(alert.rule().path("annotations").path("runbook_url").asText(), annotations.path("runbook_url").asText());
          }
        }
      }
      assertFalse(firing.isEmpty(), alert.name() + ": no promtool check where it fires");
      assertTrue(firing.stream().anyMatch(t -> silent.contains(t.minus(step))),
          alert.name() + ": no check that it is silent one evaluation (" + step + ") before it fires; silent at " + silent
              + ", firing at " + firing);
    }));
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static JsonNode read(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + file, e);
    }
  }
}
