package io.lambdascope.alerts.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdascope.alerts.local.internal.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The HTTP API of a running Prometheus: instant queries and the alerts it holds. For a
 * {@link PrometheusServer} started here, or one started by someone else (the demo's).
 */
public final class PrometheusApi {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final URI url;

  private PrometheusApi(URI url) {
    this.url = url;
  }

  /** The Prometheus at {@code url} ({@code http://host:port}). */
  public static PrometheusApi at(URI url) {
    return new PrometheusApi(Objects.requireNonNull(url, "url"));
  }

  public URI url() {
    return url;
  }

  /**
   * Evaluates {@code promql} now ({@code /api/v1/query}) and returns the result vector; a scalar
   * comes back as one sample without labels. A query Prometheus refuses fails with its error.
   */
  public List<Sample> query(String promql) {
    Objects.requireNonNull(promql, "promql");
    JsonNode data = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8), promql);
    String type = data.path("resultType").asText();
    JsonNode result = data.path("result");
    List<Sample> samples = new ArrayList<>();
    switch (type) {
      case "vector" -> result.forEach(s -> samples.add(new Sample(strings(s.path("metric")), number(s.path("value").path(1)))));
      case "scalar" -> samples.add(new Sample(Map.of(), number(result.path(1))));
      default -> throw new IllegalArgumentException("query " + promql + " returned a " + type + ", not a vector or scalar");
    }
    return List.copyOf(samples);
  }

  /** Polls {@link #query} until its result satisfies {@code condition}; fails after {@code timeout}. */
  public List<Sample> awaitQuery(String promql, Predicate<List<Sample>> condition, Duration timeout) {
    Objects.requireNonNull(condition, "condition");
    return Await.until("query " + promql + " to match", () -> query(promql), condition, timeout);
  }

  /** Alerts Prometheus holds now ({@code /api/v1/alerts}); {@code status} is {@code pending} or {@code firing}. */
  public List<ReceivedAlert> alerts() {
    List<ReceivedAlert> alerts = new ArrayList<>();
    get("/api/v1/alerts", "alerts").path("alerts").forEach(a ->
        alerts.add(new ReceivedAlert(a.path("state").asText(), strings(a.path("labels")), strings(a.path("annotations")))));
    return List.copyOf(alerts);
  }

  private JsonNode get(String pathAndQuery, String what) {
    HttpResponse<String> response;
    try {
      response = HTTP.send(HttpRequest.newBuilder(URI.create(url + pathAndQuery)).timeout(Duration.ofSeconds(10)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("Prometheus at " + url + " did not answer " + what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException("Prometheus answered " + response.statusCode() + " with a non-JSON body for " + what, e);
    }
    if (!"success".equals(body.path("status").asText())) {
      throw new IllegalArgumentException("Prometheus refused " + what + ": " + body.path("errorType").asText()
          + ": " + body.path("error").asText());
    }
    return body.path("data");
  }

  private static double number(JsonNode value) {
    // Prometheus sends values as strings, including "NaN" and "+Inf".
    return switch (value.asText()) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(value.asText());
    };
  }

  private static Map<String, String> strings(JsonNode object) {
    Map<String, String> map = new LinkedHashMap<>();
    object.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
    return map;
  }

}
