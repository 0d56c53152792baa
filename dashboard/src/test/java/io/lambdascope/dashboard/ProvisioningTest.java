package io.lambdascope.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provisioning files have the shape stock Grafana reads, and the jar ships them. */
class ProvisioningTest {

  @Test
  void datasourceProvisioningDefinesAPrometheusDatasource() {
    JsonNode file = DashboardFiles.yaml(DashboardFiles.PROVISIONING_DIR.resolve("datasources/lambdascope.yml"));
    assertEquals(1, file.path("apiVersion").asInt());
    JsonNode ds = file.path("datasources").path(0);
    assertEquals("prometheus", ds.path("type").asText());
    assertEquals("proxy", ds.path("access").asText());
    assertEquals("http://localhost:9090", ds.path("url").asText(), "Prometheus's default address, for users to change");
    assertEquals("lambdascope-prometheus", ds.path("uid").asText(), "a fixed datasource uid lets links and alerts refer to it");
    // docs/dashboards.md's prometheus.yml scrapes every 15 s; $__rate_interval is derived from timeInterval.
    assertEquals("15s", ds.path("jsonData").path("timeInterval").asText());
  }

  @Test
  void dashboardProvisioningLoadsTheFolder() {
    JsonNode file = DashboardFiles.yaml(DashboardFiles.PROVISIONING_DIR.resolve("dashboards/lambdascope.yml"));
    assertEquals(1, file.path("apiVersion").asInt());
    JsonNode provider = file.path("providers").path(0);
    assertEquals("file", provider.path("type").asText());
    assertEquals("lambdascope", provider.path("name").asText());
    // What docs/dashboards.md tells users: the Lambdascope folder, files under this path (the Docker example mounts
    // there), changes picked up within 30 seconds, the files the source of truth.
    assertEquals("Lambdascope", provider.path("folder").asText());
    assertEquals("/var/lib/grafana/dashboards/lambdascope", provider.path("options").path("path").asText());
    assertEquals(30, provider.path("updateIntervalSeconds").asInt());
    assertEquals(BooleanNode.FALSE, provider.path("allowUiUpdates"));
  }

  @Test
  void jarShipsDashboardsAndProvisioning(@TempDir Path dir) throws IOException {
    for (String file : Dashboards.PROVISIONING_FILES) {
      assertEquals(Files.readString(DashboardFiles.PROVISIONING_DIR.resolve(file)), Dashboards.readProvisioning(file), file);
    }
    for (Path written : Dashboards.copyTo(dir)) {
      assertEquals(Files.readString(DashboardFiles.DASHBOARDS_DIR.resolve(written.getFileName())), Files.readString(written), written.toString());
    }
    assertEquals(Dashboards.DASHBOARD_FILES.size(), DashboardFiles.list(dir, ".json").size());
  }
}
