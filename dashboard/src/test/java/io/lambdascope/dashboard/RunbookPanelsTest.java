package io.lambdascope.dashboard;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Where alerts/runbook.md says "*Dashboard* → *Panel*", that dashboard has that panel. */
class RunbookPanelsTest {

  private static final Pattern REFERENCE = Pattern.compile("\\*([^*]+)\\*\\s+→\\s+\\*([^*]+)\\*");

  @Test
  void runbookNamesExistingDashboardsAndPanels() throws IOException {
    Map<String, Set<String>> panelsByDashboard = new HashMap<>();
    for (Path file : DashboardFiles.dashboardFiles()) {
      JsonNode d = DashboardFiles.json(file);
      Set<String> titles = new HashSet<>();
      DashboardFiles.panels(d).forEach(p -> titles.add(p.path("title").asText()));
      panelsByDashboard.put(d.path("title").asText().replaceFirst("^Lambdascope / ", ""), titles);
    }
    String runbook = Files.readString(DashboardFiles.ALERTS_DIR.resolve("runbook.md")).replaceAll("\\s*\\n\\s*", " ");
    Matcher m = REFERENCE.matcher(runbook);
    int references = 0;
    while (m.find()) {
      references++;
      String dashboard = m.group(1);
      String panel = m.group(2);
      assertTrue(panelsByDashboard.containsKey(dashboard), "runbook names dashboard '" + dashboard + "'; dashboards: " + panelsByDashboard.keySet());
      assertTrue(panelsByDashboard.get(dashboard).contains(panel),
          "runbook names panel '" + panel + "' on '" + dashboard + "'; its panels: " + panelsByDashboard.get(dashboard));
    }
    assertFalse(references == 0, "no *Dashboard* → *Panel* references found in the runbook");
  }
}
