package io.lambdascope.processor;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/** Test helpers: HTTP GET, Prometheus text parsing, and waits with a deadline. */
public final class Scrape {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Scrape() {}

  public static HttpResponse<String> get(int port, String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Series line ("name{labels}") to value, of every sample on /metrics. */
  public static Map<String, Double> metrics(int port) {
    return parse(get(port, "/metrics").body());
  }

  public static Map<String, Double> parse(String text) {
    Map<String, Double> out = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return out;
  }

  /** The sum of every series whose line contains {@code contains} ({@code outcome=...}: of faas_invocations_total only). */
  public static double sum(Map<String, Double> metrics, String contains) {
    return metrics.entrySet().stream().filter(e -> e.getKey().contains(contains))
        .filter(e -> !contains.startsWith("outcome") || e.getKey().startsWith("faas_invocations_total{"))
        .mapToDouble(Map.Entry::getValue).sum();
  }

  /** All invocations a processor shows; 0 while it does not answer (killed, or not listening yet). */
  public static double invocations(int port) {
    try {
      return sum(metrics(port), "faas_invocations_total{");
    } catch (RuntimeException e) {
      return 0;
    }
  }

  public static double value(Map<String, Double> metrics, String series) {
    return metrics.getOrDefault(series, 0.0);
  }

  /** Polls until the condition holds; fails with what /metrics showed last. */
  public static void awaitMetrics(int port, Duration deadline, String what, java.util.function.Predicate<Map<String, Double>> condition) {
    java.util.concurrent.atomic.AtomicReference<Map<String, Double>> last = new java.util.concurrent.atomic.AtomicReference<>();
    try {
      await(deadline, what, () -> {
        last.set(metrics(port));
        return condition.test(last.get());
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; last /metrics: " + last.get(), e);
    }
  }

  /** Polls until the condition holds; fails with the message after the deadline. */
  public static void await(Duration deadline, String what, BooleanSupplier condition) {
    long end = System.nanoTime() + deadline.toNanos();
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("timed out after " + deadline.toSeconds() + " s waiting for " + what);
  }
}
