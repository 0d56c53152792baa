package io.lambdascope.alerts;

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
 * The Prometheus rule files of {@code alerts/rules/}, as shipped in this jar, for writing a
 * Prometheus configuration next to them (launcher) or loading them in tests.
 */
public final class AlertRules {

  /** Rule files, one per area; a test keeps this list equal to the {@code alerts/rules/} folder. */
  public static final List<String> RULE_FILES =
      List.of("invocations.yml", "dlq-duplicates.yml", "throttles.yml", "platform.yml", "resources.yml", "pipeline.yml",
          "cost.yml");

  private static final String RULES_RESOURCE = "/io/lambdascope/alerts/rules/";
  private static final String ALERTMANAGER_EXAMPLE_RESOURCE = "/io/lambdascope/alerts/alertmanager.yml";

  private AlertRules() {}

  /** The text of one rule file of {@link #RULE_FILES}. */
  public static String read(String fileName) {
    Objects.requireNonNull(fileName, "fileName");
    if (!RULE_FILES.contains(fileName)) {
      throw new IllegalArgumentException("not a Lambdascope rule file: " + fileName + " (known: " + RULE_FILES + ")");
    }
    return resource(RULES_RESOURCE + fileName);
  }

  /** Writes every rule file unchanged into {@code dir}; returns the written paths. */
  public static List<Path> copyTo(Path dir) {
    return copyTo(dir, RuleTimeScale.NONE);
  }

  /**
   * Writes every rule file into {@code dir}, with its {@code for:} durations and range windows
   * rewritten by {@code timeScale} (see {@link RuleTimeScale}); returns the written paths.
   */
  public static List<Path> copyTo(Path dir, RuleTimeScale timeScale) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(timeScale, "timeScale");
    try {
      Files.createDirectories(dir);
      List<Path> written = new ArrayList<>();
      for (String name : RULE_FILES) {
        Path target = dir.resolve(name);
        Files.writeString(target, timeScale.apply(read(name)), StandardCharsets.UTF_8);
        written.add(target);
      }
      return List.copyOf(written);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write rule files to " + dir, e);
    }
  }

  /** The example Alertmanager configuration ({@code alerts/alertmanager.yml}). */
  public static String alertmanagerExample() {
    return resource(ALERTMANAGER_EXAMPLE_RESOURCE);
  }

  /** A resource of this jar as text. */
  static String resource(String name) {
    try (InputStream in = AlertRules.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " missing from the lambdascope-alerts jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource " + name, e);
    }
  }
}
