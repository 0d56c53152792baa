package io.lambdascope.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every dashboard follows the house rules: a stable uid from its file name, tags, the
 * {@code datasource} variable used by every panel and target, {@code $__rate_interval} (or the
 * whole {@code $__range}) instead of fixed windows, links between the dashboards, and no export
 * leftovers.
 */
class DashboardConventionsTest {

  private static final JsonNode DATASOURCE = datasource();
  private static final Pattern RANGE = Pattern.compile("\\[([^\\]]*)\\]");
  private static final Pattern DASHBOARD_URL = Pattern.compile("/d/([A-Za-z0-9_-]+)");
  private static final Pattern VARIABLE_USE = Pattern.compile("\\$\\{?([A-Za-z][A-Za-z0-9_]*)");
  private static final int MIN_SCHEMA_VERSION = 39;

  private static JsonNode datasource() {
    ObjectNode ds = JsonNodeFactory.instance.objectNode();
    ds.put("type", "prometheus");
    ds.put("uid", "${datasource}");
    return ds;
  }

  @Test
  void dashboardFilesMatchTheShippedList() {
    Set<String> inFolder = DashboardFiles.dashboardFiles().stream().map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    assertEquals(inFolder, Set.copyOf(Dashboards.DASHBOARD_FILES), "Dashboards.DASHBOARD_FILES must list every file of dashboard/dashboards/");
  }

  @TestFactory
  Stream<DynamicContainer> everyDashboardFollowsTheRules() {
    Set<String> uids = DashboardFiles.dashboardFiles().stream().map(DashboardConventionsTest::uidOf).collect(Collectors.toSet());
    return DashboardFiles.dashboardFiles().stream().map(file -> {
      JsonNode d = DashboardFiles.json(file);
      String uid = uidOf(file);
      return DynamicContainer.dynamicContainer(uid, List.of(
          DynamicTest.dynamicTest("uid, title, tags, schema", () -> {
            assertEquals(uid, d.path("uid").asText(), file + ": uid must be the file name");
            assertTrue(uid.length() <= 40, uid + ": Grafana uids have at most 40 characters");
            assertTrue(d.path("id").isNull(), file + ": id must be null (Grafana assigns it)");
            assertTrue(d.path("title").asText().startsWith("Lambdascope / "), file + ": title " + d.path("title"));
            assertTrue(tags(d).contains("lambdascope"), file + ": tag lambdascope missing");
            assertTrue(tags(d).size() >= 2, file + ": tags say what the dashboard is about");
            assertTrue(d.path("schemaVersion").asInt() >= MIN_SCHEMA_VERSION, file + ": schemaVersion below " + MIN_SCHEMA_VERSION);
            assertFalse(d.path("description").asText().isBlank(), file + ": description");
          }),
          DynamicTest.dynamicTest("no export leftovers", () -> {
            String text = Files.readString(file);
            for (String leftover : List.of("__inputs", "__requires", "__elements", "${DS_", "\"datasource\": \"Prometheus\"")) {
              assertFalse(text.contains(leftover), file + " contains the export leftover " + leftover);
            }
          }),
          DynamicTest.dynamicTest("datasource variable", () -> {
            JsonNode variable = variable(d, "datasource");
            assertNotNull(variable, file + ": no datasource variable");
            assertEquals("datasource", variable.path("type").asText());
            assertEquals("prometheus", variable.path("query").asText());
          }),
          DynamicTest.dynamicTest("every panel, target, query variable and annotation uses the datasource variable", () -> {
            for (JsonNode panel : DashboardFiles.panels(d)) {
              String where = file.getFileName() + " panel \"" + panel.path("title").asText() + "\"";
              assertEquals(DATASOURCE, panel.path("datasource"), where + ": datasource");
              assertFalse(panel.path("targets").isEmpty(), where + ": no targets");
              for (JsonNode target : panel.path("targets")) {
                assertEquals(DATASOURCE, target.path("datasource"), where + " target " + target.path("refId").asText() + ": datasource");
              }
            }
            for (JsonNode v : d.path("templating").path("list")) {
              if ("query".equals(v.path("type").asText())) {
                assertEquals(DATASOURCE, v.path("datasource"), file + " variable " + v.path("name").asText() + ": datasource");
              }
            }
            for (JsonNode a : d.path("annotations").path("list")) {
              if (!a.path("builtIn").asBoolean(false)) {
                assertEquals(DATASOURCE, a.path("datasource"), file + " annotation " + a.path("name").asText() + ": datasource");
              }
            }
          }),
          DynamicTest.dynamicTest("no fixed windows", () -> {
            for (String expr : expressions(d)) {
              Matcher m = RANGE.matcher(expr);
              while (m.find()) {
                assertTrue(m.group(1).equals("$__rate_interval") || m.group(1).equals("$__range"),
                    file.getFileName() + ": fixed window [" + m.group(1) + "] in: " + expr);
              }
            }
          }),
          DynamicTest.dynamicTest("every variable used is defined", () -> {
            Set<String> defined = new HashSet<>();
            d.path("templating").path("list").forEach(v -> defined.add(v.path("name").asText()));
            for (String expr : expressions(d)) {
              Matcher m = VARIABLE_USE.matcher(expr);
              while (m.find()) {
                assertTrue(m.group(1).startsWith("__") || defined.contains(m.group(1)),
                    file.getFileName() + ": undefined variable $" + m.group(1) + " in: " + expr);
              }
            }
          }),
          DynamicTest.dynamicTest("panels: unique ids and titles, a description, a place", () -> {
            Set<Integer> ids = new HashSet<>();
            Set<String> titles = new HashSet<>();
            for (JsonNode panel : DashboardFiles.panels(d)) {
              String title = panel.path("title").asText();
              assertTrue(ids.add(panel.path("id").asInt()), file + ": duplicate panel id " + panel.path("id"));
              assertTrue(titles.add(title), file + ": duplicate panel title " + title + " (the runbook names panels by title)");
              assertFalse(panel.path("description").asText().isBlank(), file + " panel " + title + ": description");
              assertTrue(panel.path("gridPos").path("w").asInt() > 0, file + " panel " + title + ": gridPos");
            }
          }),
          DynamicTest.dynamicTest("links to the other dashboards", () -> {
            boolean tagLink = false;
            for (JsonNode link : d.path("links")) {
              tagLink |= "dashboards".equals(link.path("type").asText()) && tags(link).contains("lambdascope");
            }
            assertTrue(tagLink, file + ": needs a 'dashboards' link on tag lambdascope (lists all Lambdascope dashboards)");
            Matcher m = DASHBOARD_URL.matcher(Files.readString(file));
            while (m.find()) {
              assertTrue(uids.contains(m.group(1)), file + ": link to unknown dashboard uid " + m.group(1));
            }
          })));
    });
  }

