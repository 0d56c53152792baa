package io.lambdascope.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rule files load in Prometheus, and their unit tests (alerts/tests/) pass. */
class PromtoolTest {

  @Test
  void ruleFilesPassPromtoolCheck() {
    List<String> command = new ArrayList<>(List.of("promtool", "check", "rules"));
    List<Path> rules = ModuleFiles.yamlFiles(ModuleFiles.RULES_DIR);
    assertFalse(rules.isEmpty(), "no rule files in " + ModuleFiles.RULES_DIR);
    rules.forEach(r -> command.add(r.toString()));
    ModuleFiles.Result result = ModuleFiles.run("prometheus", command.toArray(String[]::new));
    assertEquals(0, result.exitCode(), "promtool check rules failed:\n" + result.output());
  }

  @Test
  void alertUnitTestsPassPromtoolTest() {
    List<String> command = new ArrayList<>(List.of("promtool", "test", "rules"));
    List<Path> tests = ModuleFiles.yamlFiles(ModuleFiles.TESTS_DIR);
    assertFalse(tests.isEmpty(), "no promtool tests in " + ModuleFiles.TESTS_DIR);
    tests.forEach(t -> command.add(t.toString()));
    ModuleFiles.Result result = ModuleFiles.run("prometheus", command.toArray(String[]::new));
    assertEquals(0, result.exitCode(), "promtool test rules failed:\n" + result.output());
  }
}
