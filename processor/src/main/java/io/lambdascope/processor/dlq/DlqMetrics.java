package io.lambdascope.processor.dlq;

import static java.util.Objects.requireNonNull;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The DLQ gauges of docs/telemetry.md section 4, from the watcher's latest snapshot: depth and
 * oldest-message age of each queue read at least once, and for every queue the time of its last
 * successful read (0 if never), so an alert can tell a blind watcher from an empty queue.
 */
public final class DlqMetrics implements MultiCollector {
  private final Supplier<DlqWatcher.Snapshot> snapshot;

  public DlqMetrics(Supplier<DlqWatcher.Snapshot> snapshot) {
    this.snapshot = requireNonNull(snapshot, "snapshot");
  }

  @Override
  public MetricSnapshots collect() {
    GaugeSnapshot.Builder depth = GaugeSnapshot.builder().name("lambdascope_dlq_messages")
        .help("Messages in a dead-letter queue");
    GaugeSnapshot.Builder age = GaugeSnapshot.builder().name("lambdascope_dlq_oldest_message_age_seconds")
        .help("Age of its oldest message");
    GaugeSnapshot.Builder lastSuccess = GaugeSnapshot.builder().name("lambdascope_dlq_last_success_timestamp_seconds")
        .help("When the queue was last read (Unix time), 0 if never");
    int[] n = new int[3];
    for (DlqWatcher.DlqStatus d : snapshot.get().dlqs()) {
      Labels l = Labels.of("queue", d.queue(), "source_queue", d.sourceQueue(), "function", d.function(),
          "cloud_account_id", d.accountId(), "cloud_region", d.region());
      if (d.messages() >= 0) {
        depth.dataPoint(point(l, d.messages()));
        n[0]++;
      }
      if (!Double.isNaN(d.oldestAgeSeconds())) {
        age.dataPoint(point(l, d.oldestAgeSeconds()));
        n[1]++;
      }
      lastSuccess.dataPoint(point(l, d.lastSuccessMs() / 1000.0));
      n[2]++;
    }
    List<MetricSnapshot> out = new ArrayList<>();
    if (n[0] > 0) {
      out.add(depth.build());
    }
    if (n[1] > 0) {
      out.add(age.build());
    }
    if (n[2] > 0) {
      out.add(lastSuccess.build());
    }
    return new MetricSnapshots(out);
  }

  private static GaugeSnapshot.GaugeDataPointSnapshot point(Labels labels, double value) {
    return GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
  }
}
