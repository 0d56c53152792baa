package io.lambdascope.emulator.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An external extension for tests, started from a test layer's {@code extensions/} by a shell script. It registers
 * (INVOKE and SHUTDOWN), subscribes to the Telemetry API with a listener on {@code sandbox.localdomain}, and reports
 * everything it sees to the test's recorder ({@code RECORDER_URL}): its registration, each event with the wall
 * clock and a tick count that only advances while the extension runs, and each telemetry batch with the request it
 * arrived during. Knobs, from the function's environment: {@code RECORDER_REGISTER_DELAY_MS} (before registering),
 * {@code RECORDER_INIT_MS} (work after subscribing, before the first {@code next}), {@code RECORDER_POST_INVOKE_MS}
 * (work after each INVOKE before {@code next}), {@code RECORDER_REGISTER_LATE} (try to register another extension
 * at the first INVOKE), {@code RECORDER_INIT_ERROR} (report that error type with {@code init/error} after
 * subscribing, then exit).
 *
 * <p>Only JDK classes: it runs from the layer with nothing else on its classpath.
 */
public final class RecordingExtension {
  private static final Pattern FIELD = Pattern.compile("\"(eventType|requestId|shutdownReason)\"\\s*:\\s*\"([^\"]*)\"");

  private final String name;
  private final String api;
  private final String recorder;
  private final String function;
  private final AtomicLong ticks = new AtomicLong();
  private volatile String during = "init";

  private RecordingExtension(String name) {
    this.name = name;
    this.api = "http://" + System.getenv("AWS_LAMBDA_RUNTIME_API");
    this.recorder = System.getenv("RECORDER_URL");
    this.function = System.getenv("AWS_LAMBDA_FUNCTION_NAME");
  }

  public static void main(String[] args) throws Exception {
    new RecordingExtension(args[0]).run();
  }

  private void run() throws Exception {
    Thread ticker = new Thread(() -> {
      while (true) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
        ticks.incrementAndGet();
      }
    }, "ticker");
    ticker.setDaemon(true);
    ticker.start();

    Thread.sleep(millis("RECORDER_REGISTER_DELAY_MS"));
    Response registered = call("POST", "/2020-01-01/extension/register", null,
        "{\"events\":[\"INVOKE\",\"SHUTDOWN\"]}", "Lambda-Extension-Name", name,
        "Lambda-Extension-Accept-Feature", "accountId");
    String id = registered.identifier;
    report("registered", "\"status\":" + registered.status + ",\"identifier\":" + quote(id)
        + ",\"body\":" + registered.body + ",\"environment\":" + environment());

    HttpServer listener = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    listener.createContext("/", exchange -> {
      try (exchange) {
        String batch = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        report("telemetry", "\"during\":" + quote(during) + ",\"events\":" + batch);
        exchange.sendResponseHeaders(200, -1);
      }
    });
    listener.start();
    int port = listener.getAddress().getPort();
    Response subscribed = call("PUT", "/2022-07-01/telemetry", id,
        "{\"schemaVersion\":\"2022-12-13\",\"destination\":{\"protocol\":\"HTTP\",\"URI\":\"http://sandbox.localdomain:"
            + port + "/telemetry\"},\"types\":[\"platform\"],\"buffering\":{\"maxItems\":1000,\"maxBytes\":262144,"
            + "\"timeoutMs\":25}}");
    report("subscribed", "\"status\":" + subscribed.status + ",\"body\":" + quote(subscribed.body));

