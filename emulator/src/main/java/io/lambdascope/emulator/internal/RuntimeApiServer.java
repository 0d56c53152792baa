package io.lambdascope.emulator.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;

/**
 * The HTTP side of {@code AWS_LAMBDA_RUNTIME_API} for one execution environment: the Runtime API (2018-06-01) the
 * runtime interface client polls, the Extensions API (2020-01-01) and the Telemetry API (2022-07-01), on one port as
 * on Lambda. It parses and answers; what the calls mean is the {@link Environment}'s business. One server per
 * environment keeps routing trivial and matches Lambda, where each sandbox has its own.
 */
final class RuntimeApiServer implements AutoCloseable {
  private static final String RUNTIME = "/2018-06-01/runtime/";
  private static final String EXTENSION = "/2020-01-01/extension/";
  private static final String TELEMETRY = "/2022-07-01/telemetry";
  static final String EXTENSION_ID = "Lambda-Extension-Identifier";
  private static final String EXTENSION_ERROR_TYPE = "Lambda-Extension-Function-Error-Type";
  private static final String RUNTIME_ERROR_TYPE = "Lambda-Runtime-Function-Error-Type";

  /** What the calls do, in the environment the server belongs to. */
  interface Environment {
    /** The runtime's {@code next}: blocks until an invocation is handed to it; null when the environment goes. */
    RuntimeInvocation nextInvocation() throws InterruptedException;

    /** The runtime's {@code response} or {@code error} for the invocation it holds. */
    void runtimeResult(String requestId, RuntimeInvocation.RuntimeOutcome outcome) throws ApiError;

    void runtimeInitError(String errorType, byte[] body);

    /** {@code register}: the answer's body; the extension's identifier goes in {@code identifier[0]}. */
    byte[] register(String name, byte[] body, boolean accountId, String[] identifier) throws ApiError;

    /** The extension's {@code next}: blocks until its next event; null when the environment goes. */
    byte[] extensionNext(String identifier) throws ApiError, InterruptedException;

    /** {@code init/error} or {@code exit/error}: the extension failed. */
    void extensionError(String identifier, String errorType) throws ApiError;

    void subscribe(String identifier, byte[] body) throws ApiError;
  }

  private final HttpServer server;
  private final Environment environment;

