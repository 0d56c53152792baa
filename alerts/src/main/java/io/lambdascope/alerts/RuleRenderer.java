package io.lambdascope.alerts;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Writes the Prometheus rule files of {@code alerts/rules/} from the templates of
 * {@code alerts/templates/} and the settings of {@code alerts/config.properties}, the one place for
 * selectors, thresholds, {@code for} durations, severities and the runbook's address (as
 * kubernetes-mixin's {@code _config}). Prometheus has no templating of its own: users render the
 * rules again with their own values instead of editing them.
 *
 * <pre>
 * java -jar lambdascope-alerts.jar [--config FILE]... [--set KEY=VALUE]... --out DIR
 * </pre>
 *
 * <p>In a template, {@code ${key}} is a setting, and a few macros keep long expressions in one place:
 * <ul>
 *   <li>{@code ${counted(selector, window)}}: per series but the replica labels, what a counter gained in
 *       {@code window}, exactly: the difference of its values, {@code increase()} where it was reset, and
 *       all of a series that is new in the window (its first sample already counts), provided Prometheus
 *       was scraping the processor a window earlier;</li>
 *   <li>{@code ${grown(selector, window)}}: the same for a gauge: how much it grew, a new series by its value;</li>
 *   <li>{@code ${percent(key)}}: a ratio setting written as a percentage ({@code 0.05} is {@code 5%});</li>
 *   <li>{@code ${count(noun)}}, {@code ${count(noun, plural)}}: alert text for {@code $value} as a whole
 *       number and the noun ({@code 1 invocation}, {@code 3 invocations});</li>
 *   <li>{@code ${runbook(AlertName)}}: the alert's section of the runbook.</li>
 * </ul>
 */
public final class RuleRenderer {

  private static final String CONFIG_RESOURCE = "/io/lambdascope/alerts/config.properties";
  private static final String TEMPLATES_RESOURCE = "/io/lambdascope/alerts/templates/";
  private static final Pattern DURATION = Pattern.compile("([0-9]+(ms|s|m|h|d|w|y))+");
  private static final Pattern NUMBER = Pattern.compile("[0-9]+(\\.[0-9]+)?");
  private static final List<String> SEVERITIES = List.of("critical", "warning", "info");
  /** Ratio settings that select a histogram bucket: their values must be bucket bounds (docs/telemetry.md section 4). */
  private static final Map<String, List<String>> BUCKETS = Map.of(
      "LambdaFunctionDurationNearTimeout.ratio", List.of("0.25", "0.5", "0.8", "0.9"),
      "LambdaFunctionMemoryNearLimit.ratio", List.of("0.5", "0.7", "0.8", "0.9", "0.95"));
  private static final int MAX_EXPANSIONS = 10;

  private final Map<String, String> config;
  private final List<String> overrides;

  private RuleRenderer(Map<String, String> config, List<String> overrides) {
    this.config = config;
    this.overrides = overrides;
  }

  /** The settings of {@code alerts/config.properties}, as shipped in this jar. */
  public static RuleRenderer defaults() {
    Map<String, String> config = new TreeMap<>();
    Properties p = load(new StringReader(AlertRules.resource(CONFIG_RESOURCE)), "alerts/config.properties");
    p.stringPropertyNames().forEach(k -> config.put(k, p.getProperty(k).trim()));
    config.forEach((k, v) -> check(k, v, "alerts/config.properties"));
    return new RuleRenderer(Collections.unmodifiableMap(config), List.of());
  }

