package io.lambdascope.emulator.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Lambda Runtime API (2018-06-01) for one execution environment: the runtime interface client long-polls
 * {@code next}, then posts the invocation's {@code response} or {@code error}; {@code init/error} reports a failed
 * init. One server per environment keeps request routing trivial and matches Lambda, where each sandbox has its own.
 */
final class RuntimeApiServer implements AutoCloseable {
  private static final String PREFIX = "/2018-06-01/runtime/";

  private final HttpServer server;
  private final String functionArn;
  private final LinkedBlockingQueue<RuntimeInvocation> pending = new LinkedBlockingQueue<>(1);
  /** Completes at the first {@code next}: the end of init. Fails on {@code init/error}. */
  final CompletableFuture<Long> initDone = new CompletableFuture<>();
  private volatile RuntimeInvocation current;
  private volatile boolean closed;

  RuntimeApiServer(String host, String functionArn, ExecutorService executor) throws IOException {
    this.functionArn = functionArn;
    this.server = HttpServer.create(new InetSocketAddress(host, 0), 16);
    server.setExecutor(executor);
    server.createContext(PREFIX, this::handle);
    server.start();
  }

  /** host:port, the value of AWS_LAMBDA_RUNTIME_API. */
  String address() {
    InetSocketAddress a = server.getAddress();
    return a.getHostString() + ":" + a.getPort();
  }

  /** Queues the invocation for the runtime's next {@code next}. An environment runs one invocation at a time. */
  void hand(RuntimeInvocation invocation) {
    if (!pending.offer(invocation)) {
      throw new IllegalStateException("environment already has a pending invocation");
    }
  }

  /** Fails whatever the runtime holds: its process died. */
  void processExited(int exitCode) {
    String message = "{\"errorType\":\"Runtime.ExitError\",\"errorMessage\":\"RequestId: %s Error: Runtime exited with error: exit status %d\"}";
    RuntimeInvocation c = current;
    if (c != null) {
      c.outcome.complete(new RuntimeInvocation.RuntimeOutcome(RuntimeInvocation.RuntimeOutcome.Kind.EXITED,
          String.format(message, c.requestId, exitCode).getBytes(StandardCharsets.UTF_8), "Runtime.ExitError",
          System.nanoTime()));
    }
    RuntimeInvocation p = pending.poll();
    if (p != null) {
      p.outcome.complete(new RuntimeInvocation.RuntimeOutcome(RuntimeInvocation.RuntimeOutcome.Kind.EXITED,
          String.format(message, p.requestId, exitCode).getBytes(StandardCharsets.UTF_8), "Runtime.ExitError",
          System.nanoTime()));
    }
    initDone.completeExceptionally(new IllegalStateException("Runtime.ExitError: exit status " + exitCode));
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
      String method = exchange.getRequestMethod();
      if (method.equals("GET") && path.equals("invocation/next")) {
        next(exchange);
      } else if (method.equals("POST") && path.startsWith("invocation/") && path.endsWith("/response")) {
        complete(exchange, path.substring("invocation/".length(), path.length() - "/response".length()), false);
      } else if (method.equals("POST") && path.startsWith("invocation/") && path.endsWith("/error")) {
        complete(exchange, path.substring("invocation/".length(), path.length() - "/error".length()), true);
      } else if (method.equals("POST") && path.equals("init/error")) {
        byte[] body = readBody(exchange);
        initDone.completeExceptionally(new InitErrorException(
            header(exchange, "Lambda-Runtime-Function-Error-Type", "Runtime.InitError"), body));
        reply(exchange, 202, "{\"status\":\"OK\"}");
      } else {
        reply(exchange, 404, "{\"errorType\":\"NotFound\",\"errorMessage\":\"unknown Runtime API path\"}");
      }
    }
  }

  private void next(HttpExchange exchange) throws IOException {
    initDone.complete(System.nanoTime());
    RuntimeInvocation invocation = null;
    try {
      while (!closed && invocation == null) {
        invocation = pending.poll(200, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (invocation == null) {
      return; // shutting down: the process is being killed, leave the poll unanswered
    }
    current = invocation;
    invocation.handedOutNanos = System.nanoTime();
    var h = exchange.getResponseHeaders();
    h.set("Lambda-Runtime-Aws-Request-Id", invocation.requestId);
    h.set("Lambda-Runtime-Deadline-Ms", Long.toString(invocation.deadlineEpochMs));
    h.set("Lambda-Runtime-Invoked-Function-Arn", functionArn);
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
  }

  private void complete(HttpExchange exchange, String requestId, boolean error) throws IOException {
    byte[] body = readBody(exchange);
    RuntimeInvocation c = current;
    if (c == null || !c.requestId.equals(requestId)) {
      reply(exchange, 400, "{\"errorType\":\"InvalidRequestID\",\"errorMessage\":\"unknown request id\"}");
      return;
    }
    String errorType = error ? header(exchange, "Lambda-Runtime-Function-Error-Type", null) : null;
    if (error && errorType == null) {
      errorType = errorTypeFromBody(body);
    }
    current = null;
    c.outcome.complete(new RuntimeInvocation.RuntimeOutcome(
        error ? RuntimeInvocation.RuntimeOutcome.Kind.ERROR : RuntimeInvocation.RuntimeOutcome.Kind.RESPONSE,
        body, errorType, System.nanoTime()));
    reply(exchange, 202, "{\"status\":\"OK\"}");
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

  private static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    closed = true;
    server.stop(0);
  }

  /** The runtime reported an init error (e.g. the handler class does not exist). */
  static final class InitErrorException extends RuntimeException {
    final String errorType;
    final byte[] body;

    InitErrorException(String errorType, byte[] body) {
      super(errorType + ": " + new String(body, StandardCharsets.UTF_8), null, false, false);
      this.errorType = errorType;
      this.body = body;
    }
  }
}
