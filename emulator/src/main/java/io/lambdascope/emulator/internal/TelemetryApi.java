package io.lambdascope.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Telemetry API ({@code PUT /2022-07-01/telemetry}) of one execution environment: validates subscriptions as
 * the API reference says (schema version, destination, types, buffering limits) and hands every event of the
 * environment to the subscriptions. Events from the start of the environment are kept until init ends, so an
 * extension that subscribes during init also gets {@code platform.initStart}.
 */
final class TelemetryApi implements AutoCloseable {
  static final Set<String> SCHEMA_VERSIONS = Set.of("2022-07-01", "2022-12-13", "2025-01-29");
  private static final Set<String> TYPES = Set.of("platform", "function", "extension");
  /** The name of the sandbox: Lambda only delivers inside the environment. */
  private static final String SANDBOX_HOST = "sandbox.localdomain";
  private static final int BACKLOG_LIMIT = 10_000;

  private final String loopback;
  private final FreezeGate gate;
  private final Map<String, TelemetrySubscription> byExtension = new LinkedHashMap<>();
  private final List<TelemetrySubscription.Event> backlog = new ArrayList<>();
  private boolean keepBacklog = true;
  private boolean closed;

  /**
   * @param loopback the address {@code sandbox.localdomain} stands for on this machine
   */
  TelemetryApi(String loopback, FreezeGate gate) {
    this.loopback = loopback;
    this.gate = gate;
  }

  /**
   * Subscribes (or subscribes again) an extension.
   *
   * @return the types subscribed to
   * @throws ApiError 400 {@code ValidationError} naming what is wrong
   */
  List<String> subscribe(String extensionName, byte[] body) throws ApiError {
    JsonNode request;
    try {
      request = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw ApiError.validation("request body is not JSON: " + e.getMessage());
    }
    if (request == null || !request.isObject()) {
      throw ApiError.validation("request body must be a JSON object");
    }
    List<String> problems = new ArrayList<>();
    String schema = request.path("schemaVersion").asText("");
    if (!SCHEMA_VERSIONS.contains(schema)) {
      problems.add("schemaVersion must be one of " + new java.util.TreeSet<>(SCHEMA_VERSIONS) + ", was '" + schema + "'");
    }
    JsonNode destination = request.path("destination");
    String protocol = destination.path("protocol").asText("");
    if (!protocol.equals("HTTP") && !protocol.equals("TCP")) {
      problems.add("destination.protocol must be HTTP or TCP");
    }
    URI target = target(destination.path("URI").asText(""), protocol, problems);
    Set<String> types = new LinkedHashSet<>();
    JsonNode typesNode = request.path("types");
    if (!typesNode.isArray() || typesNode.isEmpty()) {
      problems.add("types should not be empty");
    } else {
      for (JsonNode t : typesNode) {
        if (!TYPES.contains(t.asText())) {
          problems.add("unknown type '" + t.asText() + "' (platform, function, extension)");
        }
        types.add(t.asText());
      }
    }
    JsonNode buffering = request.path("buffering");
    int maxItems = limit(buffering, "maxItems", 1000, 1000, 10_000, problems);
    int maxBytes = limit(buffering, "maxBytes", 262_144, 262_144, 1_048_576, problems);
    int timeoutMs = limit(buffering, "timeoutMs", 1000, 25, 30_000, problems);
    if (!problems.isEmpty()) {
      throw ApiError.validation(String.join("; ", problems));
    }
    TelemetrySubscription subscription = new TelemetrySubscription(extensionName, types, protocol.equals("TCP"),
        target, maxItems, maxBytes, timeoutMs, gate);
    synchronized (this) {
      if (closed) {
        throw new ApiError(500, "Runtime.Unknown", "the environment is shutting down");
      }
      TelemetrySubscription previous = byExtension.put(extensionName, subscription);
      if (previous != null) {
        previous.close();
      }
      backlog.forEach(subscription::offer);
    }
    subscription.start();
    return List.copyOf(types);
  }

  private URI target(String uri, String protocol, List<String> problems) {
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      problems.add("destination.URI is not a URI: '" + uri + "'");
      return null;
    }
    if (protocol.equals("HTTP") && !"http".equals(parsed.getScheme())) {
      problems.add("destination.URI must be http:// (Lambda does not deliver over HTTPS)");
    }
    if (!SANDBOX_HOST.equals(parsed.getHost())) {
      problems.add("destination.URI must name " + SANDBOX_HOST + ": Lambda only delivers inside the environment");
    }
    if (parsed.getPort() < 0) {
      problems.add("URI port is not provided");
    } else if (parsed.getPort() == 9001) {
      problems.add("port 9001 is reserved by Lambda");
    }
    if (!problems.isEmpty()) {
      return null;
    }
    try {
      return new URI(parsed.getScheme(), parsed.getUserInfo(), loopback, parsed.getPort(), parsed.getPath(),
          parsed.getQuery(), null);
    } catch (URISyntaxException e) {
      problems.add("destination.URI: " + e.getMessage());
      return null;
    }
  }

  private static int limit(JsonNode buffering, String field, int fallback, int min, int max, List<String> problems) {
    JsonNode v = buffering.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
      problems.add("buffering." + field + " must be " + min + ".." + max + ", was " + v);
      return fallback;
    }
    return v.asInt();
  }

  /** Hands an event to every subscription (in the order events are published). */
  synchronized void publish(TelemetrySubscription.Event event) {
    if (closed) {
      return;
    }
    if (keepBacklog && backlog.size() < BACKLOG_LIMIT) {
      backlog.add(event);
    }
    for (TelemetrySubscription s : byExtension.values()) {
      s.offer(event);
    }
  }

  /** Init is over: later subscriptions (if any) start with later events. */
  synchronized void endOfInit() {
    keepBacklog = false;
    backlog.clear();
  }

  synchronized boolean hasSubscriptions() {
    return !byExtension.isEmpty();
  }

  /** Sends what every subscription holds now; true when all of it went out before the deadline. */
  boolean flush(long deadlineNanos) throws InterruptedException {
    List<TelemetrySubscription> subscriptions;
    synchronized (this) {
      subscriptions = new ArrayList<>(byExtension.values());
    }
    boolean all = true;
    for (TelemetrySubscription s : subscriptions) {
      all &= s.flush(deadlineNanos);
    }
    return all;
  }

  @Override
  public void close() {
    List<TelemetrySubscription> subscriptions;
    synchronized (this) {
      closed = true;
      subscriptions = new ArrayList<>(byExtension.values());
      byExtension.clear();
      backlog.clear();
    }
    subscriptions.forEach(TelemetrySubscription::close);
  }
}
