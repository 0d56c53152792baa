package io.lambdascope.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
    assertTrue(ds.path("url").asText().startsWith("http"), "datasource url");
    assertFalse(ds.path("uid").asText().isBlank(), "a fixed datasource uid lets links and alerts refer to it");
    assertFalse(ds.path("jsonData").path("timeInterval").asText().isBlank(), "timeInterval (the scrape interval) drives $__rate_interval");
  }

  @Test
  void dashboardProvisioningLoadsTheFolder() {
    JsonNode file = DashboardFiles.yaml(DashboardFiles.PROVISIONING_DIR.resolve("dashboards/lambdascope.yml"));
    assertEquals(1, file.path("apiVersion").asInt());
    JsonNode provider = file.path("providers").path(0);
    assertEquals("file", provider.path("type").asText());
    assertFalse(provider.path("name").asText().isBlank());
    assertFalse(provider.path("folder").asText().isBlank());
    assertTrue(provider.path("options").path("path").asText().startsWith("/"), "options.path must be absolute");
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