  /**
   * A function is identified by tenant, account, region and name: the function dashboards let a person
   * choose each, several functions at once on the detail, and every panel honours the choice (dead-letter
   * queues by their own account and region).
   */
  @Test
  void functionDashboardsSelectTenantAccountRegionAndFunctions() {
    Map<String, List<String>> expected = Map.of(
        "lambdascope-fleet-overview", List.of("datasource", "tenant", "account", "region"),
        "lambdascope-function-detail", List.of("datasource", "tenant", "account", "region", "function"),
        "lambdascope-troubleshooting", List.of("datasource", "tenant", "account", "region", "function"));
    expected.forEach((uid, variables) -> {
      JsonNode d = DashboardFiles.json(DashboardFiles.DASHBOARDS_DIR.resolve(uid + ".json"));
      List<String> names = new java.util.ArrayList<>();
      d.path("templating").path("list").forEach(v -> names.add(v.path("name").asText()));
      assertEquals(variables, names, uid + ": variables");
      for (String name : variables.subList(1, variables.size())) {
        JsonNode v = variable(d, name);
        assertTrue(v.path("multi").asBoolean() && v.path("includeAll").asBoolean(), uid + " $" + name + ": several values and All");
        assertEquals(".*", v.path("allValue").asText(), uid + " $" + name + ": All matches a missing label too");
      }
      for (JsonNode panel : DashboardFiles.panels(d)) {
        for (JsonNode target : panel.path("targets")) {
          String expr = target.path("expr").asText();
          String where = uid + " \"" + panel.path("title").asText() + "\" " + target.path("refId").asText() + ": ";
          assertTrue(expr.contains("$account") && expr.contains("$region"), where + "not filtered by account and region: " + expr);
          boolean queuesOnly = !expr.matches("(?s).*(faas_|function[a-z_]*:|lambdascope_(?!dlq_)).*");
          assertTrue(queuesOnly || expr.contains("$tenant"), where + "not filtered by tenant: " + expr);
          if (names.contains("function")) {
            assertTrue(expr.contains("$function"), where + "not filtered by the chosen functions: " + expr);
          }
        }
      }
    });
  }

  @Test
  void fleetOverviewLinksToFunctionDetail() throws IOException {
    String fleet = Files.readString(DashboardFiles.DASHBOARDS_DIR.resolve("lambdascope-fleet-overview.json"));
    assertTrue(fleet.contains("/d/lambdascope-function-detail/"), "fleet overview must drill down into function detail");
  }

  static String uidOf(Path file) {
    return file.getFileName().toString().replaceFirst("\\.json$", "");
  }

  static List<String> expressions(JsonNode d) {
    Stream<String> panels = DashboardFiles.panels(d).stream()
        .flatMap(p -> Stream.of(p.path("targets")).flatMap(t -> StreamSupport.stream(t.spliterator(), false)))
        .map(t -> t.path("expr").asText());
    Stream<String> annotations = StreamSupport.stream(d.path("annotations").path("list").spliterator(), false)
        .filter(a -> a.hasNonNull("expr")).map(a -> a.path("expr").asText());
    return Stream.concat(panels, annotations).toList();
  }

  private static Set<String> tags(JsonNode node) {
    Set<String> tags = new HashSet<>();
    node.path("tags").forEach(t -> tags.add(t.asText()));
    return tags;
  }

  private static JsonNode variable(JsonNode d, String name) {
    for (JsonNode v : d.path("templating").path("list")) {
      if (name.equals(v.path("name").asText())) {
        return v;
      }
    }
    return null;
  }
}
