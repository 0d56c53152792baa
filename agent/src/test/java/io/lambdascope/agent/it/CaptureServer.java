package io.lambdascope.agent.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A collector for tests: decodes every OTLP request with the official opentelemetry-proto classes, and records
 * platform-event batches ({@code POST /v1/lambda/telemetry}) with their identity headers.
 */
public final class CaptureServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final List<ExportTraceServiceRequest> requests = new CopyOnWriteArrayList<>();
    private final List<String> headers = new CopyOnWriteArrayList<>();
    private final List<PlatformBatch> platformBatches = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile int status = 200;
    private volatile boolean silent;

    private CaptureServer(int port) throws IOException {
        // Load the protobuf classes now, so the first request is not slowed by class loading in this JVM.
        ExportTraceServiceRequest.parseFrom(ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder()
                        .addSpans(Span.newBuilder().setName("warm-up")))).build().toByteArray());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        server.createContext("/v1/traces", this::handle);
        server.createContext("/v1/lambda/telemetry", this::handlePlatform);
        server.setExecutor(executor);
        server.start();
    }

    public static CaptureServer start() throws IOException {
        return new CaptureServer(0);
    }

    public static CaptureServer start(int port) throws IOException {
        return new CaptureServer(port);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    /** Answer every request with this status (the body is still decoded and recorded only on 2xx). */
    public void respondWith(int code) {
        status = code;
    }

    /** Read requests but never answer them. */
    public void goSilent() {
        silent = true;
    }

    /** Answer again. */
    public void speak() {
        silent = false;
    }

    private void handlePlatform(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            if (silent) {
                closing.await(30, TimeUnit.SECONDS);
                return;
            }
            int code = status;
            if (code >= 200 && code < 300) {
                platformBatches.add(new PlatformBatch(exchange.getRequestHeaders(),
                        new String(body, java.nio.charset.StandardCharsets.UTF_8)));
            }
            exchange.sendResponseHeaders(code, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }

    /** The platform-event batches accepted, in arrival order. */
    public List<PlatformBatch> platformBatches() {
        return new ArrayList<>(platformBatches);
    }

    /** Every platform event accepted, as JSON objects, in arrival order. */
    public List<com.fasterxml.jackson.databind.JsonNode> platformEvents() throws IOException {
        List<com.fasterxml.jackson.databind.JsonNode> out = new ArrayList<>();
        for (PlatformBatch b : platformBatches) {
            for (com.fasterxml.jackson.databind.JsonNode e : new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(b.json)) {
                out.add(e);
            }
        }
        return out;
    }

    /** Waits until a platform event of {@code type} (and, if not null, {@code requestId}) arrived. */
    public com.fasterxml.jackson.databind.JsonNode awaitPlatformEvent(String type, String requestId,
                                                                       Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (com.fasterxml.jackson.databind.JsonNode e : platformEvents()) {
                if (type.equals(e.path("type").asText()) && (requestId == null
                        || requestId.equals(e.path("record").path("requestId").asText()))) {
                    return e;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + type + " for " + requestId + " within " + timeout + "; got "
                + platformEvents());
    }

    /** One accepted platform-event request. */
    public static final class PlatformBatch {
        public final com.sun.net.httpserver.Headers headers;
        public final String json;

        PlatformBatch(com.sun.net.httpserver.Headers headers, String json) {
            this.headers = headers;
            this.json = json;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            headers.add("Content-Type=" + exchange.getRequestHeaders().getFirst("Content-Type")
                    + " Authorization=" + exchange.getRequestHeaders().getFirst("Authorization"));
            if (silent) {
                closing.await(30, TimeUnit.SECONDS);
                return;
            }
            int code = status;
            byte[] response = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            if (code >= 200 && code < 300) {
                requests.add(ExportTraceServiceRequest.parseFrom(body));
            }
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(code, response.length == 0 ? -1 : response.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }

    public List<ExportTraceServiceRequest> requests() {
        return new ArrayList<>(requests);
    }

    public List<String> headers() {
        return new ArrayList<>(headers);
    }

    /** Every span received, with the resource it came with, in arrival order. */
    public List<Captured> spans() {
        List<Captured> out = new ArrayList<>();
        for (ExportTraceServiceRequest r : requests) {
            for (ResourceSpans rs : r.getResourceSpansList()) {
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                    for (Span s : ss.getSpansList()) {
                        out.add(new Captured(rs.getResource(), ss.getScope().getName(), s));
                    }
                }
            }
        }
        return out;
    }

    /** Waits until a span matching {@code condition} arrived; fails after {@code timeout}. */
    public Captured await(Predicate<Captured> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Captured c : spans()) {
                if (condition.test(c)) {
                    return c;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no matching span within " + timeout + "; got " + spans().size() + " spans: "
                + describe(spans()));
    }

    public static String describe(List<Captured> spans) {
        StringBuilder sb = new StringBuilder();
        for (Captured c : spans) {
            sb.append('\n').append(Otlp.attributes(c.span.getAttributesList()));
        }
        return sb.toString();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    public static final class Captured {
        public final Resource resource;
        public final String scope;
        public final Span span;

        Captured(Resource resource, String scope, Span span) {
            this.resource = resource;
            this.scope = scope;
            this.span = span;
        }

        public Object attr(String key) {
            return Otlp.attributes(span.getAttributesList()).get(key);
        }

        public Object resourceAttr(String key) {
            return Otlp.attributes(resource.getAttributesList()).get(key);
        }
    }
}
