package io.lambdascope.agent.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lambda's local APIs for agent tests, on one loopback port: the Runtime API (2018-06-01, with every header the
 * official runtime client's native code needs), the Extensions API (2020-01-01) and the Telemetry API
 * (2022-07-01), sequenced as AWS documents them: registration is open until init ends, init ends when the runtime
 * and every registered extension called {@code next}, an invocation ends when the runtime and every
 * INVOKE-registered extension called {@code next} again, and only then may the next one start. Platform events go
 * to the subscribed listener ({@code sandbox.localdomain} is this machine's loopback) in batches; the report of an
 * invocation is held until the next one starts or {@link #shutdown} is called, as Lambda delivers it after a
 * thaw. It freezes nothing: the emulator does that. It records when each {@code next} came, so tests can measure
 * the post-runtime phase.
 */
public final class LambdaApiDouble implements AutoCloseable {
    public static final String ACCOUNT = "123456789012";
    public static final String FUNCTION_ARN = "arn:aws:lambda:eu-west-1:" + ACCOUNT + ":function:"
            + FunctionProcess.FUNCTION_NAME;
    private static final Pattern URI_PATTERN = Pattern.compile("\"URI\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "lambda-api-double");
        t.setDaemon(true);
        return t;
    });
    private final Thread deliverer;
    private final long createdNanos = System.nanoTime();

    // All state below is guarded by this.
    private final Map<String, Extension> extensions = new LinkedHashMap<>();
    private final Deque<Invocation> queued = new ArrayDeque<>();
    private final Map<String, Invocation> invocations = new LinkedHashMap<>();
    private final List<String> pendingEvents = new ArrayList<>();
    private final List<String> heldEvents = new ArrayList<>();
    private final List<String> subscriptionBodies = new ArrayList<>();
    private final List<String> registrationRefusals = new ArrayList<>();
    private Invocation current;
    private boolean runtimeInitDone;
    private long runtimeFirstNextNanos;
    private boolean initEnded;
    private long initEndedNanos;
    private boolean invocationCounted;
    private String listenerUri;
    private boolean closed;

    private final List<String> deliveredBatches = new CopyOnWriteArrayList<>();
    private final List<Integer> deliveryStatuses = new CopyOnWriteArrayList<>();
    private volatile boolean accountFeature = true;
    private volatile boolean refuseSubscriptions;
    private volatile boolean refuseRegistrations;
    /** Guarded by this: a batch is on its way to the listener. */
    private boolean delivering;

    public LambdaApiDouble() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
        synchronized (this) {
            pendingEvents.add(event("platform.initStart",
                    "{\"initializationType\":\"on-demand\",\"phase\":\"init\",\"runtimeVersion\":\"java:17.v1\"}"));
        }
        deliverer = new Thread(this::deliverLoop, "lambda-api-double-telemetry");
        deliverer.setDaemon(true);
        deliverer.start();
    }

    /** The value of {@code AWS_LAMBDA_RUNTIME_API}. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Whether register honours {@code Lambda-Extension-Accept-Feature: accountId} (Lambda does). */
    public void accountFeature(boolean honoured) {
        accountFeature = honoured;
    }

    /** Whether the Extensions API refuses registrations (403), as it does once init has ended. */
    public void refuseRegistrations(boolean refuse) {
        refuseRegistrations = refuse;
    }

    /** Whether the Telemetry API refuses subscriptions (400), as for a request it cannot honour. */
    public void refuseSubscriptions(boolean refuse) {
        refuseSubscriptions = refuse;
    }

    /** Queues an invocation; it starts once init has ended and the previous one ended. */
    public synchronized void enqueue(String requestId, String traceHeader, String json) {
        enqueue(requestId, traceHeader, json, 30_000, null);
    }

    /**
     * Queues an invocation with its timeout; {@code extensionEvent}, when not null, replaces the INVOKE event the
     * extensions get (to hand them a malformed one).
     */
    public synchronized void enqueue(String requestId, String traceHeader, String json, long timeoutMs,
                                     String extensionEvent) {
        Invocation inv = new Invocation(requestId, traceHeader, json, timeoutMs, extensionEvent);
        queued.add(inv);
        invocations.put(requestId, inv);
        notifyAll();
    }

    /** The function's response body for {@code requestId}, waiting up to {@code seconds}. */
    public String awaitResponse(String requestId, int seconds) throws InterruptedException {
        Invocation inv = invocation(requestId);
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        synchronized (this) {
            while (inv.response == null && inv.error == null) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    throw new AssertionError("no response for " + requestId);
                }
                wait(left);
            }
            if (inv.error != null) {
                throw new AssertionError("the function failed: " + inv.error);
            }
            return inv.response;
        }
    }

    /** Waits until the invocation ended (runtime and extensions called next); returns it. */
    public Invocation awaitEnded(String requestId, int seconds) throws InterruptedException {
        Invocation inv = invocation(requestId);
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        synchronized (this) {
            while (inv.endedNanos == 0) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    throw new AssertionError("invocation " + requestId + " did not end: " + inv);
                }
                wait(left);
            }
            return inv;
        }
    }

    /** Waits until init has ended; the time since this double was created, in ms. */
    public synchronized long awaitInitEnded(int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!initEnded) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                throw new AssertionError("init did not end; extensions: " + extensions.values());
            }
            wait(left);
        }
        return (initEndedNanos - createdNanos) / 1_000_000L;
    }

    public synchronized long initEndedNanos() {
        return initEndedNanos;
    }

    public synchronized long runtimeFirstNextNanos() {
        return runtimeFirstNextNanos;
    }

    public synchronized Invocation invocation(String requestId) {
        Invocation inv = invocations.get(requestId);
        if (inv == null) {
            throw new AssertionError("no invocation " + requestId);
        }
        return inv;
    }

    public synchronized List<Extension> extensions() {
        return new ArrayList<>(extensions.values());
    }

    public synchronized List<String> subscriptions() {
        return new ArrayList<>(subscriptionBodies);
    }

    public synchronized List<String> registrationRefusals() {
        return new ArrayList<>(registrationRefusals);
    }

    /** The JSON arrays the listener accepted (2xx), in order. */
    public List<String> deliveredBatches() {
        return new ArrayList<>(deliveredBatches);
    }

    public List<Integer> deliveryStatuses() {
        return new ArrayList<>(deliveryStatuses);
    }

    /** The subscribed listener's URI as this machine reaches it, or null. */
    public synchronized String listenerUri() {
        return listenerUri;
    }

    /** Spin-down: what Lambda held (the last report) goes to the listener now. */
    public synchronized void shutdown() {
        pendingEvents.addAll(heldEvents);
        heldEvents.clear();
        notifyAll();
    }

    /** Waits until nothing is left to deliver to the listener (or {@code seconds}). */
    public void awaitDelivered(int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        synchronized (this) {
            while (!pendingEvents.isEmpty() || delivering) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    throw new AssertionError("telemetry not delivered: " + pendingEvents);
                }
                wait(left);
            }
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (path.startsWith("/2018-06-01/runtime/")) {
                runtime(exchange, method, path.substring("/2018-06-01/runtime/".length()), body);
            } else if (path.equals("/2020-01-01/extension/register") && method.equals("POST")) {
                register(exchange, body);
            } else if (path.equals("/2020-01-01/extension/event/next") && method.equals("GET")) {
                extensionNext(exchange);
            } else if (path.equals("/2022-07-01/telemetry") && method.equals("PUT")) {
                subscribe(exchange, body);
            } else {
                respond(exchange, 404, "");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }

    private void runtime(HttpExchange exchange, String method, String path, byte[] body)
            throws IOException, InterruptedException {
        if (method.equals("GET") && path.equals("invocation/next")) {
            Invocation inv;
            synchronized (this) {
                long now = System.nanoTime();
                if (!runtimeInitDone) {
                    runtimeInitDone = true;
                    runtimeFirstNextNanos = now;
                    pendingEvents.add(event("platform.initRuntimeDone",
                            "{\"initializationType\":\"on-demand\",\"phase\":\"init\",\"status\":\"success\"}"));
                    checkInitEnded(now);
                } else if (current != null && current.runtimeNextNanos == 0) {
                    current.runtimeNextNanos = now;
                    pendingEvents.add(event("platform.runtimeDone", "{\"requestId\":\"" + current.requestId
                            + "\",\"status\":\"" + (current.error == null ? "success" : "error")
                            + "\",\"metrics\":{\"durationMs\":" + millis(now - current.startedNanos) + "}}"));
                    checkInvocationEnded(now);
                }
                notifyAll();
                long deadline = System.nanoTime() + 120_000_000_000L;
                while (!(initEnded && current == null && !queued.isEmpty()) && !closed) {
                    long left = (deadline - System.nanoTime()) / 1_000_000L;
                    if (left <= 0) {
                        respond(exchange, 500, "no event");
                        return;
                    }
                    wait(left);
                }
                if (closed) {
                    respond(exchange, 500, "closed");
                    return;
                }
                inv = queued.poll();
                start(inv);
            }
            byte[] payload = inv.payload.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", inv.requestId);
            exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms", Long.toString(inv.deadlineMs));
            exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn", FUNCTION_ARN);
            exchange.getResponseHeaders().add("Lambda-Runtime-Trace-Id", inv.traceHeader);
            // The runtime client's native code crashes the JVM without these three.
            exchange.getResponseHeaders().add("Lambda-Runtime-Client-Context", "");
            exchange.getResponseHeaders().add("Lambda-Runtime-Cognito-Identity", "");
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, payload.length);
            exchange.getResponseBody().write(payload);
        } else if (path.startsWith("invocation/") && (path.endsWith("/response") || path.endsWith("/error"))) {
            boolean error = path.endsWith("/error");
            String id = path.substring("invocation/".length(), path.lastIndexOf('/'));
            synchronized (this) {
                Invocation inv = invocations.get(id);
                if (inv != null) {
                    inv.responseNanos = System.nanoTime();
                    if (error) {
                        inv.error = new String(body, StandardCharsets.UTF_8);
                    } else {
                        inv.response = new String(body, StandardCharsets.UTF_8);
                    }
                }
                notifyAll();
            }
            respond(exchange, 202, "");
        } else if (path.equals("init/error")) {
            synchronized (this) {
                registrationRefusals.add("init/error: " + new String(body, StandardCharsets.UTF_8));
            }
            respond(exchange, 202, "");
        } else {
            respond(exchange, 404, "");
        }
    }

    private void register(HttpExchange exchange, byte[] body) throws IOException {
        String name = exchange.getRequestHeaders().getFirst("Lambda-Extension-Name");
        String feature = exchange.getRequestHeaders().getFirst("Lambda-Extension-Accept-Feature");
        String events = new String(body, StandardCharsets.UTF_8);
        String id;
        synchronized (this) {
            if (initEnded || refuseRegistrations) {
                registrationRefusals.add(name + (initEnded ? ": init had ended" : ": refused"));
                respond(exchange, 403, "{\"errorType\":\"Extension.RegistrationClosed\"}");
                return;
            }
            if (name == null || name.isEmpty()) {
                respond(exchange, 400, "{\"errorType\":\"Extension.MissingName\"}");
                return;
            }
            id = UUID.randomUUID().toString();
            extensions.put(id, new Extension(id, name, events, feature));
        }
        exchange.getResponseHeaders().add("Lambda-Extension-Identifier", id);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        String account = accountFeature && "accountId".equals(feature) ? ",\"accountId\":\"" + ACCOUNT + "\"" : "";
        respond(exchange, 200, "{\"functionName\":\"" + FunctionProcess.FUNCTION_NAME
                + "\",\"functionVersion\":\"7\",\"handler\":\"h\"" + account + "}");
    }

    private void extensionNext(HttpExchange exchange) throws IOException, InterruptedException {
        String id = exchange.getRequestHeaders().getFirst("Lambda-Extension-Identifier");
        String event;
        synchronized (this) {
            Extension ext = id == null ? null : extensions.get(id);
            if (ext == null) {
                respond(exchange, 403, "{\"errorType\":\"Extension.UnknownExtensionIdentifier\"}");
                return;
            }
            long now = System.nanoTime();
            ext.nextCalls.add(now);
            if (!ext.initDone) {
                ext.initDone = true;
                checkInitEnded(now);
            } else if (current != null && current.waitingFor.remove(ext.id)) {
                current.extensionNextNanos.put(ext.name, now);
                checkInvocationEnded(now);
            }
            notifyAll();
            while (ext.pending == null && !closed) {
                wait(1_000);
            }
            if (closed) {
                respond(exchange, 500, "closed");
                return;
            }
            event = ext.pending;
            ext.pending = null;
        }
        exchange.getResponseHeaders().add("Lambda-Extension-Event-Identifier", UUID.randomUUID().toString());
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        respond(exchange, 200, event);
    }

    private void subscribe(HttpExchange exchange, byte[] body) throws IOException {
        String json = new String(body, StandardCharsets.UTF_8);
        String id = exchange.getRequestHeaders().getFirst("Lambda-Extension-Identifier");
        Matcher m = URI_PATTERN.matcher(json);
        synchronized (this) {
            if (id == null || !extensions.containsKey(id) || !m.find() || refuseSubscriptions) {
                respond(exchange, 400, "{\"errorType\":\"Telemetry.InvalidRequest\"}");
                return;
            }
            subscriptionBodies.add(json);
            URI uri = URI.create(m.group(1));
            // Inside a Lambda sandbox the name resolves to the sandbox; here, to this machine.
            listenerUri = "http://127.0.0.1:" + uri.getPort() + uri.getRawPath();
            notifyAll();
        }
        respond(exchange, 200, "\"OK\"");
    }

    private void start(Invocation inv) {
        long now = System.nanoTime();
        inv.startedNanos = now;
        inv.deadlineMs = System.currentTimeMillis() + inv.timeoutMs;
        current = inv;
        pendingEvents.addAll(heldEvents);
        heldEvents.clear();
        pendingEvents.add(event("platform.start", "{\"requestId\":\"" + inv.requestId + "\",\"version\":\"7\"}"));
        String invokeEvent = inv.extensionEvent != null ? inv.extensionEvent
                : "{\"eventType\":\"INVOKE\",\"deadlineMs\":" + inv.deadlineMs + ",\"requestId\":\"" + inv.requestId
                + "\",\"invokedFunctionArn\":\"" + FUNCTION_ARN + "\",\"tracing\":{\"type\":\"X-Amzn-Trace-Id\","
                + "\"value\":\"" + inv.traceHeader + "\"}}";
        for (Extension ext : extensions.values()) {
            if (ext.events.contains("INVOKE")) {
                ext.pending = invokeEvent;
                inv.waitingFor.add(ext.id);
            }
        }
        notifyAll();
    }

    private void checkInitEnded(long now) {
        if (initEnded || !runtimeInitDone) {
            return;
        }
        for (Extension ext : extensions.values()) {
            if (!ext.initDone) {
                return;
            }
        }
        initEnded = true;
        initEndedNanos = now;
        pendingEvents.add(event("platform.initReport", "{\"initializationType\":\"on-demand\",\"phase\":\"init\","
                + "\"status\":\"success\",\"metrics\":{\"durationMs\":" + millis(now - createdNanos) + "}}"));
    }

    private void checkInvocationEnded(long now) {
        Invocation inv = current;
        if (inv == null || inv.runtimeNextNanos == 0 || !inv.waitingFor.isEmpty()) {
            return;
        }
        inv.endedNanos = now;
        current = null;
        String init = invocationCounted ? "" : ",\"initDurationMs\":" + millis(initEndedNanos - createdNanos);
        invocationCounted = true;
        double duration = millis(now - inv.startedNanos);
        // Held: Lambda freezes the environment now and delivers the report after the next thaw.
        heldEvents.add(event("platform.report", "{\"requestId\":\"" + inv.requestId + "\",\"status\":\""
                + (inv.error == null ? "success" : "error") + "\",\"metrics\":{\"durationMs\":" + duration
                + ",\"billedDurationMs\":" + (long) Math.ceil(duration) + ",\"memorySizeMB\":512,"
                + "\"maxMemoryUsedMB\":90" + init + "}}"));
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }

    private static String event(String type, String record) {
        return "{\"time\":\"" + Instant.now() + "\",\"type\":\"" + type + "\",\"record\":" + record + "}";
    }

    /** Batches what is pending every 25 ms (the subscription's buffering) and POSTs it, retrying on failure. */
    private void deliverLoop() {
        while (true) {
            List<String> batch;
            String uri;
            synchronized (this) {
                while ((pendingEvents.isEmpty() || listenerUri == null) && !closed) {
                    try {
                        wait(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                delivering = true;
                uri = listenerUri;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                batch = new ArrayList<>(pendingEvents);
                pendingEvents.clear();
            }
            String body = "[" + String.join(",", batch) + "]";
            while (true) {
                int status = post(uri, body);
                if (status >= 0) {
                    deliveryStatuses.add(status);
                }
                if (status / 100 == 2) {
                    deliveredBatches.add(body);
                    break;
                }
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                }
                try {
                    Thread.sleep(200); // Lambda retries with back-off
                } catch (InterruptedException e) {
                    return;
                }
            }
            synchronized (this) {
                delivering = false;
                notifyAll();
            }
        }
    }

    /** POSTs {@code body}; the status, or -1 when the listener could not be reached. */
    static int post(String uri, String body) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL(uri).openConnection();
            c.setConnectTimeout(2_000);
            c.setReadTimeout(120_000);
            c.setDoOutput(true);
            c.setRequestMethod("POST");
            c.setRequestProperty("Content-Type", "application/json");
            try (OutputStream out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            if (in != null) {
                in.readAllBytes();
                in.close();
            }
            return status;
        } catch (IOException e) {
            return -1;
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        server.stop(0);
        executor.shutdownNow();
        deliverer.interrupt();
    }

    /** A registered extension. */
    public static final class Extension {
        public final String id;
        public final String name;
        public final String events;
        public final String acceptFeature;
        /** When each of its next calls came (System.nanoTime). */
        public final List<Long> nextCalls = new CopyOnWriteArrayList<>();
        boolean initDone;
        String pending;

        Extension(String id, String name, String events, String acceptFeature) {
            this.id = id;
            this.name = name;
            this.events = events;
            this.acceptFeature = acceptFeature;
        }

        @Override
        public String toString() {
            return name + " " + events + " next calls " + nextCalls.size();
        }
    }

    /** One invocation and when its steps happened (System.nanoTime). */
    public static final class Invocation {
        public final String requestId;
        final String traceHeader;
        final String payload;
        final long timeoutMs;
        final String extensionEvent;
        final List<String> waitingFor = new ArrayList<>();
        public final Map<String, Long> extensionNextNanos = new LinkedHashMap<>();
        public volatile long deadlineMs;
        public volatile long startedNanos;
        public volatile long responseNanos;
        public volatile long runtimeNextNanos;
        public volatile long endedNanos;
        volatile String response;
        volatile String error;

        Invocation(String requestId, String traceHeader, String payload, long timeoutMs, String extensionEvent) {
            this.requestId = requestId;
            this.traceHeader = traceHeader;
            this.payload = payload;
            this.timeoutMs = timeoutMs;
            this.extensionEvent = extensionEvent;
        }

        /** From the runtime's response to the last extension's next: the post-runtime phase, in ms. */
        public long postRuntimeMillis() {
            return (endedNanos - responseNanos) / 1_000_000L;
        }

        @Override
        public String toString() {
            return requestId + " started=" + (startedNanos != 0) + " response=" + (responseNanos != 0)
                    + " runtimeNext=" + (runtimeNextNanos != 0) + " extensions pending=" + waitingFor;
        }
    }
}
