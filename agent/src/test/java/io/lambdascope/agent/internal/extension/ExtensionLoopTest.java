package io.lambdascope.agent.internal.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lambdascope.agent.internal.AgentSettings;
import io.lambdascope.agent.internal.export.Dispatcher;
import io.lambdascope.agent.internal.export.OtlpHttpClient;
import io.lambdascope.agent.internal.export.Resolver;
import io.lambdascope.agent.internal.export.SpanEncoder;
import io.lambdascope.agent.internal.invocation.Invocation;
import io.lambdascope.agent.it.CaptureServer;
import io.lambdascope.agent.it.LambdaApiDouble;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The extension's loop against a double of Lambda's APIs, with a runtime played in this JVM: whatever fails
 * (the collector refusing, silent, unresolvable, a TLS handshake that never ends, the listener, an exception or a
 * hang inside the extension, a malformed event), the extension calls {@code next} within the flush budget after the
 * runtime's response. The budget is 300 ms; the slack is for a loaded test machine, not for the extension.
 */
class ExtensionLoopTest {
    private static final long FLUSH_MILLIS = 300;
    private static final long SLACK_MILLIS = 1_500;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private final List<LambdaApiDouble> apis = new ArrayList<>();

    private LambdaApiDouble api() throws IOException {
        LambdaApiDouble api = new LambdaApiDouble();
        open.add(api);
        apis.add(api);
        return api;
    }

    private CaptureServer collector() throws IOException {
        CaptureServer c = CaptureServer.start();
        open.add(c);
        return c;
    }

    private ServerSocket silentSocket() throws IOException {
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        open.add(s);
        return s;
    }

