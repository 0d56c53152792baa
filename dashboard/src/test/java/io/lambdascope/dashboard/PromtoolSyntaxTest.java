package io.lambdascope.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import io.lambdascope.dashboard.testing.DashboardExpressions;
import io.lambdascope.dashboard.testing.PanelExpression;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus's own parser accepts every dashboard expression (variables substituted): each
 * becomes a recording rule in a file that {@code promtool check rules} compiles.
 */
class PromtoolSyntaxTest {

  @Test
  void prometheusParsesEveryDashboardExpression(@TempDir Path dir) throws IOException, InterruptedException {
    List<PanelExpression> expressions = DashboardExpressions.builder().build().list();
    assertFalse(expressions.isEmpty(), "no dashboard expressions found");
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard-expressions\n    rules:\n");
    for (int i = 0; i < expressions.size(); i++) {
      PanelExpression e = expressions.get(i);
      rules.append("      # ").append(e.where().replace('\n', ' ')).append('\n')
          .append("      - record: dashboard:expression:").append(i).append('\n')
          .append("        expr: |\n          ").append(e.expr().replace("\n", "\n          ")).append('\n');
    }
    Path file = Files.writeString(dir.resolve("dashboard-expressions.yml"), rules, StandardCharsets.UTF_8);

    Process process = new ProcessBuilder(promtool(), "check", "rules", file.toString()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("promtool check rules did not finish within 60 s");
    }
    assertEquals(0, process.exitValue(), "Prometheus refuses a dashboard expression:\n" + output + "\n" + rules);
  }

  private static String promtool() {
    for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "promtool"))) {
        return Path.of(entry, "promtool").toString();
      }
    }
    throw new IllegalStateException("promtool is not installed (not on PATH); install it with: apt-get install prometheus");
  }
}
