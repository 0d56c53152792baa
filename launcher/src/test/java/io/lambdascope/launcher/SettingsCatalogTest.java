package io.lambdascope.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/configuration.md and the settings the launcher accepts are the same list. */
class SettingsCatalogTest {

  @Test
  void everySettingIsDocumentedAndEveryDocumentedSettingExists() throws Exception {
    String doc = Files.readString(Path.of(System.getProperty("user.dir")).getParent().resolve("docs/configuration.md"));
    Set<String> documented = new TreeSet<>();
    Matcher m = Pattern.compile("^\\| `([A-Z_]+)` \\| `(--[a-z-]+)` \\|", Pattern.MULTILINE).matcher(doc);
    Set<String> flags = new HashSet<>();
    while (m.find()) {
      documented.add(m.group(1));
      flags.add(m.group(1) + " " + m.group(2));
    }
    Set<String> accepted = new TreeSet<>();
    for (Command c : Commands.all()) {
      for (Setting s : c.settings()) {
        accepted.add(s.env());
        assertTrue(flags.contains(s.env() + " " + s.flag()), "docs/configuration.md: wrong or missing flag for " + s.env());
      }
    }
    assertEquals(accepted, documented);
  }

  /** A setting a part reads but the launcher does not list could be set by environment only. */
  @Test
  void everySettingThePartsReadHasAFlag() throws Exception {
    Path root = Path.of(System.getProperty("user.dir")).getParent();
    Set<String> accepted = new TreeSet<>();
    for (Command c : Commands.all()) {
      c.settings().forEach(s -> accepted.add(s.env()));
    }
    // The agent's own settings (docs/agent.md), which the emulator passes through to functions,
    // and the emulator's classpath override for embedding it elsewhere.
    Set<String> notFlags = Set.of("LAMBDASCOPE_TIMEOUT_MARGIN_MS", "LAMBDASCOPE_DEBUG", "LAMBDASCOPE_ENABLED",
        "LAMBDASCOPE_FLUSH_TIMEOUT_MS", "LAMBDASCOPE_MAX_BUFFERED_SPANS", "LAMBDASCOPE_THROTTLES", "LAMBDASCOPE_AGENT_",
        "LAMBDASCOPE_RUNTIME_CLASSPATH");
    Set<String> missing = new TreeSet<>();
    for (String source : new String[] {
        "collector/src/main/java/io/lambdascope/collector/CollectorConfig.java",
        "processor/src/main/java/io/lambdascope/processor/ProcessorConfig.java",
        "emulator/src/main/java/io/lambdascope/emulator/EmulatorConfig.java"}) {
      Matcher m = Pattern.compile("\"((?:LAMBDASCOPE|KAFKA)_[A-Z_]+)\"").matcher(Files.readString(root.resolve(source)));
      while (m.find()) {
        if (!accepted.contains(m.group(1)) && !notFlags.contains(m.group(1))) {
          missing.add(m.group(1) + " (" + source + ")");
        }
      }
    }
    assertEquals(Set.of(), missing);
  }
}
