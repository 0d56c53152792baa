package io.lambdascope.agent.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Just enough of the Lambda Runtime API (2018-06-01) for the official runtime interface client: hands out queued
 * events on {@code next} (with every header its native client needs) and records responses and errors.
 */
final class RuntimeApiDouble implements AutoCloseable {
    private static final String PREFIX = "/2018-06-01/runtime/";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final BlockingQueue<String[]> events = new LinkedBlockingQueue<>();
    private final Map<String, String> responses = new ConcurrentHashMap<>();
    private final Map<String, String> errors = new ConcurrentHashMap<>();

    RuntimeApiDouble() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.createContext(PREFIX, this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    void enqueue(String requestId, String traceHeader, String json) {
        events.add(new String[] {requestId, traceHeader, json});
    }

    /** The function's response body for {@code requestId}, waiting up to {@code seconds}. */
    String awaitResponse(String requestId, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String r = responses.get(requestId);
            if (r != null) {
                return r;
            }
            String e = errors.get(requestId);
            if (e != null) {
                throw new AssertionError("the function failed: " + e);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no response for " + requestId);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
            if (exchange.getRequestMethod().equals("GET") && path.equals("invocation/next")) {
                String[] event = events.poll(60, TimeUnit.SECONDS);
                if (event == null) {
                    exchange.sendResponseHeaders(500, -1);
                    return;
                }
                byte[] payload = event[2].getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", event[0]);
                exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms",
                        Long.toString(System.currentTimeMillis() + 30_000));
                exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn",
                        "arn:aws:lambda:eu-west-1:123456789012:function:" + FunctionProcess.FUNCTION_NAME);
                exchange.getResponseHeaders().add("Lambda-Runtime-Trace-Id", event[1]);
                // The runtime client's native code crashes the JVM without these three.
                exchange.getResponseHeaders().add("Lambda-Runtime-Client-Context", "");
                exchange.getResponseHeaders().add("Lambda-Runtime-Cognito-Identity", "");
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, payload.length);
                exchange.getResponseBody().write(payload);
            } else if (path.startsWith("invocation/") && path.endsWith("/response")) {
                responses.put(path.substring(11, path.length() - 9), new String(body, StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(202, -1);
            } else if (path.startsWith("invocation/") && path.endsWith("/error")) {
                errors.put(path.substring(11, path.length() - 6), new String(body, StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(202, -1);
            } else if (path.equals("init/error")) {
                errors.put("init", new String(body, StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(202, -1);
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
