package io.lambdascope.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Grafana dashboards of {@code dashboard/dashboards/} and the provisioning files of
 * {@code dashboard/provisioning/}, as shipped in this jar, for writing them out next to a
 * Grafana (launcher) or reading them in tests.
 */
public final class Dashboards {

  /** Dashboard files; a dashboard's uid is its file name without {@code .json}. A test keeps this list equal to the folder. */
  public static final List<String> DASHBOARD_FILES = List.of(
      "lambdascope-fleet-overview.json",
      "lambdascope-function-detail.json",
      "lambdascope-troubleshooting.json",
      "lambdascope-pipeline-health.json");

  /** Provisioning files, relative to Grafana's {@code provisioning/} folder. */
  public static final List<String> PROVISIONING_FILES = List.of(
      "datasources/lambdascope.yml",
      "dashboards/lambdascope.yml");

  private static final String DASHBOARDS_RESOURCE = "/io/lambdascope/dashboard/dashboards/";
  private static final String PROVISIONING_RESOURCE = "/io/lambdascope/dashboard/provisioning/";

  private Dashboards() {}

  /** The JSON text of one file of {@link #DASHBOARD_FILES}. */
  public static String read(String fileName) {
    Objects.requireNonNull(fileName, "fileName");
    if (!DASHBOARD_FILES.contains(fileName)) {
      throw new IllegalArgumentException("not a Lambdascope dashboard: " + fileName + " (known: " + DASHBOARD_FILES + ")");
    }
    return resource(DASHBOARDS_RESOURCE + fileName);
  }

  /** The text of one file of {@link #PROVISIONING_FILES}. */
  public static String readProvisioning(String relativePath) {
    Objects.requireNonNull(relativePath, "relativePath");
    if (!PROVISIONING_FILES.contains(relativePath)) {
      throw new IllegalArgumentException("not a Lambdascope provisioning file: " + relativePath + " (known: " + PROVISIONING_FILES + ")");
    }
    return resource(PROVISIONING_RESOURCE + relativePath);
  }

  /** Writes every dashboard into {@code dir}; returns the written paths. */
  public static List<Path> copyTo(Path dir) {
    Objects.requireNonNull(dir, "dir");
    try {
      Files.createDirectories(dir);
      List<Path> written = new ArrayList<>();
      for (String name : DASHBOARD_FILES) {
        written.add(Files.writeString(dir.resolve(name), read(name), StandardCharsets.UTF_8));
      }
      return List.copyOf(written);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write dashboards to " + dir, e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = Dashboards.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " missing from the lambdascope-dashboard jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource " + name, e);
    }
  }
}
