package io.lambdascope.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.collector.CollectorConfig;
import io.lambdascope.emulator.EmulatorConfig;
import io.lambdascope.processor.ProcessorConfig;
import io.lambdascope.settings.KafkaSettings;
import io.lambdascope.settings.Setting;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md and the settings the launcher accepts are the same list, and that list is
 * the parts' own declarations: names, flags, defaults and descriptions, section by section.
 */
class SettingsCatalogTest {
  private static final Pattern SECTION = Pattern.compile("^## (.+?)(?: \\((.+)\\))?$");
  private static final Pattern ROW = Pattern.compile("^\\| `([A-Z][A-Z0-9_]*)` \\| `(--[a-z0-9-]+)` \\| (.*?) \\| (.*) \\|$");

  /** One row of a table in docs/configuration.md, or the same four facts of a declaration. */
  private record Row(String name, String flag, String defaultText, String description) {
    static Row of(Setting<?> s) {
      return new Row(s.name(), s.flag(), s.defaultText(), s.description());
    }
  }

  /** The sections of docs/configuration.md: title, the commands named in parentheses, the rows. */
  private record Section(String title, Set<String> commands, List<Row> rows) {}

  private static List<Section> documented() throws Exception {
    Path doc = Path.of(System.getProperty("user.dir")).getParent().resolve("docs/configuration.md");
    List<Section> sections = new ArrayList<>();
    for (String line : Files.readAllLines(doc)) {
      Matcher section = SECTION.matcher(line);
      Matcher row = ROW.matcher(line);
      if (section.matches()) {
        Set<String> commands = section.group(2) == null
            ? Set.of(section.group(1))
            : Set.of(section.group(2).split(", "));
        sections.add(new Section(section.group(1), new TreeSet<>(commands), new ArrayList<>()));
      } else if (row.matches()) {
        assertFalse(sections.isEmpty(), "a setting before the first section: " + line);
        sections.get(sections.size() - 1).rows()
            .add(new Row(row.group(1), row.group(2), row.group(3), row.group(4)));
      }
    }
    return sections;
  }

  @Test
  void everySectionOfTheDocsIsAGroupOfTheCatalogRowForRow() throws Exception {
    Map<String, List<Row>> catalog = new LinkedHashMap<>();
    SettingsCatalog.GROUPS.forEach((title, settings) ->
        catalog.put(title, settings.stream().map(Row::of).collect(Collectors.toList())));
    Map<String, List<Row>> docs = new LinkedHashMap<>();
    for (Section s : documented()) {
      if (!s.rows().isEmpty()) {
        docs.put(s.title(), s.rows());
      }
    }
    assertEquals(catalog.keySet(), docs.keySet(), "sections of docs/configuration.md");
    catalog.forEach((title, declared) -> {
      List<Row> rows = docs.get(title);
      assertEquals(names(declared), names(rows), "docs/configuration.md, section " + title + ": the settings");
      for (int i = 0; i < rows.size(); i++) {
        assertEquals(declared.get(i), rows.get(i), "docs/configuration.md, section " + title + ", row " + (i + 1));
      }
    });
  }

  private static List<String> names(List<Row> rows) {
    return rows.stream().map(Row::name).collect(Collectors.toList());
  }

  /** The commands named in a section's title are exactly those that accept its settings. */
  @Test
  void everySectionNamesTheCommandsThatAcceptIt() throws Exception {
    for (Section s : documented()) {
      if (s.rows().isEmpty()) {
        continue;
      }
      String first = s.rows().get(0).name();
      Set<String> accepting = new TreeSet<>();
      for (Command c : Commands.all()) {
        if (c.settings().stream().anyMatch(setting -> setting.name().equals(first))) {
          accepting.add(c.name());
        }
      }
      assertEquals(s.commands(), accepting, "docs/configuration.md, section " + s.title());
    }
  }

  @Test
  void everyCommandTakesWholeGroupsAndNoFlagTwice() {
    for (Command c : Commands.all()) {
      Set<String> names = new TreeSet<>();
      Set<String> flags = new TreeSet<>();
      for (Setting<?> s : c.settings()) {
        assertTrue(names.add(s.name()), c.name() + " lists " + s.name() + " twice");
        assertTrue(flags.add(s.flag()), c.name() + " has the flag " + s.flag() + " twice");
      }
      for (List<Setting<?>> group : SettingsCatalog.GROUPS.values()) {
        long taken = group.stream().filter(s -> names.contains(s.name())).count();
        assertTrue(taken == 0 || taken == group.size(), c.name() + " takes part of a group");
      }
    }
  }

  /**
   * What a part declares publicly it reads, so the launcher must offer it; what it reads from the
   * environment only (AWS's own variables, the emulator's classpath override) it keeps private.
   */
  @Test
  void everySettingThePartsDeclareIsInTheCatalog() throws Exception {
    Set<String> offered = new TreeSet<>();
    SettingsCatalog.GROUPS.values().forEach(g -> g.forEach(s -> offered.add(s.name())));
    Set<String> missing = new TreeSet<>();
    for (Class<?> part : List.of(KafkaSettings.class, CollectorConfig.class, ProcessorConfig.class,
        EmulatorConfig.class)) {
      int declared = 0;
      for (Field f : part.getDeclaredFields()) {
        int m = f.getModifiers();
        if (Setting.class.equals(f.getType()) && Modifier.isStatic(m) && Modifier.isPublic(m)) {
          declared++;
          String name = ((Setting<?>) f.get(null)).name();
          if (!offered.contains(name)) {
            missing.add(name + " (" + part.getSimpleName() + "." + f.getName() + ")");
          }
        }
      }
      assertTrue(declared > 3, part + " declares its settings");
    }
    assertEquals(Set.of(), missing);
  }
}
