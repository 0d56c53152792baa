package io.lambdascope.launcher;

import io.lambdascope.collector.CollectorConfig;
import io.lambdascope.emulator.EmulatorConfig;
import io.lambdascope.emulator.cloudwatch.CloudWatchConfig;
import io.lambdascope.processor.ProcessorConfig;
import io.lambdascope.settings.KafkaSettings;
import io.lambdascope.settings.Setting;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every setting the launcher accepts, grouped as docs/configuration.md lists them. The groups are
 * the parts' own declarations plus the launcher's, so a part cannot read a setting the launcher
 * does not offer; {@code SettingsCatalogTest} checks docs/configuration.md against them.
 */
final class SettingsCatalog {
  private SettingsCatalog() {}

  /** The built jars, relative to {@link #HOME}. */
  static final String AGENT_LAYER_IN_HOME = "agent/target/lambdascope-agent-layer.zip";
  static final String EXAMPLES_JAR_IN_HOME = "examples/target/lambdascope-examples.jar";
  /** Prometheus's CloudWatch exporter, as the build copies it. */
  static final String CLOUDWATCH_EXPORTER_JAR_IN_HOME = "cloudwatch/target/cloudwatch-exporter/cloudwatch_exporter.jar";
  /** The demo's CloudWatch keeps one-second data points, so that the exporter can ask for the rules' compressed periods. */
  static final Duration DEMO_CLOUDWATCH_RESOLUTION = Duration.ofSeconds(1);

  /** Set by bin/lambdascope, so environment only. */
  static final Setting<Path> HOME =
      Setting.path("LAMBDASCOPE_HOME", Path.of("."), "the built tree: the agent's layer and the examples jar are found in it");

  static final Setting<Path> DATA_DIR =
      Setting.path("LAMBDASCOPE_DATA_DIR", Path.of("./data"),
          "where the embedded broker (kafka/) and the processor's state (processor/) live");
  static final Setting<Integer> KAFKA_PORT =
      Setting.port("LAMBDASCOPE_KAFKA_PORT", 9092, "embedded broker: client port on 127.0.0.1");
  /** Only the broker itself connects to its controller, so by default it takes any free port (9093 is Alertmanager's). */
  static final Setting<Integer> KAFKA_CONTROLLER_PORT =
      Setting.port("LAMBDASCOPE_KAFKA_CONTROLLER_PORT", 0,
          "embedded broker: KRaft controller port on 127.0.0.1; only the broker connects to it, so 0 (any free port) suits");

  /** Whether the demo starts Prometheus and Alertmanager. */
  enum PrometheusMode { AUTO, OFF }

  static final Setting<String> DEMO_SCENARIO =
      Setting.text("LAMBDASCOPE_DEMO_SCENARIO", "default", "scenario: default, smoke, or a file").flag("--scenario");
  static final Setting<Duration> DEMO_DURATION =
      Setting.duration("LAMBDASCOPE_DEMO_DURATION", null, "total scenario time, phases scaled to fit (for example 90s, 5m)")
          .flag("--duration")
          .defaultText("the scenario's own");
  static final Setting<PrometheusMode> DEMO_PROMETHEUS =
      Setting.choice("LAMBDASCOPE_DEMO_PROMETHEUS", PrometheusMode.class, PrometheusMode.AUTO,
              "auto: start Prometheus and Alertmanager with the project's rules when installed; off: do not")
          .flag("--prometheus");
  static final Setting<Integer> DEMO_PROMETHEUS_PORT =
      Setting.port("LAMBDASCOPE_DEMO_PROMETHEUS_PORT", 9090,
              "the demo's Prometheus on 127.0.0.1 (Grafana's provisioned data source expects 9090); when the default is "
                  + "taken, a free port")
          .flag("--prometheus-port");
  static final Setting<Integer> DEMO_ALERTMANAGER_PORT =
      Setting.port("LAMBDASCOPE_DEMO_ALERTMANAGER_PORT", 9093,
              "the demo's Alertmanager on 127.0.0.1; when the default is taken, a free port")
          .flag("--alertmanager-port");
  static final Setting<Boolean> DEMO_EXIT =
      Setting.bool("LAMBDASCOPE_DEMO_EXIT", false,
              "true: stop everything when the scenario ends instead of waiting for Ctrl-C")
          .flag("--exit-when-done");
  /** The demo's DLQ poll interval unless one is set: the scenario is short. */
  static final Duration DEMO_DLQ_POLL_INTERVAL = Duration.ofSeconds(2);

  /** Which invocations {@code tail} prints. */
  enum Outcome { ALL, SUCCESS, ERROR, TIMEOUT }

