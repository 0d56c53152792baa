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
 * Every rule follows the house rules. Recording rules are named {@code level:metric:operations}.
 * Alerts have {@code for}, a bounded {@code severity}, a static summary, a templated description that
 * names what is affected (a function by tenant, account and region) and prints numbers for people,
 * a runbook_url to its own runbook section, a row in the runbook's table of severities, and promtool
 * tests at their boundary (silent one evaluation before firing, then firing with exact labels and
 * annotations) and at their resolution.
 */
class AlertRuleConventionsTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");
  private static final Set<String> ANNOTATIONS = Set.of("summary", "description", "runbook_url");
  private static final List<String> RUNBOOK_PARTS = List.of("**Meaning.**", "**Confirm.**", "**Likely causes.**", "**Fix.**");
  private static final Pattern RUNBOOK_HEADING = Pattern.compile("(?m)^## (\\S+)\\s*$");

  private static final Pattern RECORD_NAME = Pattern.compile("[a-z][a-z_]*:[a-z][a-z0-9_]*:[a-z][a-z0-9_]*");
  /** {@code $value} is printed for people: rounded, humanized or as a percentage, never raw. */
  private static final Pattern RAW_VALUE =
      Pattern.compile("\\$value(?!\\s*\\|\\s*(humanize|humanizePercentage|humanizeDuration|printf)\\b)");
  private static final Pattern PRINTF_VALUE = Pattern.compile("printf \"%\\.0f\" \\$value");

  /** One alerting rule and the file it is in. */
  record Alert(Path file, JsonNode rule) {
    String name() {
      return rule.path("alert").asText();
    }
  }

  static List<Alert> alerts() {
    return rules().stream().filter(a -> a.rule().hasNonNull("alert")).toList();
  }

  /** Every rule, recording ones too. */
  static List<Alert> rules() {
    List<Alert> rules = new ArrayList<>();
    for (Path file : ModuleFiles.yamlFiles(ModuleFiles.RULES_DIR)) {
      for (JsonNode group : read(file).path("groups")) {
        for (JsonNode rule : group.path("rules")) {
          rules.add(new Alert(file, rule));
        }
      }
    }
    return rules;
  }

  @Test
  void everyRuleIsANamedUniqueAlertOrARecordingRuleNamedLevelMetricOperations() {
    List<Alert> rules = rules();
    assertFalse(alerts().isEmpty(), "no alerts found in " + ModuleFiles.RULES_DIR);
    Set<String> names = new LinkedHashSet<>();
    for (Alert rule : rules) {
      if (rule.rule().hasNonNull("record")) {
        String record = rule.rule().path("record").asText();
        assertTrue(RECORD_NAME.matcher(record).matches(), record + " is not named level:metric:operations");
        assertTrue(names.add(record), "recording rule " + record + " is defined twice");
        assertEquals(Set.of("record", "expr"), fieldNames(rule.rule()), record + ": a recording rule adds no labels");
        continue;
      }
      assertTrue(rule.rule().hasNonNull("alert"), "a rule in " + rule.file() + " is neither alert nor record: " + rule.rule());
      assertTrue(names.add(rule.name()), "alert " + rule.name() + " is defined twice");
      assertTrue(rule.name().matches("(Lambda|Lambdascope)[A-Z][A-Za-z]+"), "alert name " + rule.name() + " is not Lambda*/Lambdascope* CamelCase");
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
      // Alerts about the pipeline as a whole (the collector, the processor) carry no labels to name; their tests show it.
      assertTrue(description.contains("$labels.") || alert.file().getFileName().toString().equals("pipeline.yml"),
          name + ": description must name what is affected with $labels");
      if (!alert.file().getFileName().toString().equals("pipeline.yml")) {
        assertTrue(description.contains("$labels.function") || description.contains("$labels.queue"),
            name + ": description must name the function or queue: " + description);
      }
      if (description.contains("$labels.function") || description.contains("$labels.queue")) {
        for (String label : List.of("$labels.cloud_account_id", "$labels.cloud_region")) {
          assertTrue(description.contains(label), name + ": description must name the account and region: " + description);
        }
      }
      if (description.contains("$labels.function") && !description.contains("$labels.queue")) {
        assertTrue(description.contains("$labels.tenant"), name + ": description must name the tenant: " + description);
      }
      Matcher raw = RAW_VALUE.matcher(PRINTF_VALUE.matcher(description).replaceAll("printf"));
      assertFalse(raw.find(), name + ": $value printed raw (extrapolated counts read 1.111): " + description);
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

  /** The runbook's table of alerts says each one's severity, as the rules give it, and links to its section. */
  @Test
  void runbookTableGivesEverySeverity() throws IOException {
    Pattern row = Pattern.compile("(?m)^\\| \\[(\\w+)\\]\\(#(\\w+)\\) \\| (\\w+) \\| .+ \\|$");
    Map<String, String> severities = new java.util.TreeMap<>();
    Matcher m = row.matcher(Files.readString(ModuleFiles.RUNBOOK));
    while (m.find()) {
      assertEquals(m.group(1).toLowerCase(), m.group(2), "runbook table: link of " + m.group(1));
      severities.put(m.group(1), m.group(3));
    }
    Map<String, String> expected = new java.util.TreeMap<>();
    alerts().forEach(a -> expected.put(a.name(), a.rule().path("labels").path("severity").asText()));
    assertEquals(expected, severities, "alerts/runbook.md: the table of alerts and severities");
  }

  @Test
  void everyRuleFileHasAPromtoolTestFile() {
    for (Path rules : ModuleFiles.yamlFiles(ModuleFiles.RULES_DIR)) {
      String base = rules.getFileName().toString().replaceFirst("\\.yml$", "");
      Path test = ModuleFiles.TESTS_DIR.resolve(base + ".test.yml");
      assertTrue(Files.exists(test), "no promtool test " + test + " for " + rules);
      List<String> ruleFiles = new ArrayList<>();
      read(test).path("rule_files").forEach(f -> ruleFiles.add(f.asText()));
      assertTrue(ruleFiles.contains("../rules/" + rules.getFileName()), test + " must load its own rule file: " + ruleFiles);
      for (String loaded : ruleFiles) {
        assertTrue(loaded.matches("\\.\\./rules/[a-z-]+\\.yml"), test + " loads " + loaded + ", not a file of alerts/rules/");
      }
      if (ruleFiles.size() > 1) {
        // Prometheus evaluates groups independently; promtool in an order of its own unless told.
        assertTrue(read(test).path("group_eval_order").size() >= ruleFiles.size(),
            test + " loads rules it depends on: it must say in which order groups are evaluated (group_eval_order)");
      }
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
      Set<String> testNames = new TreeSet<>();
      boolean resolves = false;
      for (JsonNode test : tests.path("tests")) {
        testNames.add(test.path("name").asText());
        // Resolution: an alert expected at one evaluation and gone at a later one of the same test.
        Map<Duration, Set<String>> firingAt = new java.util.TreeMap<>();
        for (JsonNode check : test.path("alert_rule_test")) {
          if (!alert.name().equals(check.path("alertname").asText())) {
            continue;
          }
          Duration at = RuleTimeScale.parse(check.path("eval_time").asText());
          Set<String> expectedLabels = new TreeSet<>();
          check.path("exp_alerts").forEach(e -> expectedLabels.add(e.path("exp_labels").toString()));
          firingAt.put(at, expectedLabels);
          if (check.path("exp_alerts").isEmpty()) {
            silent.add(at);
            continue;
          }
          firing.add(at);
          for (JsonNode expected : check.path("exp_alerts")) {
            if (!alert.rule().path("annotations").path("description").asText().contains("$labels.")) {
              assertEquals(Set.of("severity"), fieldNames(expected.path("exp_labels")),
                  alert.name() + ": its alerts carry labels its description does not name");
            }
            assertEquals(alert.rule().path("labels").path("severity").asText(), expected.path("exp_labels").path("severity").asText(),
                alert.name() + " at " + at + ": exp_labels must state the severity");
            JsonNode annotations = expected.path("exp_annotations");
            assertEquals(ANNOTATIONS, fieldNames(annotations), alert.name() + " at " + at + ": exp_annotations must be exact");
            assertEquals(alert.rule().path("annotations").path("summary").asText(), annotations.path("summary").asText());
            assertEquals(alert.rule().path("annotations").path("runbook_url").asText(), annotations.path("runbook_url").asText());
          }
        }
        List<Set<String>> inOrder = new ArrayList<>(firingAt.values());
        for (int i = 0; i < inOrder.size(); i++) {
          for (int j = i + 1; j < inOrder.size(); j++) {
            Set<String> gone = new TreeSet<>(inOrder.get(i));
            gone.removeAll(inOrder.get(j));
            resolves |= !gone.isEmpty();
          }
        }
      }
      assertFalse(firing.isEmpty(), alert.name() + ": no promtool check where it fires");
      assertTrue(testNames.contains(alert.name()), testFile + ": no test named " + alert.name());
      assertTrue(firing.stream().anyMatch(t -> silent.contains(t.minus(step))),
          alert.name() + ": no check that it is silent one evaluation (" + step + ") before it fires; silent at " + silent
              + ", firing at " + firing);
      assertTrue(resolves, alert.name() + ": no check that it resolves (an alert expected at one evaluation, gone at a later one)");
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