    private static Map<String, String> env(LambdaApiDouble api) {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_LAMBDA_RUNTIME_API", api.address());
        env.put("LAMBDASCOPE_FLUSH_TIMEOUT", FLUSH_MILLIS + "ms");
        env.put("AWS_LAMBDA_FUNCTION_NAME", "orders-fn");
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "7");
        env.put("AWS_REGION", "eu-west-1");
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "2026/11/29/[7]abc");
        return env;
    }

    /** Starts an extension and waits until it registered and called next: init can only end after that. */
    private LambdaExtension extension(Map<String, String> env, String endpoint, Resolver resolver,
                                      boolean handlerHasHooks) throws InterruptedException {
        AgentSettings s = AgentSettings.from(env);
        Dispatcher d = new Dispatcher(new OtlpHttpClient(endpoint, null, resolver), s.maxBufferedSpans(),
                s.maxBufferedEvents(), s.batch(), s.batchMaxAgeMs(), System::currentTimeMillis);
        d.spans().setResource(new byte[0], SpanEncoder.scope("test"), "orders-fn");
        LambdaExtension ext = new LambdaExtension(s, d, env, false);
        ext.expectHandOver(handlerHasHooks);
        Thread t = new Thread(ext, "test-extension");
        t.setDaemon(true);
        t.start();
        LambdaApiDouble api = apis.get(apis.size() - 1);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (api.extensions().isEmpty() || api.extensions().get(0).nextCalls.isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the extension did not register and call next");
            Thread.sleep(5);
        }
        return ext;
    }

    /** Runs {@code n} invocations; returns each one's post-runtime phase (response to the extension's next), ms. */
    private static long[] invoke(LambdaApiDouble api, int n, String prefix) throws Exception {
        for (int i = 1; i <= n; i++) {
            api.enqueue(prefix + i, "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1", "{}");
        }
        long[] post = new long[n];
        for (int i = 1; i <= n; i++) {
            LambdaApiDouble.Invocation inv = api.awaitEnded(prefix + i, 30);
            assertTrue(inv.extensionNextNanos.containsKey("lambdascope"), "the extension took part in " + inv);
            post[i - 1] = inv.postRuntimeMillis();
        }
        return post;
    }

    private static void assertInTime(long[] postRuntime) {
        for (long ms : postRuntime) {
            assertTrue(ms <= FLUSH_MILLIS + SLACK_MILLIS, "next came " + ms + " ms after the response");
        }
    }

    @Test
    void healthy() throws Exception {
        LambdaApiDouble api = api();
        CaptureServer collector = collector();
        LambdaExtension ext = extension(env(api), collector.endpoint(), new Resolver(Resolver.SYSTEM), true);
        FakeRuntime.start(api.address(), ext.outbox(), FakeRuntime::finished);
        assertInTime(invoke(api, 3, "ok-"));
        assertEquals(List.of("ok-1", "ok-2", "ok-3"), ids(collector));
        assertTrue(ext.subscribed());

        LambdaApiDouble.Extension registered = api.extensions().get(0);
        assertEquals("lambdascope", registered.name);
        assertEquals("{\"events\":[\"INVOKE\"]}", registered.events, "internal extensions take INVOKE only");
        assertEquals("accountId", registered.acceptFeature);
        String subscription = api.subscriptions().get(0);
        assertTrue(subscription.contains("\"URI\":\"http://sandbox.localdomain:" + ext.listener().port()
                + "/lambdascope/telemetry\""), subscription);
        assertTrue(subscription.contains("\"types\":[\"platform\"]"), subscription);
        assertTrue(subscription.contains("\"schemaVersion\":\"2022-12-13\""), subscription);

        // A report arrives after its invocation ended (in the next one, or at spin-down): the last one comes
        // with the shutdown flush.
        api.shutdown();
        ext.shutdownFlush();
        for (String id : List.of("ok-1", "ok-2", "ok-3")) {
            collector.awaitPlatformEvent("platform.report", id, Duration.ofSeconds(10));
        }
        CaptureServer.PlatformBatch batch = collector.platformBatches().get(0);
        assertEquals("orders-fn", batch.headers.getFirst("X-Lambdascope-Function"));
        assertEquals("7", batch.headers.getFirst("X-Lambdascope-Function-Version"));
        assertEquals(LambdaApiDouble.ACCOUNT, batch.headers.getFirst("X-Lambdascope-Account"));
        assertEquals("eu-west-1", batch.headers.getFirst("X-Lambdascope-Region"));
        assertEquals("2026/11/29/[7]abc", batch.headers.getFirst("X-Lambdascope-Instance"));
        assertEquals("application/json", batch.headers.getFirst("Content-Type"));
        List<String> types = new ArrayList<>();
        for (JsonNode e : collector.platformEvents()) {
            types.add(e.get("type").asText());
        }
        assertTrue(types.containsAll(List.of("platform.initStart", "platform.initRuntimeDone",
                "platform.initReport", "platform.start", "platform.runtimeDone", "platform.report")), types.toString());
    }

    @Test
    void collectorRefusing() throws Exception {
        LambdaApiDouble api = api();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        LambdaExtension ext = extension(env(api), "http://127.0.0.1:" + closedPort, new Resolver(Resolver.SYSTEM),
                true);
        FakeRuntime.start(api.address(), ext.outbox(), FakeRuntime::finished);
        assertInTime(invoke(api, 5, "refused-"));
    }

    @Test
    void collectorSilentCostsTheBudgetUntilTheBreakerOpens() throws Exception {
        LambdaApiDouble api = api();
        ServerSocket silent = silentSocket();
        LambdaExtension ext = extension(env(api), "http://127.0.0.1:" + silent.getLocalPort(),
                new Resolver(Resolver.SYSTEM), true);
        FakeRuntime.start(api.address(), ext.outbox(), FakeRuntime::finished);
        long[] post = invoke(api, 5, "silent-");
        assertInTime(post);
        for (int i = 0; i < 3; i++) {
            assertTrue(post[i] >= FLUSH_MILLIS - 50, "waited for the silent collector: " + post[i]);
        }
        // Open after three failures: the next invocations do not try, so they cost far less than the budget.
        assertTrue(post[3] < FLUSH_MILLIS - 50 && post[4] < FLUSH_MILLIS - 50,
                "breaker open: " + post[3] + ", " + post[4]);
    }

    @Test
    void dnsThatNeverAnswers() throws Exception {
        LambdaApiDouble api = api();
        CountDownLatch never = new CountDownLatch(1);
        Resolver stuck = new Resolver(host -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            return InetAddress.getLoopbackAddress();
        });
        LambdaExtension ext = extension(env(api), "http://collector.example.internal:4318", stuck, true);
        FakeRuntime.start(api.address(), ext.outbox(), FakeRuntime::finished);
        assertInTime(invoke(api, 4, "dns-"));
    }

    @Test
    void tlsHandshakeThatNeverEnds() throws Exception {
        LambdaApiDouble api = api();
        ServerSocket silent = silentSocket();
        LambdaExtension ext = extension(env(api), "https://127.0.0.1:" + silent.getLocalPort(),
                new Resolver(Resolver.SYSTEM), true);
        FakeRuntime.start(api.address(), ext.outbox(), FakeRuntime::finished);
        assertInTime(invoke(api, 3, "tls-"));
    }

    @Test
    void anExceptionInsideTheExtension() throws Exception {
        LambdaApiDouble api = api();
        CaptureServer collector = collector();
        LambdaExtension ext = extension(env(api), collector.endpoint(), new Resolver(Resolver.SYSTEM), true);
        FakeRuntime.start(api.address(), ext.outbox(), requestId -> {
            Invocation inv = FakeRuntime.finished(requestId);
            if (requestId.equals("bug-2")) {
                inv.records.add(null); // the encoder throws on it
            }
            return inv;
        });
        assertInTime(invoke(api, 3, "bug-"));
        assertEquals(List.of("bug-1", "bug-3"), ids(collector));
        assertEquals(1L, collector.spans().get(1).attr("lambdascope.agent.dropped_spans"),
                "the span that could not be encoded is counted");
    }

    @Test
    void aHangInsideTheExtension() throws Exception {
        LambdaApiDouble api = api();
        CaptureServer collector = collector();
        LambdaExtension ext = extension(env(api), collector.endpoint(), new Resolver(Resolver.SYSTEM), true);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch forever = new CountDownLatch(1);
        FakeRuntime.start(api.address(), ext.outbox(), requestId -> {
            Invocation inv = FakeRuntime.finished(requestId);
            if (requestId.equals("hang-2")) {
                // Another thread keeps the invocation's lock: encoding it blocks the sender for good.
                Thread holder = new Thread(() -> {
                    synchronized (inv) {
                        held.countDown();
                        try {
                            forever.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
                holder.setDaemon(true);
                holder.start();
                held.await();
            }
            return inv;
        });
        try {
            assertInTime(invoke(api, 4, "hang-"));
            assertEquals(List.of("hang-1"), ids(collector), "the sender is stuck from hang-2 on");
        } finally {
            forever.countDown();
        }
    }

    @Test
    void malformedEvents() throws Exception {
        LambdaApiDouble api = api();
        CaptureServer collector = collector();
        LambdaExtension ext = extension(env(api), collector.endpoint(), new Resolver(Resolver.SYSTEM), true);
        FakeRuntime.start(api.address(), ext.outbox(), FakeRuntime::finished);
        String sqs = "{}";
        api.enqueue("bad-1", "Root=1-5759e988-bd862e3fe1be46a994272793", sqs, 30_000, "{not json");
        api.enqueue("bad-2", "Root=1-5759e988-bd862e3fe1be46a994272793", sqs, 30_000, "{\"eventType\":\"INVOKE\"}");
        api.enqueue("bad-3", "Root=1-5759e988-bd862e3fe1be46a994272793", sqs, 30_000,
                "{\"eventType\":\"INVOKE\",\"requestId\":\"bad-3\",\"deadlineMs\":\"soon\"}");
        api.enqueue("bad-4", "Root=1-5759e988-bd862e3fe1be46a994272793", sqs);
        List<Long> post = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            LambdaApiDouble.Invocation inv = api.awaitEnded("bad-" + i, 30);
            assertTrue(inv.extensionNextNanos.containsKey("lambdascope"), "the extension took part in " + inv);
            post.add(inv.postRuntimeMillis());
        }
        assertInTime(post.stream().mapToLong(Long::longValue).toArray());
        collector.await(c -> "bad-4".equals(c.attr("faas.invocation_id")), Duration.ofSeconds(10));
        assertEquals(List.of("bad-1", "bad-2", "bad-3", "bad-4"), sorted(ids(collector)),
                "an unreadable event only delays a span to the next flush");
    }

    @Test
    void garbageOnTheListener() throws Exception {
        LambdaApiDouble api = api();
        CaptureServer collector = collector();
        LambdaExtension ext = extension(env(api), collector.endpoint(), new Resolver(Resolver.SYSTEM), true);
        FakeRuntime.start(api.address(), ext.outbox(), FakeRuntime::finished);
        invoke(api, 1, "garbage-");
        String uri = api.listenerUri();
        assertNotNull(uri);
        assertEquals(400, post(uri, "{not json"));
        assertEquals(400, post(uri, "[{\"time\":\"x\"}]"));
        assertEquals(400, post(uri, "[1,2]"));
        assertEquals(200, post(uri, "[]"));
        assertTrue(announce(uri, 2 * 1024 * 1024).startsWith("HTTP/1.1 413 "), "refused before reading the body");
        assertInTime(invoke(api, 2, "after-garbage-"));
        assertEquals(List.of("garbage-1", "after-garbage-1", "after-garbage-2"), ids(collector));
        for (JsonNode e : collector.platformEvents()) {
            assertTrue(e.get("type").asText().startsWith("platform."), "nothing refused was forwarded: " + e);
        }
    }

    @Test
    void aHandlerWithoutHooksEndsWithTheRuntimeDoneEvent() throws Exception {
        LambdaApiDouble api = api();
        CaptureServer collector = collector();
        LambdaExtension ext = extension(env(api), collector.endpoint(), new Resolver(Resolver.SYSTEM), false);
        FakeRuntime.start(api.address(), ext.outbox(), requestId -> null);
        assertInTime(invoke(api, 2, "plain-"));
        collector.awaitPlatformEvent("platform.runtimeDone", "plain-2", Duration.ofSeconds(10));
        assertEquals(0, collector.spans().size());
    }

    @Test
    void aHandlerWithHooksThatHandsNothingOverEndsWithTheRuntimeDoneEvent() throws Exception {
        // From the second invocation on, the sender waits for the hand-over and the loop sleeps: the platform's
        // runtimeDone must still end the wait when the hooks never run.
        LambdaApiDouble api = api();
        CaptureServer collector = collector();
        LambdaExtension ext = extension(env(api), collector.endpoint(), new Resolver(Resolver.SYSTEM), true);
        FakeRuntime.start(api.address(), ext.outbox(),
                requestId -> requestId.equals("lost-1") ? FakeRuntime.finished(requestId) : null);
        assertInTime(invoke(api, 3, "lost-"));
        collector.awaitPlatformEvent("platform.runtimeDone", "lost-2", Duration.ofSeconds(10));
        assertEquals(List.of("lost-1"), ids(collector));
    }

    @Test
    void withoutASubscriptionTheHandOverAloneEndsTheWait() throws Exception {
        LambdaApiDouble api = api();
        api.refuseSubscriptions(true);
        CaptureServer collector = collector();
        LambdaExtension ext = extension(env(api), collector.endpoint(), new Resolver(Resolver.SYSTEM), true);
        FakeRuntime.start(api.address(), ext.outbox(), FakeRuntime::finished);
        assertInTime(invoke(api, 2, "unsubscribed-"));
        assertFalse(ext.subscribed());
        assertEquals(List.of("unsubscribed-1", "unsubscribed-2"), ids(collector));
    }

    @Test
    void withoutASubscriptionNorHooksNothingIsAwaited() throws Exception {
        LambdaApiDouble api = api();
        api.refuseSubscriptions(true);
        CaptureServer collector = collector();
        LambdaExtension ext = extension(env(api), collector.endpoint(), new Resolver(Resolver.SYSTEM), false);
        FakeRuntime.start(api.address(), ext.outbox(), requestId -> null);
        assertInTime(invoke(api, 2, "nothing-"));
    }

    @Test
    void nothingIsSentBeforeTheRuntimePostedTheResponse() throws Exception {
        LambdaApiDouble api = api();
        CaptureServer collector = collector();
        LambdaExtension ext = extension(env(api), collector.endpoint(), new Resolver(Resolver.SYSTEM), true);
        ext.expectPosts(true);
        List<Integer> sentBeforePost = new java.util.concurrent.CopyOnWriteArrayList<>();
        // The runtime takes 50 ms from the handler's return to posting the response: long enough for the
        // extension to have sent the span meanwhile, had it not waited for the post.
        FakeRuntime.posting(api.address(), ext.outbox(), FakeRuntime::finished, () -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sentBeforePost.add(collector.spans().size());
        }, true);
        assertInTime(invoke(api, 4, "posted-"));
        assertEquals(List.of("posted-1", "posted-2", "posted-3", "posted-4"), ids(collector));
        // Each invocation's span left after its response: before each post, only the earlier ones had.
        assertEquals(List.of(0, 1, 2, 3), sentBeforePost);
        assertEquals(0, ext.outbox().missedPosts());
    }

    @Test
    void aRuntimeThatStopsTellingItsPostsIsNoLongerAwaited() throws Exception {
        LambdaApiDouble api = api();
        CaptureServer collector = collector();
        LambdaExtension ext = extension(env(api), collector.endpoint(), new Resolver(Resolver.SYSTEM), true);
        ext.expectPosts(true);
        FakeRuntime.posting(api.address(), ext.outbox(), FakeRuntime::finished, null, false);
        assertInTime(invoke(api, Outbox.MAX_MISSED_POSTS + 2, "untold-"));
        assertEquals(Outbox.MAX_MISSED_POSTS, ext.outbox().missedPosts());
        assertEquals(Outbox.MAX_MISSED_POSTS + 2, collector.spans().size());
    }

    private static int post(String uri, String body) throws IOException {
        java.net.HttpURLConnection c = (java.net.HttpURLConnection) new java.net.URL(uri).openConnection();
        c.setDoOutput(true);
        c.setRequestMethod("POST");
        c.setConnectTimeout(2_000);
        c.setReadTimeout(10_000);
        try (java.io.OutputStream out = c.getOutputStream()) {
            out.write(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the listener may close before reading a body it refuses
        }
        return c.getResponseCode();
    }

    /** Sends only a request head announcing {@code length} bytes; returns the status line of the answer. */
    private static String announce(String uri, int length) throws IOException {
        java.net.URI u = java.net.URI.create(uri);
        try (java.net.Socket s = new java.net.Socket(u.getHost(), u.getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST " + u.getPath() + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + length
                    + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
        }
    }

    private static List<String> ids(CaptureServer collector) {
        List<String> ids = new ArrayList<>();
        for (CaptureServer.Captured c : collector.spans()) {
            ids.add((String) c.attr("faas.invocation_id"));
        }
        return ids;
    }

    private static List<String> sorted(List<String> ids) {
        List<String> copy = new ArrayList<>(ids);
        java.util.Collections.sort(copy);
        return copy;
    }
}
