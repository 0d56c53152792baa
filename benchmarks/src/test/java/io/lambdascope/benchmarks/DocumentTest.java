package io.lambdascope.benchmarks;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentTest {
  private static Benchmark named(String name) {
    return new Benchmark() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String title() {
        return "Title " + name;
      }

      @Override
      public String run(RunContext context) {
        return "";
      }
    };
  }

  @Test
  void aPartialRunKeepsTheOtherSections(@TempDir Path dir) throws Exception {
    List<Benchmark> order = List.of(named("one"), named("two"));
    Path file = dir.resolve("benchmarks.md");
    Document first = Document.read(file);
    first.put("one", "## Title one\n\nold one\n");
    first.put("two", "## Title two\n\nold two\n");
    Files.writeString(file, first.render("# header v1\n", order));

    Document second = Document.read(file);
    second.put("one", "## Title one\n\nnew one\n");
    String text = second.render("# header v2\n", order);

    assertTrue(text.startsWith("# header v2\n"), text);
    assertTrue(text.contains("new one"), text);
    assertFalse(text.contains("old one"), text);
    assertTrue(text.contains("old two"), text);
    assertFalse(text.contains("header v1"), text);
  }

  @Test
  void anUnmeasuredSectionSaysHowToMeasureIt(@TempDir Path dir) throws Exception {
    String text = Document.read(dir.resolve("absent.md")).render("# h\n", List.of(named("three")));
    assertTrue(text.contains("benchmarks/run --only three"), text);
  }

  @Test
  void aSectionNoBenchmarkWritesIsKeptAfterTheSuitesOwn(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("benchmarks.md");
    Files.writeString(
        file,
        "# old header\n\n<!-- bench:extension-cost -->\n## Measured elsewhere\n\nkept figures\n"
            + "<!-- /bench:extension-cost -->\n\n<!-- bench:one -->\n## Title one\n\nold one\n<!-- /bench:one -->\n");

    Document doc = Document.read(file);
    doc.put("one", "## Title one\n\nnew one\n");
    String text = doc.render("# new header\n", List.of(named("one"), named("two")));

    assertTrue(text.contains("<!-- bench:extension-cost -->\n## Measured elsewhere\n\nkept figures\n"
        + "<!-- /bench:extension-cost -->\n"), text);
    assertTrue(text.indexOf("bench:two") < text.indexOf("bench:extension-cost"), text);
    assertTrue(text.contains("new one"), text);
    assertFalse(text.contains("old one"), text);
  }
}
