package io.lambdascope.agent.internal.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP client against a raw socket server that misbehaves in the ways real servers and proxies do. */
class OtlpHttpClientTest {
    private ServerSocket server;
    private Thread acceptor;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();

    interface Responder {
        /** Answers one request; returns false to close the connection afterwards (without saying so). */
        boolean respond(OutputStream out, int requestNumber) throws Exception;
    }

    private String serve(Responder responder) throws Exception {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        AtomicInteger count = new AtomicInteger();
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    connections.incrementAndGet();
                    InputStream in = s.getInputStream();
                    while (true) {
                        String head = readHead(in);
                        if (head == null) {
                            break;
                        }
                        int length = Integer.parseInt(head.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
                        in.readNBytes(length);
                        requests.add(head);
                        if (!responder.respond(s.getOutputStream(), count.incrementAndGet())) {
                            break;
                        }
                    }
                } catch (Exception e) {
                    // connection or server closed
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** A request head up to the empty line, or null at the end of the stream. */
    static String readHead(InputStream in) throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                return new String(h, StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static void write(OutputStream out, String response) throws Exception {
        out.write(response.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static long deadline(long millis) {
        return System.nanoTime() + millis * 1_000_000L;
    }

    @Test
    void reconnectsOnceWhenTheKeptConnectionWasClosed() throws Exception {
        String endpoint = serve((out, n) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            return false; // closes without announcing it, like an idle timeout
        });
        OtlpHttpClient http = new OtlpHttpClient(endpoint, "tok");
        byte[] body = {1, 2, 3};
        for (int i = 0; i < 3; i++) {
            assertEquals(OtlpHttpClient.Result.OK, http.post(body, 3, deadline(5000)), http.lastError());
        }
        assertEquals(3, requests.size());
        assertEquals(3, connections.get());
        String head = requests.get(0);
        assertTrue(head.startsWith("POST /v1/traces HTTP/1.1\r\n"), head);
        assertTrue(head.contains("\r\nContent-Type: application/x-protobuf\r\n"), head);
        assertTrue(head.contains("\r\nAuthorization: Bearer tok\r\n"), head);
        assertTrue(head.contains("\r\nContent-Length: 3\r\n"), head);
        assertTrue(head.contains("\r\nHost: 127.0.0.1:" + server.getLocalPort() + "\r\n"), head);
    }

    @Test
    void keepsTheConnectionAcrossChunkedAndSizedResponses() throws Exception {
        String endpoint = serve((out, n) -> {
            if (n % 2 == 1) {
                write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nTrailer: 1\r\n\r\n");
            } else {
                write(out, "HTTP/1.1 202 Accepted\r\ncontent-length: 2\r\n\r\n{}");
            }
            return true;
        });
        OtlpHttpClient http = new OtlpHttpClient(endpoint, null);
        for (int i = 0; i < 4; i++) {
            assertEquals(OtlpHttpClient.Result.OK, http.post(new byte[200], 200, deadline(5000)), http.lastError());
        }
        assertEquals(1, connections.get(), "one kept-alive connection");
        assertFalse(requests.get(0).contains("Authorization"), requests.get(0));
    }

    @Test
    void classifiesStatusCodes() throws Exception {
        int[] codes = {503, 429, 400, 500, 200};
        String endpoint = serve((out, n) -> {
            write(out, "HTTP/1.1 " + codes[n - 1] + " X\r\nContent-Length: 0\r\n\r\n");
            return true;
        });
        OtlpHttpClient http = new OtlpHttpClient(endpoint, null);
        assertEquals(OtlpHttpClient.Result.RETRYABLE, http.post(new byte[1], 1, deadline(5000)));
        assertEquals(OtlpHttpClient.Result.RETRYABLE, http.post(new byte[1], 1, deadline(5000)));
        assertEquals(OtlpHttpClient.Result.REJECTED, http.post(new byte[1], 1, deadline(5000)));
        assertEquals("HTTP 400", http.lastError());
        assertEquals(OtlpHttpClient.Result.REJECTED, http.post(new byte[1], 1, deadline(5000)));
        assertEquals(OtlpHttpClient.Result.OK, http.post(new byte[1], 1, deadline(5000)));
    }

    @Test
    void aSilentServerCostsTheDeadlineAndNoMore() throws Exception {
        String endpoint = serve((out, n) -> {
            Thread.sleep(10_000);
            return false;
        });
        OtlpHttpClient http = new OtlpHttpClient(endpoint, null);
        long start = System.nanoTime();
        assertEquals(OtlpHttpClient.Result.RETRYABLE, http.post(new byte[1], 1, deadline(200)));
        long tookMillis = (System.nanoTime() - start) / 1_000_000L;
        assertTrue(tookMillis >= 150 && tookMillis < 3000, "took " + tookMillis);
        assertTrue(http.lastError().contains("timed out") || http.lastError().contains("flush budget"),
                http.lastError());
    }

    @Test
    void aResolverThatDoesNotAnswerCostsTheBudgetAndNoMore() throws Exception {
        String endpoint = serve((out, n) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            return true;
        });
        java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger lookups = new AtomicInteger();
        Resolver slowDns = new Resolver(host -> {
            lookups.incrementAndGet();
            try {
                answer.await();
            } catch (InterruptedException e) {
                throw new java.io.IOException(e);
            }
            return InetAddress.getLoopbackAddress();
        });
        OtlpHttpClient http = new OtlpHttpClient(endpoint.replace("127.0.0.1", "collector.example.internal"),
                null, slowDns);
        long start = System.nanoTime();
        assertEquals(OtlpHttpClient.Result.RETRYABLE, http.post(new byte[1], 1, deadline(200)));
        long tookMillis = (System.nanoTime() - start) / 1_000_000L;
        assertTrue(tookMillis >= 150 && tookMillis < 2000, "took " + tookMillis);
        assertTrue(http.lastError().contains("no DNS answer for collector.example.internal"), http.lastError());
        assertEquals(0, connections.get(), "never connected");

        // Still unanswered: the next export waits on the same lookup instead of starting another.
        assertEquals(OtlpHttpClient.Result.RETRYABLE, http.post(new byte[1], 1, deadline(100)));
        assertEquals(1, lookups.get());
        answer.countDown();
        assertEquals(OtlpHttpClient.Result.OK, http.post(new byte[1], 1, deadline(5000)), http.lastError());
        assertTrue(requests.get(0).contains("\r\nHost: collector.example.internal:" + server.getLocalPort() + "\r\n"),
                requests.get(0));
    }

    @Test
    void platformEventsGoToTheirRouteWithTheIdentityHeaders() throws Exception {
        String endpoint = serve((out, n) -> {
            write(out, "HTTP/1.1 503 Busy\r\nRetry-After: 7\r\nContent-Length: 0\r\n\r\n");
            return true;
        });
        OtlpHttpClient http = new OtlpHttpClient(endpoint + "/base/v1/traces", "tok");
        OtlpHttpClient.Route route = http.platformRoute("X-Lambdascope-Function: fn\r\n");
        byte[] body = "[]".getBytes(StandardCharsets.US_ASCII);
        assertEquals(OtlpHttpClient.Result.RETRYABLE, http.post(route, body, 2, deadline(5000)));
        assertEquals(7_000, http.retryAfterMillis());
        String head = requests.get(0);
        assertTrue(head.startsWith("POST /base/v1/lambda/telemetry HTTP/1.1\r\n"), head);
        assertTrue(head.contains("\r\nContent-Type: application/json\r\n"), head);
        assertTrue(head.contains("\r\nX-Lambdascope-Function: fn\r\n"), head);
        assertTrue(head.contains("\r\nAuthorization: Bearer tok\r\n"), head);
        assertEquals(OtlpHttpClient.Result.RETRYABLE, http.post(new byte[1], 1, deadline(5000)));
        assertTrue(requests.get(1).startsWith("POST /base/v1/traces HTTP/1.1\r\n"), requests.get(1));
    }

    @Test
    void literalsAreNeverLookedUp() {
        assertTrue(Resolver.isLiteral("127.0.0.1"));
        assertTrue(Resolver.isLiteral("::1"));
        assertFalse(Resolver.isLiteral("collector"));
        assertFalse(Resolver.isLiteral("1.2.3"));
        assertFalse(Resolver.isLiteral("10.0.0.1.nip.io"));
    }

    @Test
    void endpointParsing() {
        OtlpHttpClient.Endpoint t = OtlpHttpClient.Endpoint.parse("http://127.0.0.1:4318");
        assertEquals("127.0.0.1", t.host);
        assertEquals(4318, t.port);
        assertEquals("/v1/traces", t.path);
        assertFalse(t.https);
        t = OtlpHttpClient.Endpoint.parse("https://[::1]/base/");
        assertEquals("::1", t.host);
        assertEquals(443, t.port);
        assertEquals("/base/v1/traces", t.path);
        assertEquals("/base", t.base);
        assertEquals("/v1/traces", OtlpHttpClient.Endpoint.parse("http://h:1/v1/traces").path);
        assertEquals("", OtlpHttpClient.Endpoint.parse("http://h:1/v1/traces").base);
        assertThrows(IllegalArgumentException.class, () -> OtlpHttpClient.Endpoint.parse("http://h:99999"));
        assertThrows(IllegalArgumentException.class, () -> OtlpHttpClient.Endpoint.parse("http://:80"));
    }
}
