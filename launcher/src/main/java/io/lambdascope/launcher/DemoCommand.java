package io.lambdascope.launcher;

import io.lambdascope.alerts.RuleTimeScale;
import io.lambdascope.alerts.local.AlertmanagerServer;
import io.lambdascope.alerts.local.PrometheusServer;
import io.lambdascope.cloudwatch.CloudWatchExporter;
import io.lambdascope.cloudwatch.ExporterConfig;
import io.lambdascope.emulator.DeadLetterQueue;
import io.lambdascope.emulator.Emulator;
import io.lambdascope.emulator.EmulatorConfig;
import io.lambdascope.emulator.SourceQueue;
import io.lambdascope.emulator.cloudwatch.CloudWatchConfig;
import io.lambdascope.emulator.scenario.Scenario;
import io.lambdascope.emulator.scenario.ScenarioRunner;
import io.lambdascope.launcher.SettingsCatalog.PrometheusMode;
import io.lambdascope.processor.ProcessorConfig;
import io.lambdascope.settings.Setting;
import io.lambdascope.settings.Settings;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code lambdascope demo}: Kafka, collector, processor, the emulator with the example functions and
 * the agent's layer, optionally Prometheus and Alertmanager, and a scenario; a live table until it ends.
 */
final class DemoCommand implements Command {
  private static final Duration REFRESH = Duration.ofSeconds(1);
  /** Without a terminal (a log file, CI), print the table this often instead of redrawing it. */
  private static final Duration PLAIN_REFRESH = Duration.ofSeconds(10);
  private static final int MAX_ALERT_LINES = 12;
  /** The account of the emulator's ARNs, which the agent reports; the demo's collector has no tokens: tenant default. */
  private static final String EMULATOR_ACCOUNT = "000000000000";

  @Override
  public String name() {
    return "demo";
  }

  @Override
  public String summary() {
    return "Run everything locally: embedded Kafka, collector, processor, the emulator with the example functions, "
        + "and a scenario that makes them cold-start, fail, time out, throttle, redeliver and fill a DLQ.";
  }

  @Override
  public List<Setting<?>> settings() {
    return SettingsCatalog.of(SettingsCatalog.KAFKA, SettingsCatalog.COLLECTOR, SettingsCatalog.PROCESSOR,
        SettingsCatalog.EMULATOR, SettingsCatalog.DEMO);
  }

  @Override
  public int run(Settings settings) throws Exception {
    Scenario loaded = Scenario.load(settings.get(SettingsCatalog.DEMO_SCENARIO));
    Scenario scenario = settings.find(SettingsCatalog.DEMO_DURATION).map(loaded::withTotalDuration).orElse(loaded);
    boolean exitWhenDone = settings.get(SettingsCatalog.DEMO_EXIT);
    PrometheusMode prometheusMode = settings.get(SettingsCatalog.DEMO_PROMETHEUS);
    PrintStream out = System.out;
    // Every port is checked before anything starts: a clash is one line naming the setting, not a stack trace.
    Ports.requireFreeForServices(settings, true, true);
    Ports.requireFree(settings, EmulatorConfig.INVOKE_PORT, "127.0.0.1");
    Ports.requireFree(settings, EmulatorConfig.SQS_PORT, "127.0.0.1");
    Monitoring monitoring = Monitoring.NONE;
    if (prometheusMode == PrometheusMode.AUTO && onPath("prometheus") && onPath("prometheus-alertmanager")) {
      monitoring = new Monitoring(true,
          Ports.preferred(settings, SettingsCatalog.DEMO_PROMETHEUS_PORT, "Prometheus", out),
          Ports.preferred(settings, SettingsCatalog.DEMO_ALERTMANAGER_PORT, "Alertmanager", out));
    } else if (prometheusMode == PrometheusMode.AUTO) {
      out.println("lambdascope: Prometheus and Alertmanager are not installed "
          + "(apt-get install prometheus prometheus-alertmanager): no alerts in this demo");
    }

    Services services = Services.kafka(settings).withCollector();
    Thread stopper = new Thread(services::close, "lambdascope-shutdown");
    Runtime.getRuntime().addShutdownHook(stopper);
    try {
      return run(settings, services, stopper, scenario, exitWhenDone, monitoring);
    } catch (Exception | Error e) {
      services.close();
      throw e;
    }
  }

