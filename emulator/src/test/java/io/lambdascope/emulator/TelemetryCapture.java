package io.lambdascope.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * What a test observes from outside the emulator, on one loopback port: the recording extension's reports
 * ({@code /recorder}, see {@link io.lambdascope.emulator.testing.RecordingExtension}), among them the Telemetry API
 * batches delivered to it; the platform events the agent relays as a collector would get them
 * ({@code /v1/lambda/telemetry}); and the agent's spans ({@code /v1/traces}, counted by function).
 */
final class TelemetryCapture implements AutoCloseable {
  /**
   * One event: a platform event delivered to a recording extension of {@code function} (with the request it was
   * delivered during and when), or a platform event the agent relayed to {@code /v1/lambda/telemetry} as to a
   * collector ({@code during} null).
   */
  record Received(String function, JsonNode event, String during, long deliveredAtMs) {
    /** Posted to the collector's route rather than delivered to a recording extension. */
    boolean relayed() {
      return during == null;
    }

    String type() {
      return event.path("type").asText();
    }

    JsonNode record() {
      return event.path("record");
    }

    String requestId() {
      return record().path("requestId").asText();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;
  /** Requests come from every extension, the agents and the emulator at once: one thread each. */
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "telemetry-capture");
    t.setDaemon(true);
    return t;
  });
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<JsonNode> reports = new CopyOnWriteArrayList<>();
  private final List<String> spans = new CopyOnWriteArrayList<>();
  final List<String> badRequests = new CopyOnWriteArrayList<>();

  TelemetryCapture() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(executor);
    server.createContext("/v1/lambda/telemetry", exchange -> {
      try (exchange) {
        String function = exchange.getRequestHeaders().getFirst("X-Lambdascope-Function");
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        if (function == null || !"application/json".equals(contentType) || !body.isArray()) {
          badRequests.add(function + " " + contentType + " " + body);
          exchange.sendResponseHeaders(400, -1);
          return;
        }
        body.forEach(e -> received.add(new Received(function, e, null, System.currentTimeMillis())));
        exchange.sendResponseHeaders(202, -1);
      }
    });
    server.createContext("/recorder", exchange -> {
      try (exchange) {
        JsonNode report = JSON.readTree(exchange.getRequestBody());
        reports.add(report);
        if (report.path("kind").asText().equals("telemetry")) {
          String function = report.path("function").asText();
          String during = report.path("during").asText();
          long at = report.path("time").asLong();
          report.path("events").forEach(e -> received.add(new Received(function, e, during, at)));
        }
        exchange.sendResponseHeaders(200, -1);
      }
    });
    server.createContext("/v1/traces", exchange -> {
      try (exchange) {
        byte[] body = exchange.getRequestBody().readAllBytes();
        // The span's resource names the function; protobuf strings are plain bytes in the message.
        spans.add(new String(body, java.nio.charset.StandardCharsets.ISO_8859_1));
        exchange.sendResponseHeaders(200, -1);
      }
    });
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  List<Received> events(Predicate<Received> filter) {
    List<Received> out = new ArrayList<>();
    for (Received r : received) {
      if (filter.test(r)) {
        out.add(r);
      }
    }
    return out;
  }

  /** Waits until at least {@code count} events match, or fails after {@code wait}. */
  List<Received> await(Predicate<Received> filter, int count, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      List<Received> found = events(filter);
      if (found.size() >= count) {
        return found;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("expected " + count + " matching events within " + wait + ", got "
        + events(filter).size() + "; all: " + received);
  }

  /** The recording extensions' reports of one kind ({@code registered}, {@code event}, {@code next}, ...). */
  List<JsonNode> reports(String kind, Predicate<JsonNode> filter) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode r : reports) {
      if (r.path("kind").asText().equals(kind) && filter.test(r)) {
        out.add(r);
      }
    }
    return out;
  }

  /** Waits until at least {@code count} reports match, or fails after {@code wait}. */
  List<JsonNode> awaitReports(String kind, Predicate<JsonNode> filter, int count, Duration wait)
      throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      List<JsonNode> found = reports(kind, filter);
      if (found.size() >= count) {
        return found;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("expected " + count + " '" + kind + "' reports within " + wait + ", got "
        + reports(kind, filter).size() + "; all: " + reports);
  }

  /** Span exports for {@code function}. */
  long spans(String function) {
    return spans.stream().filter(s -> s.contains(function)).count();
  }

  /** Span exports for {@code function} that carry {@code text} (an attribute name, say). */
  long spans(String function, String text) {
    return spans.stream().filter(s -> s.contains(function) && s.contains(text)).count();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