  static final Setting<URI> PROCESSOR_URL =
      Setting.url("LAMBDASCOPE_PROCESSOR_URL", URI.create("http://127.0.0.1:9464"), "processor to read invocations from");
  static final Setting<String> PROCESSOR_TOKEN =
      Setting.secret("LAMBDASCOPE_PROCESSOR_TOKEN",
          "bearer token for the processor's HTTP port when it has tokens (a tenant's shows that tenant's "
              + "invocations); prefer the environment or the file: a flag shows it to `ps`");
  static final Setting<Path> PROCESSOR_TOKEN_FILE =
      Setting.path("LAMBDASCOPE_PROCESSOR_TOKEN_FILE", null,
          "file whose first line is that token, instead of `LAMBDASCOPE_PROCESSOR_TOKEN`");
  static final Setting<Path> PROCESSOR_CA =
      Setting.path("LAMBDASCOPE_PROCESSOR_CA", null,
              "PEM certificates to trust for an `https` processor URL (a private CA, or the processor's own "
                  + "self-signed certificate)")
          .defaultText("the JVM's trusted CAs");
  static final Setting<String> TAIL_FUNCTION =
      Setting.text("LAMBDASCOPE_TAIL_FUNCTION", null, "only this function's invocations")
          .flag("--function")
          .defaultText("all");
  static final Setting<Outcome> TAIL_OUTCOME =
      Setting.choice("LAMBDASCOPE_TAIL_OUTCOME", Outcome.class, Outcome.ALL,
              "only this outcome: success, error or timeout")
          .flag("--outcome");
  static final Setting<Boolean> TAIL_FOLLOW =
      Setting.bool("LAMBDASCOPE_TAIL_FOLLOW", true, "false: print the recent invocations and exit").flag("--follow");

  static final List<Setting<?>> KAFKA =
      List.of(KafkaSettings.BOOTSTRAP_SERVERS, KafkaSettings.CONFIG, DATA_DIR, KAFKA_PORT, KAFKA_CONTROLLER_PORT,
          KafkaSettings.TOPIC_SPANS, KafkaSettings.TOPIC_METRICS, KafkaSettings.TOPIC_LOGS,
          KafkaSettings.TOPIC_PARTITIONS, KafkaSettings.TOPIC_REPLICATION_FACTOR);

  static final List<Setting<?>> COLLECTOR = CollectorConfig.SETTINGS;

  /** The launcher puts the processor's state under the data folder. */
  static final List<Setting<?>> PROCESSOR =
      launcherDefaults(ProcessorConfig.SETTINGS, Map.of(ProcessorConfig.STATE_DIR, "<data dir>/processor"));

  /** The launcher finds the agent's layer and the examples in the built tree; the demo sends to its own collector. */
  static final List<Setting<?>> EMULATOR =
      launcherDefaults(of(EmulatorConfig.SETTINGS, CloudWatchConfig.SETTINGS), Map.of(
          EmulatorConfig.AGENT_LAYER, AGENT_LAYER_IN_HOME,
          EmulatorConfig.EXAMPLES_JAR, EXAMPLES_JAR_IN_HOME,
          EmulatorConfig.ENDPOINT, EmulatorConfig.ENDPOINT.defaultText() + " (demo: its own collector)",
          CloudWatchConfig.RESOLUTION, CloudWatchConfig.RESOLUTION.defaultText() + " (demo: 1s)"));

  static final List<Setting<?>> DEMO = List.of(DEMO_SCENARIO, DEMO_DURATION, DEMO_PROMETHEUS, DEMO_PROMETHEUS_PORT, DEMO_ALERTMANAGER_PORT,
      DEMO_EXIT);

  static final List<Setting<?>> TAIL =
      List.of(PROCESSOR_URL, PROCESSOR_TOKEN, PROCESSOR_TOKEN_FILE, PROCESSOR_CA, TAIL_FUNCTION, TAIL_OUTCOME,
          TAIL_FOLLOW);

  /** The groups by the title of their section in docs/configuration.md. */
  static final Map<String, List<Setting<?>>> GROUPS = groups();

  @SafeVarargs
  static List<Setting<?>> of(List<Setting<?>>... groups) {
    List<Setting<?>> all = new ArrayList<>();
    for (List<Setting<?>> g : groups) {
      all.addAll(g);
    }
    return List.copyOf(all);
  }

  private static Map<String, List<Setting<?>>> groups() {
    Map<String, List<Setting<?>>> groups = new LinkedHashMap<>();
    groups.put("Kafka and data", KAFKA);
    groups.put("Collector", COLLECTOR);
    groups.put("Processor", PROCESSOR);
    groups.put("Emulator", EMULATOR);
    groups.put("demo", DEMO);
    groups.put("tail", TAIL);
    return groups;
  }

  /** The parts' declarations, with the default documented as the launcher supplies it where it does. */
  private static List<Setting<?>> launcherDefaults(List<Setting<?>> declared, Map<Setting<?>, String> defaults) {
    List<Setting<?>> out = new ArrayList<>();
    for (Setting<?> s : declared) {
      String text = defaults.get(s);
      out.add(text == null ? s : s.defaultText(text));
    }
    return List.copyOf(out);
  }
}
