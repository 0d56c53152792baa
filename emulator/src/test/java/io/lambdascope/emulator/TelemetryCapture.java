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
import java.util.function.Predicate;

/** A stand-in collector for tests: records every platform event posted to /v1/lambda/telemetry. */
final class TelemetryCapture implements AutoCloseable {
  /** One event with the function header of its request. */
  record Received(String function, JsonNode event) {
    String type() {
      return event.path("type").asText();
    }

    JsonNode record() {
      return event.path("record");
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  final List<String> badRequests = new CopyOnWriteArrayList<>();

  TelemetryCapture() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
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
        body.forEach(e -> received.add(new Received(function, e)));
        exchange.sendResponseHeaders(202, -1);
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
    throw new AssertionError("expected " + count + " matching platform events within " + wait + ", got "
        + events(filter).size() + "; all: " + received);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