  /** Whether the demo runs Prometheus and Alertmanager, and on which ports (0: any free one). */
  private record Monitoring(boolean enabled, int prometheusPort, int alertmanagerPort) {
    static final Monitoring NONE = new Monitoring(false, 0, 0);
  }

  private int run(Settings settings, Services services, Thread stopper, Scenario scenario, boolean exitWhenDone,
      Monitoring monitoring) throws Exception {
    PrintStream out = System.out;
    String collectorUrl = "http://127.0.0.1:" + services.collector().port();
    Settings forEmulator = emulatorSettings(services.settings(), collectorUrl);
    if (!forEmulator.isSet(CloudWatchConfig.RESOLUTION)) {
      forEmulator = forEmulator.with(CloudWatchConfig.RESOLUTION, SettingsCatalog.DEMO_CLOUDWATCH_RESOLUTION);
    }
    Emulator emulator = services.closeLater(Emulator.start(EmulatorConfig.fromSettings(forEmulator.asMap())));
    // Source queues feed the visibility-timeout finding; the DLQ list adds async on-failure queues.
    Map<String, String> sourceQueues = new LinkedHashMap<>();
    for (SourceQueue q : emulator.sourceQueues()) {
      sourceQueues.put(q.queueName(), q.functionName());
    }
    Map<String, String> deadLetterQueues = new LinkedHashMap<>();
    for (DeadLetterQueue q : emulator.deadLetterQueues()) {
      deadLetterQueues.put(q.queueName(), q.functionName());
    }
    services.with(ProcessorConfig.SQS_ENDPOINT, URI.create(emulator.sqsEndpoint()))
        .with(ProcessorConfig.SQS_REGION, emulator.region())
        .with(ProcessorConfig.SQS_SOURCE_QUEUES, sourceQueues)
        .with(ProcessorConfig.DLQ_QUEUES, deadLetterQueues)
        .with(ProcessorConfig.DLQ_POLL_INTERVAL,
            settings.find(ProcessorConfig.DLQ_POLL_INTERVAL).orElse(SettingsCatalog.DEMO_DLQ_POLL_INTERVAL))
        // The functions' configuration from the emulator's Lambda control plane, as on AWS from Lambda's.
        .with(ProcessorConfig.AWS_CONFIG_ENABLED, settings.find(ProcessorConfig.AWS_CONFIG_ENABLED).orElse(true))
        .with(ProcessorConfig.LAMBDA_ENDPOINT, URI.create(emulator.invokeEndpoint()))
        .withProcessor();
    String metricsUrl = "http://127.0.0.1:" + services.processor().httpPort() + "/metrics";
    Banner.print(out, services);
    out.println("lambdascope: emulator Invoke API at " + emulator.invokeEndpoint() + ", SQS at " + emulator.sqsEndpoint());
    out.println("lambdascope: live invocations: bin/lambdascope tail --processor-url http://127.0.0.1:"
        + services.processor().httpPort());

    AlertmanagerServer alertmanager = null;
    if (monitoring.enabled()) {
      alertmanager = services.closeLater(AlertmanagerServer.builder().port(monitoring.alertmanagerPort()).start());
      // What only AWS sees (throttles, concurrency, the async queue) comes as on AWS: Prometheus's CloudWatch exporter
      // with the shipped configuration, its periods compressed like the rules' windows, and no delay (the emulator's
      // CloudWatch has nothing to converge; on AWS the delay is 10 minutes).
      CloudWatchExporter cloudWatch = services.closeLater(CloudWatchExporter.builder(
              settings.get(SettingsCatalog.HOME).resolve(SettingsCatalog.CLOUDWATCH_EXPORTER_JAR_IN_HOME))
          .config(ExporterConfig.compressed(ExporterConfig.shipped(), emulator.region(),
              RuleTimeScale.MINUTES_TO_SECONDS.factor()))
          .endpoint(URI.create(emulator.cloudWatchEndpoint()))
          .start());
      PrometheusServer prometheus = services.closeLater(PrometheusServer.builder()
          .port(monitoring.prometheusPort())
          .projectRules(RuleTimeScale.MINUTES_TO_SECONDS)
          .scrape("lambdascope-processor", "127.0.0.1:" + services.processor().httpPort())
          .scrape("lambdascope-collector", "127.0.0.1:" + services.collector().port())
          // One exporter per account and region: Prometheus labels its series with them, and the tenant.
          .scrape("lambdascope-cloudwatch", cloudWatch.address(), "/metrics", Map.of(
              "tenant", "default", "cloud_account_id", EMULATOR_ACCOUNT, "cloud_region", emulator.region()))
          .alertmanager(alertmanager.address())
          .start());
      out.println("lambdascope: CloudWatch exporter at http://" + cloudWatch.address() + "/metrics, reading the "
          + "emulator's CloudWatch at " + emulator.cloudWatchEndpoint());
      out.println("lambdascope: Prometheus at " + prometheus.url() + ", Alertmanager at " + alertmanager.url()
          + " (alert rules time-scaled: 'for: 5m' fires after 5 s, so the demo shows them)");
      out.println(grafanaHint(settings.get(SettingsCatalog.HOME), prometheus.url()));
    } else {
      out.println("lambdascope: Grafana: point a Prometheus at the processor and collector above, then provision "
          + "dashboard/provisioning (docs/dashboards.md)");
    }

    AtomicReference<ScenarioRunner.Progress> progress = new AtomicReference<>();
    AtomicReference<ScenarioRunner.Result> result = new AtomicReference<>();
    ScenarioRunner runner = services.closeLater(ScenarioRunner.forEmulator(emulator));
    Scenario toRun = scenario;
    Thread driver = new Thread(() -> result.set(runner.run(toRun, progress::set)), "lambdascope-scenario");
    driver.setDaemon(true);
    driver.start();
    out.println("lambdascope: scenario '" + scenario.name() + "' (" + scenario.totalDuration().toSeconds()
        + " s): " + scenario.description());

    boolean console = System.console() != null;
    AlertLines alertLines = new AlertLines();
    long lastPlain = 0;
    while (driver.isAlive()) {
      driver.join(REFRESH.toMillis());
      if (alertmanager != null) {
        alertLines.update(alertmanager.webhook().alerts());
      }
      long now = System.nanoTime();
      if (console || !driver.isAlive() || now - lastPlain >= PLAIN_REFRESH.toNanos()) {
        lastPlain = now;
        draw(out, console, metricsUrl, emulator, progressLine(progress.get()), alertLines);
      }
    }
    ScenarioRunner.Result done = result.get();
    out.println();
    out.println("lambdascope: scenario " + (done != null && done.completed() ? "finished" : "stopped")
        + (done == null ? "" : " after " + done.elapsed().toSeconds() + " s"));
    if (done != null) {
      // One line per function, stable for scripts and the end-to-end test.
      done.byFunction().values().forEach(t -> out.printf(
          "lambdascope: sent %s sync=%d throttled=%d function_errors=%d async=%d sqs=%d failed=%d unfinished=%d%n",
          t.function(), t.syncInvocations(), t.syncThrottled(), t.syncFunctionErrors(), t.asyncAccepted(),
          t.sqsMessages(), t.failedRequests(), t.unfinishedRequests()));
    }
    if (exitWhenDone) {
      // Let the last invocations reach /metrics, then stop everything.
      Thread.sleep(5000);
      if (alertmanager != null) {
        alertLines.update(alertmanager.webhook().alerts());
      }
      draw(out, false, metricsUrl, emulator, progressLine(progress.get()), alertLines);
      Runtime.getRuntime().removeShutdownHook(stopper);
      services.close();
      out.println("lambdascope: stopped");
      return 0;
    }
    out.println("lambdascope: services keep running for Prometheus and Grafana; Ctrl-C stops everything");
    Runtime.getRuntime().removeShutdownHook(stopper);
    // The table and the alerts stay live: alerts fire (a DLQ filling up) and resolve after the scenario too.
    String status = "scenario " + (done != null && done.completed() ? "finished" : "stopped")
        + "; services keep running for Prometheus and Grafana, Ctrl-C stops everything";
    AlertmanagerServer liveAlerts = alertmanager;
    Thread live = new Thread(() -> {
      long last = System.nanoTime();
      while (!Thread.currentThread().isInterrupted()) {
        try {
          Thread.sleep(REFRESH.toMillis());
        } catch (InterruptedException e) {
          return;
        }
        if (liveAlerts != null) {
          alertLines.update(liveAlerts.webhook().alerts());
        }
        if (console || System.nanoTime() - last >= PLAIN_REFRESH.toNanos()) {
          last = System.nanoTime();
          // Once the processor stops answering (Ctrl-C), there is nothing left to show.
          if (Http.getOrNull(metricsUrl) != null) {
            draw(out, console, metricsUrl, emulator, status, alertLines);
          }
        }
      }
    }, "lambdascope-live");
    live.setDaemon(true);
    live.start();
    ServeCommand.awaitTermination(services);
    live.interrupt();
    return 0;
  }

