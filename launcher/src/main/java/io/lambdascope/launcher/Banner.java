package io.lambdascope.launcher;

import java.io.PrintStream;

/** The lines that tell a person where everything is once the services are up. */
final class Banner {
  private Banner() {}

  static void print(PrintStream out, Services services) {
    out.println("lambdascope: Kafka at " + services.kafkaBootstrapServers());
    if (services.collector() != null) {
      int port = services.collector().port();
      out.println("lambdascope: collector at http://127.0.0.1:" + port + "  (OTLP/HTTP: /v1/traces /v1/metrics /v1/logs, "
          + "platform events: /v1/lambda/telemetry, /metrics)");
      out.println("lambdascope: point functions at it with LAMBDASCOPE_ENDPOINT=http://<this host>:" + port);
    }
    if (services.processor() != null) {
      int port = services.processor().httpPort();
      out.println("lambdascope: processor metrics at http://127.0.0.1:" + port + "/metrics  "
          + "(invocations: /api/invocations, findings: /api/findings)");
      out.println("lambdascope: Prometheus scrape config: static_configs: [{targets: ['127.0.0.1:" + port + "']}]");
    }
    out.println("lambdascope: ready; Ctrl-C stops");
    out.flush();
  }
}
