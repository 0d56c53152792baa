package io.lambdascope.emulator.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;

/**
 * A stand-in for a service the example functions call (a payments API): it approves every request after a latency
 * the scenario sets, so a "slow downstream" phase can push a function past its timeout.
 */
public final class Downstream implements AutoCloseable {
  private final HttpServer server;
  private volatile Duration latency = Duration.ZERO;

  public Downstream(String host, ExecutorService executor) throws IOException {
    this.server = HttpServer.create(new InetSocketAddress(host, 0), 64);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  public String url() {
    InetSocketAddress a = server.getAddress();
    return "http://" + a.getHostString() + ":" + a.getPort();
  }

  public void latency(Duration latency) {
    this.latency = latency;
  }

  public Duration latency() {
    return latency;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      try (InputStream in = exchange.getRequestBody()) {
        in.readAllBytes();
      }
      long ms = latency.toMillis();
      if (ms > 0) {
        try {
          Thread.sleep(ms);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] body = "{\"status\":\"approved\"}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
