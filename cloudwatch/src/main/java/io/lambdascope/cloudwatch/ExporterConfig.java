package io.lambdascope.cloudwatch;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CloudWatch exporter's configuration: the one shipped in {@code cloudwatch/cloudwatch-exporter.yml}, and its
 * time-compressed form for the demo, whose rules turn minutes into seconds.
 */
public final class ExporterConfig {
  private static final String RESOURCE = "/io/lambdascope/cloudwatch/cloudwatch-exporter.yml";
  private static final Pattern SECONDS =
      Pattern.compile("(?m)^(\\s*)(period_seconds|range_seconds|delay_seconds|list_metrics_cache_ttl): (\\d+)\\s*$");
  private static final Pattern REGION = Pattern.compile("(?m)^region: \\S+\\s*$");

  private ExporterConfig() {}

  /** The shipped configuration, as users run it against AWS. */
  public static String shipped() {
    try (InputStream in = ExporterConfig.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code yaml} for {@code region}, its periods, ranges and cache divided by {@code factor} (the rules' time
   * scale: 600 s periods become 10 s ones with 60) and no delay: CloudWatch converges late, the emulator does not.
   */
  public static String compressed(String yaml, String region, long factor) {
    requireNonNull(yaml, "yaml");
    requireNonNull(region, "region");
    if (factor < 1) {
      throw new IllegalArgumentException("factor must be at least 1: " + factor);
    }
    Matcher m = SECONDS.matcher(yaml);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      long seconds = Long.parseLong(m.group(3));
      long scaled = m.group(2).equals("delay_seconds") ? 0 : Math.max(1, seconds / factor);
      if (!m.group(2).equals("delay_seconds") && seconds % factor != 0) {
        throw new IllegalArgumentException(m.group(2) + ": " + seconds + " is not a multiple of " + factor);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + m.group(2) + ": " + scaled));
    }
    m.appendTail(out);
    Matcher r = REGION.matcher(out);
    if (!r.find()) {
      throw new IllegalArgumentException("the configuration names no region");
    }
    return r.replaceFirst(Matcher.quoteReplacement("region: " + region));
  }
}