  /** The emulator's settings: the demo's collector, the built agent layer and examples unless told otherwise. */
  static Settings emulatorSettings(Settings settings, String collectorUrl) {
    Path home = settings.get(SettingsCatalog.HOME);
    Settings s = settings;
    if (!s.isSet(EmulatorConfig.ENDPOINT)) {
      s = s.with(EmulatorConfig.ENDPOINT.name(), collectorUrl);
    }
    s = s.with(EmulatorConfig.AGENT_LAYER,
        s.find(EmulatorConfig.AGENT_LAYER).orElse(home.resolve(SettingsCatalog.AGENT_LAYER_IN_HOME)));
    return s.with(EmulatorConfig.EXAMPLES_JAR,
        s.find(EmulatorConfig.EXAMPLES_JAR).orElse(home.resolve(SettingsCatalog.EXAMPLES_JAR_IN_HOME)));
  }

  /**
   * How to see the dashboards: the provisioned data source points at localhost:9090, which is this
   * Prometheus unless 9090 was taken (docs/dashboards.md, "Viewing the demo in Grafana").
   */
  static String grafanaHint(Path home, URI prometheus) {
    Path dashboard = home.toAbsolutePath().normalize().resolve("dashboard");
    String docker = "docker run --rm --network host"
        + " -v " + dashboard.resolve("provisioning/datasources") + ":/etc/grafana/provisioning/datasources"
        + " -v " + dashboard.resolve("provisioning/dashboards") + ":/etc/grafana/provisioning/dashboards"
        + " -v " + dashboard.resolve("dashboards") + ":/var/lib/grafana/dashboards/lambdascope grafana/grafana";
    String where = prometheus.getPort() == 9090
        ? ""
        : " (first set url: " + prometheus + " in dashboard/provisioning/datasources/lambdascope.yml: 9090 was taken)";
    return "lambdascope: Grafana: " + docker + where + ", then open http://localhost:3000 (docs/dashboards.md)";
  }

