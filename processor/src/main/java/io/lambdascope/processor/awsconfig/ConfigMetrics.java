package io.lambdascope.processor.awsconfig;

import static java.util.Objects.requireNonNull;

import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.metrics.MetricDefs;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The configuration reader's gauges (docs/telemetry.md section 4): per owned function its configured timeout,
 * memory, architecture, reserved concurrency (absent when it has none) and provisioned concurrency; per account and
 * region the concurrency limit and its unreserved part; and the reader's own health. Kept apart from the gauges the
 * telemetry feeds ({@code faas_timeout_seconds}, {@code faas_max_memory_bytes}): those say what the function's
 * environments reported, these what the Lambda API says now, and either may exist without the other.
 */
public final class ConfigMetrics implements MultiCollector {
  private final ConfigReader reader;

  public ConfigMetrics(ConfigReader reader) {
    this.reader = requireNonNull(reader, "reader");
  }

  @Override
  public MetricSnapshots collect() {
    GaugeSnapshot.Builder timeout = gauge("lambdascope_function_configured_timeout_seconds",
        "Timeout in the function's configuration (Lambda API)");
    GaugeSnapshot.Builder memory = gauge("lambdascope_function_configured_memory_bytes",
        "Memory size in the function's configuration (Lambda API)");
    GaugeSnapshot.Builder architecture = gauge("lambdascope_function_architecture_info",
        "1 for the function's instruction set architecture (Lambda API)");
    GaugeSnapshot.Builder reserved = gauge("lambdascope_function_reserved_concurrency",
        "Reserved concurrency of the function; absent when it has none");
    GaugeSnapshot.Builder provisioned = gauge("lambdascope_function_provisioned_concurrency",
        "Allocated provisioned concurrency of the function, over its versions and aliases");
    GaugeSnapshot.Builder limit = gauge("lambdascope_account_concurrency_limit",
        "Concurrent executions the account may run in the region");
    GaugeSnapshot.Builder unreserved = gauge("lambdascope_account_unreserved_concurrency",
        "The part of the account's concurrency limit no function has reserved");
    int[] n = new int[2];
    for (Map.Entry<FunctionId, ConfigReader.FunctionConfig> e : reader.functions().entrySet()) {
      FunctionId id = e.getKey();
      ConfigReader.FunctionConfig c = e.getValue();
      Labels l = Labels.of(MetricDefs.IDENTITY.toArray(String[]::new),
          new String[] {id.tenant(), id.account(), id.region(), id.name()});
      timeout.dataPoint(point(l, c.timeoutMs() / 1000.0));
      memory.dataPoint(point(l, c.memoryBytes()));
      for (String a : c.architectures()) {
        architecture.dataPoint(point(l.add("architecture", a), 1));
      }
      if (c.reservedConcurrency() >= 0) {
        reserved.dataPoint(point(l, c.reservedConcurrency()));
        n[1]++;
      }
      provisioned.dataPoint(point(l, c.provisionedConcurrency()));
      n[0]++;
    }
    List<MetricSnapshot> out = new ArrayList<>();
    if (n[0] > 0) {
      out.add(timeout.build());
      out.add(memory.build());
      out.add(architecture.build());
      out.add(provisioned.build());
    }
    if (n[1] > 0) {
      out.add(reserved.build());
    }
    var accounts = reader.accounts();
    for (ConfigReader.AccountConfig a : accounts) {
      Labels l = Labels.of("cloud_account_id", a.accountId(), "cloud_region", a.region());
      limit.dataPoint(point(l, a.concurrencyLimit()));
      unreserved.dataPoint(point(l, a.unreservedConcurrency()));
    }
    if (!accounts.isEmpty()) {
      out.add(limit.build());
      out.add(unreserved.build());
    }
    CounterSnapshot.Builder errors = CounterSnapshot.builder().name("lambdascope_config_reader_errors")
        .help("Configuration reads that failed or were skipped, by reason");
    reader.errors().forEach((reason, count) -> errors.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
        .labels(Labels.of("reason", reason.label())).value(count).build()));
    out.add(errors.build());
    out.add(gauge("lambdascope_config_reader_last_success_timestamp_seconds",
        "When a configuration read last succeeded (Unix time), 0 if never")
        .dataPoint(point(Labels.EMPTY, reader.lastSuccessMs() / 1000.0)).build());
    return new MetricSnapshots(out);
  }

  private static GaugeSnapshot.Builder gauge(String name, String help) {
    return GaugeSnapshot.builder().name(name).help(help);
  }

  private static GaugeSnapshot.GaugeDataPointSnapshot point(Labels labels, double value) {
    return GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
  }
}
