package io.lambdascope.launcher;

import io.lambdascope.collector.CollectorConfig;
import io.lambdascope.processor.ProcessorConfig;
import java.io.PrintStream;

/** The lines that tell a person where everything is once the services are up. */
final class Banner {
  private Banner() {}

  static void print(PrintStream out, Services services) {
    out.println("lambdascope: Kafka at " + services.kafkaBootstrapServers());
    StringBuilder scrape = new StringBuilder("scrape_configs:\n");
    if (services.collector() != null) {
      String address =
          services.settings().get(CollectorConfig.OTLP_HOST) + ":" + services.collector().port();
      out.println("lambdascope: collector at http://" + address + "  (OTLP/HTTP /v1/traces /v1/metrics /v1/logs, "
          + "platform events /v1/lambda/telemetry)");
      out.println("lambdascope: functions send to it with LAMBDASCOPE_ENDPOINT=http://<this host>:" + services.collector().port());
      scrape.append(job("lambdascope-collector", address));
    }
    if (services.processor() != null) {
      String address =
          services.settings().get(ProcessorConfig.METRICS_HOST) + ":" + services.processor().httpPort();
      out.println("lambdascope: processor at http://" + address + "  (/metrics, /api/invocations, /api/findings)");
      scrape.append(job("lambdascope-processor", address));
    }
    out.println("lambdascope: Prometheus scrape configuration (rules: alerts/rules/*.yml, dashboards: dashboard/):");
    scrape.toString().lines().forEach(line -> out.println("  " + line));
    out.println("lambdascope: ready; Ctrl-C stops");
    out.flush();
  }

  private static String job(String name, String address) {
    return "  - job_name: " + name + "\n    static_configs: [{targets: ['" + address + "']}]\n";
  }
}
