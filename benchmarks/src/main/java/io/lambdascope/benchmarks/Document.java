package io.lambdascope.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docs/benchmarks.md as sections between markers, so a run of some benchmarks replaces their
 * sections and keeps the others' last published figures. Sections that no benchmark of the suite
 * writes (figures measured elsewhere, such as the agent module's opt-in extension-cost run) are kept
 * as they are, after the suite's own, in the order the document had them.
 */
final class Document {
  private static final Pattern SECTION =
      Pattern.compile("<!-- bench:([a-z0-9-]+) -->\\n(.*?)<!-- /bench:\\1 -->", Pattern.DOTALL);

  private final Map<String, String> sections;

  private Document(Map<String, String> sections) {
    this.sections = sections;
  }

  static Document read(Path file) throws IOException {
    Map<String, String> sections = new LinkedHashMap<>();
    if (Files.exists(file)) {
      Matcher m = SECTION.matcher(Files.readString(file, StandardCharsets.UTF_8));
      while (m.find()) {
        sections.put(m.group(1), m.group(2));
      }
    }
    return new Document(sections);
  }

  void put(String name, String markdown) {
    sections.put(name, markdown.endsWith("\n") ? markdown : markdown + "\n");
  }

  String render(String header, List<Benchmark> order) {
    StringBuilder out = new StringBuilder(header);
    Set<String> written = new HashSet<>();
    for (Benchmark b : order) {
      String body = sections.get(b.name());
      if (body == null) {
        body = "## " + b.title() + "\n\nNot measured yet: `benchmarks/run --only " + b.name() + "`.\n";
      }
      section(out, b.name(), body);
      written.add(b.name());
    }
    sections.forEach(
        (name, body) -> {
          if (!written.contains(name)) {
            section(out, name, body);
          }
        });
    return out.toString();
  }

  private static void section(StringBuilder out, String name, String body) {
    out.append('\n').append("<!-- bench:").append(name).append(" -->\n").append(body);
    out.append("<!-- /bench:").append(name).append(" -->\n");
  }
}
