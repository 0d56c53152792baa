package io.lambdascope.dashboard.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metrics and labels of docs/telemetry.md sections 4 (processor), 5 (collector) and 6 (the
 * CloudWatch exporter), read from their tables, plus the series Prometheus itself makes ({@code up}, {@code ALERTS}) and, once added
 * with {@link #withRecordingRules}, the project's recorded series. Every scraped series also carries
 * the scrape target's {@code job} and {@code instance}.
 */
final class TelemetryContract {

  private static final Pattern SECTION = Pattern.compile("(?m)^## (\\d+)\\. ");
  private static final Pattern ROW = Pattern.compile("(?m)^\\|\\s*`([a-z_:][a-z0-9_:]*)`\\s*\\|\\s*(\\w+)\\s*\\|([^|]*)\\|");
  private static final Pattern BACKTICKED = Pattern.compile("`([a-z_][a-z0-9_]*)`");
  private static final Set<String> TARGET_LABELS = Set.of("job", "instance");
  /** Section 4 writes the identity labels of function metrics as {@code …}, after naming them once. */
  private static final Pattern IDENTITY = Pattern.compile("Identity labels \\(([^)]*)\\)\\s+are\\s+written\\s+`…`");
  private static final Pattern BUCKETS = Pattern.compile("`([a-z_]+)`: ([0-9][0-9., \\n]*[0-9])");

  /** Labels per metric name; {@code null} labels mean any (ALERTS carries each alert's labels). */
  private final Map<String, Set<String>> metrics;
  /** Labels per recorded series (recording rules): not scraped, so not part of {@link #metricNames()}. */
  private final Map<String, Set<String>> recorded;
  /** Bucket bounds of the histograms whose bounds section 4 lists, by histogram name. */
  private final Map<String, List<String>> buckets;
  /** The CloudWatch exporter's metrics (section 6): scraped from the exporter, not the processor. */
  private final Set<String> cloudWatch;

  private TelemetryContract(Map<String, Set<String>> metrics, Map<String, Set<String>> recorded,
      Map<String, List<String>> buckets, Set<String> cloudWatch) {
    this.metrics = metrics;
    this.recorded = recorded;
    this.buckets = buckets;
    this.cloudWatch = cloudWatch;
  }

  static TelemetryContract read(Path telemetryMd) {
    try {
      return parse(Files.readString(telemetryMd));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + telemetryMd, e);
    }
  }

  static TelemetryContract parse(String markdown) {
    Map<String, Set<String>> metrics = new LinkedHashMap<>();
    Set<String> cloudWatch = new LinkedHashSet<>();
    Matcher sections = SECTION.matcher(markdown);
    Map<Integer, Integer> starts = new LinkedHashMap<>();
    while (sections.find()) {
      starts.put(Integer.parseInt(sections.group(1)), sections.start());
    }
    Set<String> identity = new LinkedHashSet<>();
    Matcher identityLine = IDENTITY.matcher(markdown);
    if (identityLine.find()) {
      Matcher label = BACKTICKED.matcher(identityLine.group(1));
      while (label.find()) {
        identity.add(label.group(1));
      }
    }
    for (int section : new int[] {4, 5, 6}) {
      Integer start = starts.get(section);
      if (start == null && section == 6) {
        continue;
      }
      if (start == null) {
        throw new IllegalArgumentException("docs/telemetry.md has no section " + section);
      }
      int end = starts.entrySet().stream().filter(e -> e.getValue() > start).mapToInt(Map.Entry::getValue).min().orElse(markdown.length());
      Matcher row = ROW.matcher(markdown.substring(start, end));
      while (row.find()) {
        Set<String> labels = new LinkedHashSet<>(TARGET_LABELS);
        if (row.group(3).contains("…")) {
          if (identity.isEmpty()) {
            throw new IllegalArgumentException("docs/telemetry.md writes identity labels as … without naming them");
          }
          labels.addAll(identity);
        }
        Matcher label = BACKTICKED.matcher(row.group(3));
        while (label.find()) {
          labels.add(label.group(1));
        }
        String name = row.group(1);
        if (row.group(2).equals("histogram")) {
          Set<String> bucket = new LinkedHashSet<>(labels);
          bucket.add("le");
          metrics.put(name + "_bucket", Set.copyOf(bucket));
          metrics.put(name + "_sum", Set.copyOf(labels));
          metrics.put(name + "_count", Set.copyOf(labels));
        } else {
          metrics.put(name, Set.copyOf(labels));
        }
        if (section == 6) {
          cloudWatch.add(name);
        }
      }
    }
    if (metrics.isEmpty()) {
      throw new IllegalArgumentException("no metric tables found in sections 4 to 6 of docs/telemetry.md");
    }
    metrics.put("up", TARGET_LABELS);
    metrics.put("ALERTS", null);
    Map<String, List<String>> buckets = new LinkedHashMap<>();
    int bucketsAt = markdown.indexOf("Histogram buckets");
    if (bucketsAt >= 0) {
      Matcher b = BUCKETS.matcher(markdown.substring(bucketsAt, markdown.indexOf("\n\n", bucketsAt)));
      while (b.find()) {
        buckets.put(b.group(1), List.of(b.group(2).replace("\n", " ").split(",\\s*")));
      }
    }
    return new TelemetryContract(metrics, Map.of(), buckets, Set.copyOf(cloudWatch));
  }

  /**
   * This contract plus the series the recording rules record, in order (a rule may use the ones
   * before it), with the labels {@code labelsOf} gives their expressions.
   */
  TelemetryContract withRecordingRules(Map<String, String> exprByRecord, BiFunction<TelemetryContract, String, Set<String>> labelsOf) {
    TelemetryContract contract = this;
    for (Map.Entry<String, String> rule : exprByRecord.entrySet()) {
      Map<String, Set<String>> more = new LinkedHashMap<>(contract.recorded);
      more.put(rule.getKey(), Set.copyOf(labelsOf.apply(contract, rule.getValue())));
      contract = new TelemetryContract(metrics, more, buckets, cloudWatch);
    }
    return contract;
  }

  boolean hasMetric(String name) {
    return metrics.containsKey(name) || recorded.containsKey(name);
  }

  /** The metric's labels; empty for a metric the contract does not have; a null inside means any label. */
  Optional<Set<String>> labels(String metric) {
    if (recorded.containsKey(metric)) {
      return Optional.of(recorded.get(metric));
    }
    return metrics.containsKey(metric) ? Optional.ofNullable(metrics.get(metric)).or(() -> Optional.of(ANY)) : Optional.empty();
  }

  /** The bucket bounds section 4 lists for {@code histogram} (its name without {@code _bucket}); empty if it lists none. */
  List<String> buckets(String histogram) {
    return buckets.getOrDefault(histogram, List.of());
  }

  Set<String> recordedNames() {
    return recorded.keySet();
  }

  Set<String> metricNames() {
    return metrics.keySet();
  }

  /** The metrics of section 6, which the CloudWatch exporter exposes. */
  Set<String> cloudWatchMetricNames() {
    return cloudWatch;
  }

  /** Marker for "any label". */
  static final Set<String> ANY = Set.of("*");
}