  RuntimeApiServer(String host, Environment environment, ExecutorService executor) throws IOException {
    this.environment = environment;
    this.server = HttpServer.create(new InetSocketAddress(host, 0), 16);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** host:port, the value of AWS_LAMBDA_RUNTIME_API. */
  String address() {
    InetSocketAddress a = server.getAddress();
    return a.getHostString() + ":" + a.getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      try {
        if (path.startsWith(RUNTIME)) {
          runtime(exchange, method, path.substring(RUNTIME.length()));
        } else if (path.startsWith(EXTENSION)) {
          extension(exchange, method, path.substring(EXTENSION.length()));
        } else if ((path.equals(TELEMETRY) || path.equals(TELEMETRY + "/")) && method.equals("PUT")) {
          environment.subscribe(exchange.getRequestHeaders().getFirst(EXTENSION_ID), readBody(exchange));
          reply(exchange, 200, "\"OK\"".getBytes(StandardCharsets.UTF_8));
        } else {
          throw new ApiError(404, "NotFound", "unknown path: " + method + " " + path);
        }
      } catch (ApiError e) {
        reply(exchange, e.status, e.body());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void runtime(HttpExchange exchange, String method, String path) throws IOException, ApiError,
      InterruptedException {
    if (method.equals("GET") && path.equals("invocation/next")) {
      RuntimeInvocation invocation = environment.nextInvocation();
      if (invocation == null) {
        return; // the environment is going away: its processes are being stopped, leave the poll unanswered
      }
      var h = exchange.getResponseHeaders();
      h.set("Lambda-Runtime-Aws-Request-Id", invocation.requestId);
      h.set("Lambda-Runtime-Deadline-Ms", Long.toString(invocation.deadlineEpochMs));
      h.set("Lambda-Runtime-Invoked-Function-Arn", invocation.functionArn);
      h.set("Lambda-Runtime-Trace-Id", invocation.traceId);
      // The runtime client's native code crashes the JVM when these are missing: send them, empty.
      h.set("Lambda-Runtime-Client-Context", "");
      h.set("Lambda-Runtime-Cognito-Identity", "");
      h.set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, invocation.payload.length == 0 ? -1 : invocation.payload.length);
      if (invocation.payload.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(invocation.payload);
        }
      }
    } else if (method.equals("POST") && path.startsWith("invocation/")
        && (path.endsWith("/response") || path.endsWith("/error"))) {
      long received = System.nanoTime();
      boolean error = path.endsWith("/error");
      String requestId = path.substring("invocation/".length(), path.lastIndexOf('/'));
      byte[] body = readBody(exchange);
      String errorType = error ? header(exchange, RUNTIME_ERROR_TYPE, null) : null;
      if (error && errorType == null) {
        errorType = errorTypeFromBody(body);
      }
      environment.runtimeResult(requestId, new RuntimeInvocation.RuntimeOutcome(
          error ? RuntimeInvocation.RuntimeOutcome.Kind.ERROR : RuntimeInvocation.RuntimeOutcome.Kind.RESPONSE,
          body, errorType, received, System.nanoTime()));
      reply(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8));
    } else if (method.equals("POST") && path.equals("init/error")) {
      byte[] body = readBody(exchange);
      environment.runtimeInitError(header(exchange, RUNTIME_ERROR_TYPE, "Runtime.InitError"), body);
      reply(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8));
    } else {
      throw new ApiError(404, "NotFound", "unknown Runtime API path: " + method + " " + path);
    }
  }

  private void extension(HttpExchange exchange, String method, String path) throws IOException, ApiError,
      InterruptedException {
    String identifier = exchange.getRequestHeaders().getFirst(EXTENSION_ID);
    if (method.equals("POST") && path.equals("register")) {
      String accept = exchange.getRequestHeaders().getFirst("Lambda-Extension-Accept-Feature");
      String[] id = new String[1];
      byte[] answer = environment.register(exchange.getRequestHeaders().getFirst("Lambda-Extension-Name"),
          readBody(exchange), accept != null && accept.contains("accountId"), id);
      exchange.getResponseHeaders().set(EXTENSION_ID, id[0]);
      reply(exchange, 200, answer);
    } else if (method.equals("GET") && path.equals("event/next")) {
      byte[] event = environment.extensionNext(identifier);
      if (event == null) {
        return; // the environment is going away
      }
      exchange.getResponseHeaders().set(EXTENSION_ID, identifier);
      exchange.getResponseHeaders().set("Lambda-Extension-Event-Identifier", java.util.UUID.randomUUID().toString());
      reply(exchange, 200, event);
    } else if (method.equals("POST") && (path.equals("init/error") || path.equals("exit/error"))) {
      String errorType = header(exchange, EXTENSION_ERROR_TYPE, null);
      readBody(exchange);
      if (errorType == null) {
        throw ApiError.forbidden("Extension.MissingHeader", "Missing " + EXTENSION_ERROR_TYPE + " header");
      }
      environment.extensionError(identifier, errorType);
      exchange.getResponseHeaders().set(EXTENSION_ID, identifier);
      reply(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8));
    } else {
      throw new ApiError(404, "NotFound", "unknown Extensions API path: " + method + " " + path);
    }
  }

  private static String errorTypeFromBody(byte[] body) {
    try {
      var node = Json.MAPPER.readTree(body);
      return node != null && node.hasNonNull("errorType") ? node.get("errorType").asText() : "Unhandled";
    } catch (IOException e) {
      return "Unhandled";
    }
  }

  private static String header(HttpExchange exchange, String name, String fallback) {
    String v = exchange.getRequestHeaders().getFirst(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  private static byte[] readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      return in.readAllBytes();
    }
  }

  private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
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