  private static void draw(PrintStream out, boolean console, String metricsUrl, Emulator emulator, String status,
      AlertLines alertLines) {
    String body = Http.getOrNull(metricsUrl);
    List<String> lines = new ArrayList<>();
    lines.add(status);
    Map<String, Double> throttles = new LinkedHashMap<>();
    emulator.functions().forEach(f -> throttles.put(f.name(), emulator.cloudWatch().lambdaTotal(f.name(), "Throttles")));
    lines.addAll(body == null ? List.of("(processor not answering yet)")
        : DemoTable.render(PrometheusText.parse(body), throttles));
    if (!alertLines.isEmpty()) {
      lines.add("alerts (each once, its current state):");
      lines.addAll(alertLines.render(MAX_ALERT_LINES));
    }
    StringBuilder frame = new StringBuilder();
    if (console) {
      frame.append("\033[H\033[2J"); // cursor home, clear screen
    } else {
      frame.append('\n');
    }
    lines.forEach(l -> frame.append(l).append('\n'));
    out.print(frame);
    out.flush();
  }

  private static String progressLine(ScenarioRunner.Progress p) {
    if (p == null) {
      return "scenario: starting";
    }
    return String.format("scenario: phase %d/%d %-16s %4d/%d s   sent %d, throttled %d",
        p.phaseNumber(), p.phases(), p.phase(), p.elapsed().toSeconds(), p.total().toSeconds(),
        p.invocationsSent(), p.throttled());
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