    String initError = System.getenv("RECORDER_INIT_ERROR");
    if (initError != null) {
      Response reported = call("POST", "/2020-01-01/extension/init/error", id,
          "{\"errorMessage\":\"told to fail\",\"errorType\":\"" + initError + "\"}",
          "Lambda-Extension-Function-Error-Type", initError);
      Response after = call("GET", "/2020-01-01/extension/event/next", id, null);
      report("init-error", "\"status\":" + reported.status + ",\"nextStatus\":" + after.status
          + ",\"nextBody\":" + after.body);
      System.exit(1);
    }
    Thread.sleep(millis("RECORDER_INIT_MS"));
    long postInvokeMs = millis("RECORDER_POST_INVOKE_MS");
    boolean registerLate = Boolean.parseBoolean(System.getenv("RECORDER_REGISTER_LATE"));
    while (true) {
      Response next = call("GET", "/2020-01-01/extension/event/next", id, null);
      String type = field(next.body, "eventType");
      report("event", "\"event\":" + next.body);
      if ("SHUTDOWN".equals(type)) {
        during = "shutdown";
        report("exiting", "\"reason\":" + quote(field(next.body, "shutdownReason")));
        System.exit(0);
      }
      during = field(next.body, "requestId");
      if (registerLate) {
        registerLate = false;
        Response late = call("POST", "/2020-01-01/extension/register", null, "{\"events\":[\"INVOKE\"]}",
            "Lambda-Extension-Name", name + "-late");
        report("late-registration", "\"status\":" + late.status + ",\"body\":" + late.body);
      }
      if (postInvokeMs > 0) {
        Thread.sleep(postInvokeMs);
      }
      report("next", "\"after\":" + quote(during));
    }
  }

  private static long millis(String variable) {
    return Long.parseLong(System.getenv().getOrDefault(variable, "0"));
  }

  /** The variables Lambda passes to extensions or keeps from them, as the test checks them. */
  private static String environment() {
    StringBuilder out = new StringBuilder("{");
    for (String name : new String[] {"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_RUNTIME_API", "_HANDLER",
        "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_LAMBDA_LOG_GROUP_NAME", "LAMBDA_TASK_ROOT", "AWS_EXECUTION_ENV",
        "AWS_REGION", "RECORDER_URL"}) {
      if (out.length() > 1) {
        out.append(',');
      }
      out.append(quote(name)).append(':').append(quote(System.getenv(name)));
    }
    return out.append('}').toString();
  }

  private void report(String kind, String fields) {
    String body = "{\"kind\":" + quote(kind) + ",\"extension\":" + quote(name) + ",\"function\":" + quote(function)
        + ",\"time\":" + System.currentTimeMillis() + ",\"ticks\":" + ticks.get() + "," + fields + "}";
    try {
      HttpURLConnection c = (HttpURLConnection) new URL(recorder + "/recorder").openConnection();
      c.setRequestMethod("POST");
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "application/json");
      try (OutputStream out = c.getOutputStream()) {
        out.write(body.getBytes(StandardCharsets.UTF_8));
      }
      c.getResponseCode();
      c.disconnect();
    } catch (IOException e) {
      System.err.println("recorder unreachable: " + e);
    }
  }

  private record Response(int status, String identifier, String body) {}

  private Response call(String method, String path, String identifier, String body, String... headers)
      throws IOException {
    HttpURLConnection c = (HttpURLConnection) new URL(api + path).openConnection();
    c.setRequestMethod(method);
    if (identifier != null) {
      c.setRequestProperty("Lambda-Extension-Identifier", identifier);
    }
    for (int i = 0; i < headers.length; i += 2) {
      c.setRequestProperty(headers[i], headers[i + 1]);
    }
    if (body != null) {
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "application/json");
      try (OutputStream out = c.getOutputStream()) {
        out.write(body.getBytes(StandardCharsets.UTF_8));
      }
    }
    int status = c.getResponseCode();
    InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
    String answer = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    return new Response(status, c.getHeaderField("Lambda-Extension-Identifier"), answer.isEmpty() ? "null" : answer);
  }

  private static String field(String json, String name) {
    Matcher m = FIELD.matcher(json);
    while (m.find()) {
      if (m.group(1).equals(name)) {
        return m.group(2);
      }
    }
    return null;
  }

  private static String quote(String s) {
    if (s == null) {
      return "null";
    }
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }
}
