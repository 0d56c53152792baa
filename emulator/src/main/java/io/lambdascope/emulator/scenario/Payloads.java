package io.lambdascope.emulator.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The built-in payload generators of scenarios. Deterministic by sequence number, so a run's mix of good and bad
 * input is the same every time: every 10th order is a poison order, every 7th upload an unsupported file type and
 * every 11th a corrupt one.
 */
final class Payloads {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> SKUS = List.of("BOOK-1", "MUG-2", "TSHIRT-3", "POSTER-4");

  private Payloads() {}

  static String generate(String name, long sequence, String region) {
    return switch (name) {
      case "api-order" -> apiRequest("POST", "/orders", order(sequence));
      case "api-get" -> apiRequest("GET", "/orders/o-" + sequence, null);
      case "order" -> order(sequence);
      case "s3-upload" -> s3Upload(sequence, region);
      case "empty" -> "{}";
      default -> {
        if (name.startsWith("{") || name.startsWith("[")) {
          yield name;
        }
        throw new IllegalArgumentException("unknown payload generator: " + name
            + " (api-order, api-get, order, s3-upload, empty, or literal JSON)");
      }
    };
  }

  /** Whether {@link #generate} knows the name (or it is literal JSON). */
  static void check(String name) {
    generate(name, 0, "us-east-1");
  }

  static String order(long sequence) {
    Map<String, Object> order = new LinkedHashMap<>();
    order.put("orderId", "o-" + sequence + "-" + UUID.randomUUID().toString().substring(0, 8));
    boolean poison = sequence % 10 == 9;
    order.put("sku", poison ? "POISON" : SKUS.get((int) (sequence % SKUS.size())));
    order.put("quantity", 1 + sequence % 3);
    order.put("amountCents", 999 + 100 * (sequence % 7));
    return write(order);
  }

  private static String apiRequest(String method, String path, String body) {
    String requestId = UUID.randomUUID().toString();
    Map<String, Object> http = new LinkedHashMap<>();
    http.put("method", method);
    http.put("path", path);
    http.put("protocol", "HTTP/1.1");
    http.put("sourceIp", "127.0.0.1");
    http.put("userAgent", "lambdascope-scenario");
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("accountId", "000000000000");
    context.put("apiId", "demoapi");
    context.put("domainName", "demoapi.execute-api.local");
    context.put("http", http);
    context.put("requestId", requestId);
    context.put("routeKey", "$default");
    context.put("stage", "$default");
    context.put("time", Instant.now().toString());
    context.put("timeEpoch", System.currentTimeMillis());
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("version", "2.0");
    event.put("routeKey", "$default");
    event.put("rawPath", path);
    event.put("rawQueryString", "");
    event.put("headers", Map.of("content-type", "application/json", "x-request-id", requestId));
    event.put("requestContext", context);
    if (body != null) {
      event.put("body", body);
    }
    event.put("isBase64Encoded", false);
    return write(event);
  }

  private static String s3Upload(long sequence, String region) {
    String key = sequence % 7 == 6 ? "reports/q" + sequence + ".xlsx"
        : sequence % 11 == 10 ? "photos/corrupt-" + sequence + ".png"
        : sequence % 3 == 0 ? "exports/orders-" + sequence + ".csv"
        : "photos/img-" + sequence + ".jpg";
    long size = 64 * 1024 + (sequence % 5) * 1024 * 1024;
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("key", key);
    object.put("size", size);
    object.put("eTag", UUID.randomUUID().toString().replace("-", ""));
    object.put("sequencer", String.format("%016X", sequence + 1));
    Map<String, Object> s3 = new LinkedHashMap<>();
    s3.put("s3SchemaVersion", "1.0");
    s3.put("configurationId", "uploads");
    s3.put("bucket", Map.of("name", "demo-uploads", "ownerIdentity", Map.of("principalId", "DEMO"),
        "arn", "arn:aws:s3:::demo-uploads"));
    s3.put("object", object);
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("eventVersion", "2.1");
    record.put("eventSource", "aws:s3");
    record.put("awsRegion", region);
    record.put("eventTime", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
    record.put("eventName", "ObjectCreated:Put");
    record.put("userIdentity", Map.of("principalId", "DEMO"));
    record.put("requestParameters", Map.of("sourceIPAddress", "127.0.0.1"));
    record.put("responseElements", Map.of("x-amz-request-id", "DEMO", "x-amz-id-2", "DEMO"));
    record.put("s3", s3);
    return write(Map.of("Records", List.of(record)));
  }

  private static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
