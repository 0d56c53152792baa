package io.lambdascope.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The dashboard module's source files, and the files of other folders its tests read. */
public final class DashboardFiles {

  /** Set by the POM; the module folder when run from elsewhere (an IDE). */
  public static final Path MODULE_DIR = Path.of(System.getProperty("lambdascope.dashboard.dir", System.getProperty("user.dir")));
  public static final Path DASHBOARDS_DIR = MODULE_DIR.resolve("dashboards");
  public static final Path PROVISIONING_DIR = MODULE_DIR.resolve("provisioning");
  public static final Path TELEMETRY_MD =
      Path.of(System.getProperty("lambdascope.docs.dir", MODULE_DIR.resolve("../docs").toString())).resolve("telemetry.md");
  public static final Path ALERTS_DIR = Path.of(System.getProperty("lambdascope.alerts.dir", MODULE_DIR.resolve("../alerts").toString()));

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private DashboardFiles() {}

  public static List<Path> dashboardFiles() {
    return list(DASHBOARDS_DIR, ".json");
  }

  public static List<Path> list(Path dir, String suffix) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode json(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + file, e);
    }
  }

  public static JsonNode yaml(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + file, e);
    }
  }

  /** Every panel of a dashboard, rows' nested panels included, rows themselves excluded. */
  public static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> out = new ArrayList<>();
    addPanels(dashboard.path("panels"), out);
    return out;
  }

  private static void addPanels(JsonNode panels, List<JsonNode> out) {
    for (JsonNode panel : panels) {
      if (!"row".equals(panel.path("type").asText())) {
        out.add(panel);
      }
      addPanels(panel.path("panels"), out);
    }
  }
}
