package io.lambdascope.alerts.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lambdascope.alerts.local.internal.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * An HTTP endpoint on a free loopback port that takes Alertmanager's webhook notifications
 * ({@code POST /alerts}) and keeps them for assertions.
 */
public final class WebhookReceiver implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY_BYTES = 1 << 20;

  private final HttpServer server;
  private final List<Notification> notifications = new CopyOnWriteArrayList<>();
  private final List<String> rejected = new CopyOnWriteArrayList<>();

  private WebhookReceiver(HttpServer server) {
    this.server = server;
  }

  /** Starts a receiver on 127.0.0.1 and an ephemeral port. */
  public static WebhookReceiver start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      WebhookReceiver receiver = new WebhookReceiver(server);
      server.createContext("/alerts", receiver::handle);
      server.start();
      return receiver;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the webhook receiver", e);
    }
  }

  /** The URL to put in Alertmanager's {@code webhook_configs}. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/alerts");
  }

  /** Every notification received so far, oldest first. */
  public List<Notification> notifications() {
    return List.copyOf(notifications);
  }

  /** Every alert of every notification received so far, oldest first. */
  public List<ReceivedAlert> alerts() {
    List<ReceivedAlert> all = new ArrayList<>();
    notifications.forEach(n -> all.addAll(n.alerts()));
    return all;
  }

  /** Bodies the receiver could not parse (with the reason): should stay empty. */
  public List<String> rejected() {
    return List.copyOf(rejected);
  }

  /** Waits for a received alert matching {@code condition}, failing after {@code timeout}. */
  public ReceivedAlert awaitAlert(Predicate<ReceivedAlert> condition, Duration timeout) {
    Objects.requireNonNull(condition, "condition");
    return Await.until("a matching alert notification", this::alerts, all -> all.stream().anyMatch(condition), timeout)
        .stream().filter(condition).findFirst().orElseThrow();
  }

  /** Waits for a firing alert named {@code alertname} whose labels include {@code labels}. */
  public ReceivedAlert awaitFiring(String alertname, Map<String, String> labels, Duration timeout) {
    Objects.requireNonNull(alertname, "alertname");
    Objects.requireNonNull(labels, "labels");
    return awaitAlert(a -> a.firing() && alertname.equals(a.alertname())
        && a.labels().entrySet().containsAll(labels.entrySet()), timeout);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_BODY_BYTES);
      }
      try {
        notifications.add(parse(JSON.readTree(body)));
        exchange.sendResponseHeaders(200, -1);
      } catch (IOException | RuntimeException e) {
        // Keep serving: a bad body is recorded and answered 400, nothing else is lost.
        rejected.add(e + ": " + new String(body, StandardCharsets.UTF_8));
        exchange.sendResponseHeaders(400, -1);
      }
    }
  }

  private static Notification parse(JsonNode root) {
    if (root == null || !root.isObject() || !root.path("alerts").isArray()) {
      throw new IllegalArgumentException("not an Alertmanager webhook payload");
    }
    List<ReceivedAlert> alerts = new ArrayList<>();
    for (JsonNode alert : root.path("alerts")) {
      alerts.add(new ReceivedAlert(alert.path("status").asText(), strings(alert.path("labels")), strings(alert.path("annotations"))));
    }
    return new Notification(root.path("receiver").asText(), root.path("status").asText(), strings(root.path("groupLabels")), alerts);
  }

  private static Map<String, String> strings(JsonNode object) {
    Map<String, String> map = new LinkedHashMap<>();
    object.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
    return map;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