  /** These settings instead of the defaults; a key the defaults do not have is refused (a typo would change nothing). */
  public RuleRenderer with(Properties settings, String source) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(source, "source");
    Map<String, String> changed = new TreeMap<>(config);
    for (String key : settings.stringPropertyNames()) {
      if (!config.containsKey(key)) {
        throw new IllegalArgumentException(source + ": unknown setting " + key + " (alerts/config.properties lists them)");
      }
      String value = settings.getProperty(key).trim();
      check(key, value, source);
      changed.put(key, value);
    }
    List<String> sources = new ArrayList<>(overrides);
    sources.add(source);
    return new RuleRenderer(Collections.unmodifiableMap(changed), List.copyOf(sources));
  }

  /** One setting instead of its default. */
  public RuleRenderer with(String key, String value) {
    Properties p = new Properties();
    p.setProperty(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return with(p, key + "=" + value);
  }

  /** The settings in effect, by key. */
  public Map<String, String> config() {
    return config;
  }

  /** One rule file of {@link AlertRules#RULE_FILES}, rendered. */
  public String render(String fileName) {
    if (!AlertRules.RULE_FILES.contains(fileName)) {
      throw new IllegalArgumentException("not a Lambdascope rule file: " + fileName + " (known: " + AlertRules.RULE_FILES + ")");
    }
    String header = "# GENERATED from alerts/templates/" + fileName + " and alerts/config.properties"
        + (overrides.isEmpty() ? "" : " with " + String.join(", ", overrides)) + ".\n"
        + "# Do not edit: change those and render again (docs/dashboards.md, \"Thresholds and selectors\").\n";
    return header + expand(AlertRules.resource(TEMPLATES_RESOURCE + fileName), "alerts/templates/" + fileName);
  }

  /** Every rule file, by file name. */
  public Map<String, String> renderAll() {
    Map<String, String> files = new LinkedHashMap<>();
    AlertRules.RULE_FILES.forEach(f -> files.put(f, render(f)));
    return files;
  }

  /** Renders every rule file into {@code dir}; returns the written paths. */
  public List<Path> writeTo(Path dir) {
    Objects.requireNonNull(dir, "dir");
    try {
      Files.createDirectories(dir);
      List<Path> written = new ArrayList<>();
      for (Map.Entry<String, String> file : renderAll().entrySet()) {
        written.add(Files.writeString(dir.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8));
      }
      return List.copyOf(written);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write rule files to " + dir, e);
    }
  }

  /** {@code text} with every placeholder replaced; an unknown setting or macro fails naming {@code where}. */
  String expand(String text, String where) {
    String result = text;
    for (int round = 0; result.contains("${"); round++) {
      if (round == MAX_EXPANSIONS) {
        throw new IllegalArgumentException(where + ": placeholders still left after " + MAX_EXPANSIONS + " rounds");
      }
      result = expandOnce(result, where);
    }
    return result;
  }

  private String expandOnce(String text, String where) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (true) {
      int start = text.indexOf("${", i);
      if (start < 0) {
        return out.append(text, i, text.length()).toString();
      }
      int end = closingBrace(text, start + 2, where);
      out.append(text, i, start);
      // Placeholders inside a macro's arguments first: ${counted(m{${selector.processor}}, 10m)}.
      String value = placeholder(expandOnce(text.substring(start + 2, end), where).trim(), where);
      // A macro's later lines keep the indentation of the line it is on, so the YAML block stays one block.
      out.append(value.replace("\n", "\n" + indentation(text, start)));
      i = end + 1;
    }
  }

  private static String indentation(String text, int at) {
    int lineStart = text.lastIndexOf('\n', at) + 1;
    int i = lineStart;
    while (i < at && text.charAt(i) == ' ') {
      i++;
    }
    return text.substring(lineStart, i);
  }

  private static int closingBrace(String text, int from, String where) {
    int depth = 1;
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return i;
      }
    }
    throw new IllegalArgumentException(where + ": unclosed ${ at " + text.substring(from - 2, Math.min(text.length(), from + 40)));
  }

  private String placeholder(String content, String where) {
    int paren = content.indexOf('(');
    if (paren > 0 && content.endsWith(")") && content.substring(0, paren).matches("[a-z]+")) {
      String macro = content.substring(0, paren);
      String args = content.substring(paren + 1, content.length() - 1);
      return switch (macro) {
        case "counted" -> counted(firstOfTwo(args, where, macro), secondOfTwo(args, where, macro));
        case "grown" -> grown(firstOfTwo(args, where, macro), secondOfTwo(args, where, macro));
        case "percent" -> percent(setting(args.trim(), where));
        case "count" -> count(args, where);
        case "runbook" -> setting("runbook.url", where) + "#" + args.trim().toLowerCase(java.util.Locale.ROOT);
        default -> throw new IllegalArgumentException(where + ": unknown macro ${" + content + "}");
      };
    }
    return setting(content, where);
  }

  private String setting(String key, String where) {
    String value = config.get(key);
    if (value == null) {
      throw new IllegalArgumentException(where + ": unknown setting ${" + key + "} (alerts/config.properties lists them)");
    }
    return value;
  }

  /** The selector: everything up to the last comma (a selector has commas of its own). */
  private static String firstOfTwo(String args, String where, String macro) {
    int comma = args.lastIndexOf(',');
    if (comma < 0) {
      throw new IllegalArgumentException(where + ": ${" + macro + "(selector, window)} needs two arguments: " + args);
    }
    return args.substring(0, comma).trim();
  }

  private static String secondOfTwo(String args, String where, String macro) {
    String window = args.substring(args.lastIndexOf(',') + 1).trim();
    if (!DURATION.matcher(window).matches()) {
      throw new IllegalArgumentException(where + ": ${" + macro + "(...)} window is not a duration: " + window);
    }
    return window;
  }

  private String counted(String m, String w) {
    String r = setting("labels.replica", "counted");
    return newOr("sum", m, w,
        "sum without (" + r + ") ((" + m + " - " + m + " offset " + w + ") unless resets(" + m + "[" + w + "]) > 0"
            + " or increase(" + m + "[" + w + "]))");
  }

  private String grown(String m, String w) {
    String r = setting("labels.replica", "grown");
    return newOr("max", m, w, "max without (" + r + ") (" + m + ") - max without (" + r + ") (" + m + " offset " + w + ")");
  }

  /** All of a series (but its replica labels) that is new in the window, else {@code change}. */
  private String newOr(String aggregation, String m, String w, String change) {
    String across = aggregation + " without (" + setting("labels.replica", aggregation) + ") (";
    return "(\n"
        + "    (" + across + m + ") unless " + across + m + " offset " + w + "))\n"
        + "      and on () " + scrapedAgo(w) + "\n"
        + "  or\n"
        + "    " + change + "\n"
        + ")";
  }

  /** Non-empty when Prometheus scraped the processor successfully a window ago: then a missing series was really not there. */
  private String scrapedAgo(String w) {
    return "(count(up{" + setting("selector.processor", "counted") + "} offset " + w + " == 1) > 0)";
  }

  private static String percent(String ratio) {
    return new BigDecimal(ratio).movePointRight(2).stripTrailingZeros().toPlainString() + "%";
  }

  private static String count(String args, String where) {
    String[] nouns = args.split(",");
    if (nouns.length > 2 || nouns[0].isBlank()) {
      throw new IllegalArgumentException(where + ": ${count(noun)} or ${count(noun, plural)}, not ${count(" + args + ")}");
    }
    String one = nouns[0].trim();
    String many = nouns.length == 2 ? nouns[1].trim() : one + "s";
    return "{{ with printf \"%.0f\" $value }}{{ . }} {{ if eq . \"1\" }}" + one + "{{ else }}" + many + "{{ end }}{{ end }}";
  }

  private static void check(String key, String value, String source) {
    String problem = null;
    if (key.endsWith(".for") && !DURATION.matcher(value).matches()) {
      problem = "a Prometheus duration such as 5m";
    } else if (key.endsWith(".severity") && !SEVERITIES.contains(value)) {
      problem = "one of " + SEVERITIES;
    } else if ((key.endsWith(".threshold") || key.endsWith(".minimum")) && !NUMBER.matcher(value).matches()) {
      problem = "a number such as 0.05 or 10";
    } else if (BUCKETS.containsKey(key) && !BUCKETS.get(key).contains(value)) {
      problem = "a bucket bound of its histogram: one of " + BUCKETS.get(key);
    } else if (value.isEmpty()) {
      problem = "a value";
    }
    if (problem != null) {
      throw new IllegalArgumentException(source + ": " + key + " must be " + problem + ", not '" + value + "'");
    }
  }

  private static Properties load(Reader reader, String source) {
    Properties p = new Properties();
    try (reader) {
      p.load(reader);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + source, e);
    }
  }

  /** {@code java -jar lambdascope-alerts.jar [--config FILE]... [--set KEY=VALUE]... --out DIR}. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    RuleRenderer renderer;
    Path dir = null;
    try {
      renderer = defaults();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("--help") || arg.equals("-h")) {
          out.println(USAGE);
          return 0;
        }
        if (i + 1 == args.length) {
          throw new IllegalArgumentException(arg + " needs a value");
        }
        String value = args[++i];
        switch (arg) {
          case "--config" -> {
            Path file = Path.of(value);
            renderer = renderer.with(load(Files.newBufferedReader(file, StandardCharsets.UTF_8), value), value);
          }
          case "--set" -> {
            int eq = value.indexOf('=');
            if (eq < 1) {
              throw new IllegalArgumentException("--set takes KEY=VALUE, not " + value);
            }
            renderer = renderer.with(value.substring(0, eq), value.substring(eq + 1));
          }
          case "--out" -> dir = Path.of(value);
          default -> throw new IllegalArgumentException("unknown option " + arg);
        }
      }
      if (dir == null) {
        throw new IllegalArgumentException("--out DIR is required");
      }
    } catch (IllegalArgumentException | IOException | UncheckedIOException e) {
      err.println("lambdascope-alerts: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    for (Path written : renderer.writeTo(dir)) {
      out.println("wrote " + written);
    }
    return 0;
  }

  private static final String USAGE = String.join("\n",
      "Usage: java -jar lambdascope-alerts.jar [--config FILE]... [--set KEY=VALUE]... --out DIR",
      "Renders Lambdascope's Prometheus rule files into DIR. --config reads settings from a .properties file,",
      "--set gives one; both replace the defaults of alerts/config.properties, later ones win.");
}
