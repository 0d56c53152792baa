package io.lambdascope.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rule files in the jar are exactly those of alerts/rules/. */
class AlertRulesTest {

  @Test
  void ruleFileListMatchesTheRulesFolder() {
    Set<String> inFolder = ModuleFiles.yamlFiles(ModuleFiles.RULES_DIR).stream()
        .map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    assertEquals(inFolder, Set.copyOf(AlertRules.RULE_FILES), "AlertRules.RULE_FILES must list every file of alerts/rules/");
  }

  @Test
  void copiesEveryRuleFileUnchanged(@TempDir Path dir) throws IOException {
    List<Path> written = AlertRules.copyTo(dir);
    assertEquals(AlertRules.RULE_FILES.size(), written.size());
    for (Path file : written) {
      assertEquals(Files.readString(ModuleFiles.RULES_DIR.resolve(file.getFileName())), Files.readString(file), file + " differs");
    }
  }

  @Test
  void copiesWithATimeScale(@TempDir Path dir) throws IOException {
    AlertRules.copyTo(dir, RuleTimeScale.MINUTES_TO_SECONDS);
    String invocations = Files.readString(dir.resolve("invocations.yml"));
    assertTrue(invocations.contains("increase(faas_timeouts_total{job=\"lambdascope-processor\"}[10s])"), invocations);
    assertTrue(invocations.contains("faas_timeouts_total{job=\"lambdascope-processor\"} offset 10s"), invocations);
    assertTrue(invocations.contains("for: 1s"), invocations);
    assertTrue(Files.readString(dir.resolve("pipeline.yml")).contains("[360s:10s]"), "subquery range and step scaled");
  }

  @Test
  void refusesUnknownFiles() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AlertRules.read("../../secrets.yml"));
    assertEquals("not a Lambdascope rule file: ../../secrets.yml (known: " + AlertRules.RULE_FILES + ")", e.getMessage());
  }

  @Test
  void shipsTheAlertmanagerExample() throws IOException {
    assertEquals(Files.readString(ModuleFiles.ALERTMANAGER_EXAMPLE), AlertRules.alertmanagerExample());
  }
}
