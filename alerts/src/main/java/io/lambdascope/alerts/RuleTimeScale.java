package io.lambdascope.alerts;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compresses the time of a rule file so that alerts written for minutes fire within seconds:
 * every {@code for:} duration, range window ({@code [10m]}) and {@code offset} is divided by a
 * factor. With {@link #MINUTES_TO_SECONDS} a rule with {@code increase(x[10m]) > 0} and
 * {@code for: 1m} becomes {@code increase(x[10s]) > 0} with {@code for: 1s}, which suits a
 * Prometheus scraping and evaluating every second.
 *
 * <p>Thresholds are left alone (an age above 86400 seconds stays so), as are annotations.
 * Range windows never shrink below {@code minimumRange}, so that {@code rate()} still sees
 * several samples.
 */
public final class RuleTimeScale {

  /** Leaves rule files unchanged. */
  public static final RuleTimeScale NONE = new RuleTimeScale(1, Duration.ZERO);

  /** Minutes become seconds; windows keep at least 4 s (four samples at a 1 s scrape interval). */
  public static final RuleTimeScale MINUTES_TO_SECONDS = new RuleTimeScale(60, Duration.ofSeconds(4));

  private static final Pattern FOR_LINE = Pattern.compile("(?m)^(\\s*for:\\s*)([0-9][0-9a-z]*)\\s*$");
  private static final Pattern RANGE = Pattern.compile("\\[([0-9][0-9a-z]*)(:[0-9a-z]*)?\\]");
  private static final Pattern OFFSET = Pattern.compile("\\boffset\\s+([0-9][0-9a-z]*)");
  private static final Pattern DURATION_PART = Pattern.compile("([0-9]+)(ms|s|m|h|d|w|y)");

  private final long factor;
  private final Duration minimumRange;

  private RuleTimeScale(long factor, Duration minimumRange) {
    this.factor = factor;
    this.minimumRange = minimumRange;
  }

  /** Divides durations by {@code factor}; range windows keep at least {@code minimumRange}. */
  public static RuleTimeScale dividingBy(long factor, Duration minimumRange) {
    Objects.requireNonNull(minimumRange, "minimumRange");
    if (factor < 1) {
      throw new IllegalArgumentException("factor must be at least 1, got " + factor);
    }
    return new RuleTimeScale(factor, minimumRange);
  }

  /** The rule file text with its durations scaled. */
  /** What durations are divided by (60 for {@link #MINUTES_TO_SECONDS}). */
  public long factor() {
    return factor;
  }

  public String apply(String ruleFileText) {
    Objects.requireNonNull(ruleFileText, "ruleFileText");
    if (factor == 1) {
      return ruleFileText;
    }
    String text = replace(FOR_LINE, ruleFileText, m -> m.group(1) + format(scale(parse(m.group(2)), Duration.ZERO)));
    text = replace(RANGE, text, m -> "[" + format(scale(parse(m.group(1)), minimumRange))
        + (m.group(2) == null ? "" : scaledStep(m.group(2))) + "]");
    return replace(OFFSET, text, m -> "offset " + format(scale(parse(m.group(1)), Duration.ZERO)));
  }

  private String scaledStep(String colonAndStep) {
    String step = colonAndStep.substring(1);
    return step.isEmpty() ? ":" : ":" + format(scale(parse(step), Duration.ZERO));
  }

  private Duration scale(Duration duration, Duration minimum) {
    Duration scaled = duration.dividedBy(factor);
    return scaled.compareTo(minimum) < 0 ? minimum : scaled;
  }

  /** Parses a Prometheus duration such as {@code 1h30m} or {@code 500ms}. */
  static Duration parse(String text) {
    Matcher m = DURATION_PART.matcher(text);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        case "w" -> Duration.ofDays(7 * n);
        default -> Duration.ofDays(365 * n);
      });
      end = m.end();
    }
    if (end != text.length() || end == 0) {
      throw new IllegalArgumentException("not a Prometheus duration: " + text);
    }
    return total;
  }

  /** Formats as whole seconds when possible, else milliseconds (both valid Prometheus durations). */
  static String format(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
  }

  private static String replace(Pattern pattern, String text, Function<Matcher, String> replacement) {
    Matcher m = pattern.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(replacement.apply(m)));
    }
    m.appendTail(out);
    return out.toString();
  }
}
