package io.lambdascope.emulator.internal;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;

/**
 * The Lambda Invoke API (2015-03-31): {@code POST /2015-03-31/functions/{name}/invocations} with
 * {@code X-Amz-Invocation-Type} RequestResponse, Event or DryRun, answered the way the AWS SDK v2
 * {@code LambdaClient} expects (error types in {@code X-Amzn-ErrorType}, {@code X-Amz-Function-Error} on errors);
 * on the same port, as Lambda's endpoint serves both, the control-plane reads of {@link LambdaControlPlane}.
 */
public final class InvokeApiServer implements AutoCloseable {
  private static final String PREFIX = "/2015-03-31/functions/";
  private static final int MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;
  private static final int MAX_ASYNC_PAYLOAD = 256 * 1024;

  /** What the server needs of the emulator: the functions by name. */
  public interface Functions {
    FunctionRuntime runtime(String name);

    AsyncInvoker async(String name);
  }

  private final HttpServer server;
  private final Functions functions;
  private final LambdaControlPlane controlPlane;

  public InvokeApiServer(String host, int port, Functions functions, LambdaControlPlane controlPlane,
      ExecutorService executor) throws IOException {
    this.functions = requireNonNull(functions, "functions");
    this.controlPlane = requireNonNull(controlPlane, "controlPlane");
    this.server = HttpServer.create(new InetSocketAddress(host, port), 128);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      if (exchange.getRequestMethod().equals("GET") && LambdaControlPlane.handles(path)) {
        answer(exchange, controlPlane.get(path, exchange.getRequestURI().getRawQuery()));
        return;
      }
      if (exchange.getRequestMethod().equals("POST") && path.equals("/")) {
        String form;
        try (InputStream in = exchange.getRequestBody()) {
          form = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        }
        LambdaControlPlane.Answer sts = LambdaControlPlane.sts(form);
        answer(exchange, sts != null ? sts
            : LambdaControlPlane.error(400, "InvalidAction", "Only STS GetCallerIdentity is served at /"));
        return;
      }
      if (!path.startsWith(PREFIX) || !path.endsWith("/invocations")) {
        error(exchange, 404, "UnknownOperationException", "Unknown operation " + exchange.getRequestMethod() + " "
            + path, null);
        return;
      }
      if (!exchange.getRequestMethod().equals("POST")) {
        error(exchange, 405, "UnknownOperationException", "Invoke needs POST", null);
        return;
      }
      String name = functionName(URLDecoder.decode(
          path.substring(PREFIX.length(), path.length() - "/invocations".length()), StandardCharsets.UTF_8));
      FunctionRuntime runtime = functions.runtime(name);
      if (runtime == null) {
        error(exchange, 404, "ResourceNotFoundException",
            "Function not found: arn:aws:lambda:::function:" + name, null);
        return;
      }
      String type = exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type");
      type = type == null ? "RequestResponse" : type;
      byte[] payload;
      try (InputStream in = exchange.getRequestBody()) {
        payload = in.readNBytes(MAX_SYNC_PAYLOAD + 1);
      }
      if (payload.length == 0) {
        payload = "{}".getBytes(StandardCharsets.UTF_8);
      }
      switch (type) {
        case "DryRun" -> dryRun(exchange, payload);
        case "Event" -> event(exchange, name, payload);
        case "RequestResponse" -> sync(exchange, runtime, payload);
        default -> error(exchange, 400, "InvalidParameterValueException",
            "X-Amz-Invocation-Type must be RequestResponse, Event or DryRun, was " + type, null);
      }
    } catch (RuntimeException e) {
      error(exchange, 500, "ServiceException", "emulator error: " + e, null);
    }
  }

  private void dryRun(HttpExchange exchange, byte[] payload) throws IOException {
    if (!validPayload(exchange, payload, MAX_SYNC_PAYLOAD)) {
      return;
    }
    exchange.sendResponseHeaders(204, -1);
  }

  private void event(HttpExchange exchange, String name, byte[] payload) throws IOException {
    if (!validPayload(exchange, payload, MAX_ASYNC_PAYLOAD)) {
      return;
    }
    String requestId = UUID.randomUUID().toString();
    if (!functions.async(name).enqueue(requestId, payload)) {
      error(exchange, 429, "TooManyRequestsException", "The function's event queue is full", "EventQueueFull");
      return;
    }
    exchange.getResponseHeaders().set("X-Amzn-RequestId", requestId);
    exchange.sendResponseHeaders(202, -1);
  }

  private void sync(HttpExchange exchange, FunctionRuntime runtime, byte[] payload) throws IOException {
    if (!validPayload(exchange, payload, MAX_SYNC_PAYLOAD)) {
      return;
    }
    String requestId = UUID.randomUUID().toString();
    if (!runtime.tryAcquire()) {
      runtime.throttled();
      exchange.getResponseHeaders().set("X-Amzn-RequestId", requestId);
      error(exchange, 429, "TooManyRequestsException", "Rate Exceeded.",
          "ReservedFunctionConcurrentInvocationLimitExceeded");
      return;
    }
    InvocationResult result;
    try {
      // The caller is answered as soon as the runtime responded; the slot is freed when the invocation ends.
      result = runtime.invoke(requestId, payload);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error(exchange, 500, "ServiceException", "emulator is shutting down", null);
      return;
    }
    var headers = exchange.getResponseHeaders();
    headers.set("X-Amzn-RequestId", requestId);
    headers.set("X-Amz-Executed-Version", "$LATEST");
    headers.set("Content-Type", "application/json");
    if (result.failed()) {
      headers.set("X-Amz-Function-Error", "Unhandled");
    }
    byte[] body = result.body();
    exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static void answer(HttpExchange exchange, LambdaControlPlane.Answer a) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", a.contentType());
    exchange.getResponseHeaders().set("X-Amzn-RequestId", UUID.randomUUID().toString());
    if (a.errorType() != null) {
      exchange.getResponseHeaders().set("X-Amzn-ErrorType", a.errorType());
    }
    exchange.sendResponseHeaders(a.status(), a.body().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(a.body());
    }
  }

  private static boolean validPayload(HttpExchange exchange, byte[] payload, int max) throws IOException {
    if (payload.length > max) {
      error(exchange, 413, "RequestTooLargeException", "Request must be smaller than " + max
          + " bytes for the invocation type", null);
      return false;
    }
    if (!Json.isJson(payload)) {
      error(exchange, 400, "InvalidRequestContentException", "Could not parse request body into json", null);
      return false;
    }
    return true;
  }

  /** Accepts a name, a partial ARN (name:qualifier) or a full ARN. */
  static String functionName(String nameOrArn) {
    String s = nameOrArn;
    int fn = s.indexOf(":function:");
    if (fn >= 0) {
      s = s.substring(fn + ":function:".length());
    }
    int colon = s.indexOf(':');
    return colon >= 0 ? s.substring(0, colon) : s;
  }

  private static void error(HttpExchange exchange, int status, String type, String message, String reason)
      throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("Type", "User");
    body.put("message", message);
    if (reason != null) {
      body.put("Reason", reason);
    }
    byte[] bytes = Json.bytes(body);
    exchange.getResponseHeaders().set("X-Amzn-ErrorType", type);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
