package io.lambdascope.emulator.cloudwatch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The CloudWatch exporter's answer: its samples by name and labels. */
public record ExporterScrape(String text, Map<String, Double> samples) {
  private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{([^}]*)\\})?\\s+(\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");

  public static ExporterScrape parse(String text) {
    Map<String, Double> samples = new LinkedHashMap<>();
    Matcher m = SAMPLE.matcher(text);
    while (m.find()) {
      samples.put(m.group(1) + "{" + (m.group(2) == null ? "" : labels(m.group(2))) + "}", Double.parseDouble(m.group(3)));
    }
    return new ExporterScrape(text, samples);
  }

  private static String labels(String raw) {
    StringBuilder out = new StringBuilder();
    Matcher l = LABEL.matcher(raw);
    while (l.find()) {
      if (!l.group(1).equals("job") && !l.group(1).equals("instance")) {
        out.append(out.length() == 0 ? "" : ",").append(l.group(1)).append('=').append(l.group(2));
      }
    }
    return out.toString();
  }

  /** The value of {@code name} with exactly the dimension label {@code label=value}, if exposed. */
  public OptionalDouble value(String name, String label, String value) {
    Double v = samples.get(name + "{" + label + "=" + value + "}");
    return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
  }
}
