package io.lambdascope.benchmarks.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads the processor's HTTP port: readiness and the invocation counters on /metrics. */
public final class ProcessorProbe {
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  public ProcessorProbe(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  public void awaitReady(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<Void> r =
            client.send(
                HttpRequest.newBuilder(URI.create(base + "/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IOException("processor not ready within " + timeout);
  }

  /** Sum of {@code faas_invocations_total}, optionally of one function only. */
  public double invocations(String function) throws IOException, InterruptedException {
    String page = MetricsPage.get(base + "/metrics");
    return function == null
        ? MetricsPage.sumSeries(page, "faas_invocations_total")
        : MetricsPage.sumSeries(page, "faas_invocations_total", "function=\"" + function + "\"");
  }

  /** Polls until the invocation count reaches {@code target}; returns false at the deadline. */
  public boolean awaitInvocations(String function, double target, Duration timeout, Duration poll)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (invocations(function) >= target) {
        return true;
      }
      Thread.sleep(Math.max(1, poll.toMillis()));
    }
    return false;
  }
}
