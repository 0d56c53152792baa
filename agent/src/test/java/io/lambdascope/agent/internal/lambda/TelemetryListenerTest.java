package io.lambdascope.agent.internal.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Telemetry listener against what Lambda sends and what it must survive: raw HTTP over a socket. */
class TelemetryListenerTest {
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<String> refusals = new CopyOnWriteArrayList<>();
    private TelemetryListener listener;

    private final TelemetryListener.Sink sink = new TelemetryListener.Sink() {
        @Override
        public void event(byte[] json, String type, String requestId) {
            events.add(type + "|" + requestId + "|" + new String(json, StandardCharsets.UTF_8));
        }

        @Override
        public void refused(String reason) {
            refusals.add(reason);
        }
    };

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close();
        }
    }

    private Socket connect() throws IOException {
        if (listener == null) {
            listener = TelemetryListener.start(InetAddress.getLoopbackAddress(), 0, sink);
        }
        Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.port());
        s.setSoTimeout(10_000);
        return s;
    }

    private static String exchange(Socket s, String request) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.UTF_8));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        String status = in.readLine();
        int length = 0;
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        for (int i = 0; i < length; i++) {
            in.read();
        }
        return status;
    }

    private static String post(String body) {
        return "POST /lambdascope/telemetry HTTP/1.1\r\nHost: sandbox.localdomain\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    @Test
    void takesBatchesOnOneKeptConnectionAndHandsOverEachEventAsDelivered() throws Exception {
        String batch = "[ {\"time\":\"2026-11-29T00:00:00.000Z\",\"type\":\"platform.start\",\"record\":{\"requestId\":\"r1\","
                + "\"version\":\"$LATEST\"}},\n{\"time\":\"t\",\"type\":\"function\",\"record\":\"héllo \\\"x\\\"\"} ]";
        try (Socket s = connect()) {
            assertEquals("HTTP/1.1 200 OK", exchange(s, post(batch)));
            assertEquals("HTTP/1.1 200 OK", exchange(s, post("[]")));
            String chunked = "POST /lambdascope/telemetry HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\n[{\"ty\r\n33\r\npe\":\"platform.report\",\"record\":{\"requestId\":\"r1\"}}]\r\n0\r\n\r\n";
            assertEquals("HTTP/1.1 200 OK", exchange(s, chunked));
            String expect = "POST /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n";
            s.getOutputStream().write(expect.getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("HTTP/1.1 100 Continue", in.readLine());
            assertEquals("", in.readLine());
            assertEquals("HTTP/1.1 200 OK", exchange(s, "[]"));
        }
        assertEquals(List.of(
                "platform.start|r1|{\"time\":\"2026-11-29T00:00:00.000Z\",\"type\":\"platform.start\",\"record\":"
                        + "{\"requestId\":\"r1\",\"version\":\"$LATEST\"}}",
                "function|null|{\"time\":\"t\",\"type\":\"function\",\"record\":\"héllo \\\"x\\\"\"}",
                "platform.report|r1|{\"type\":\"platform.report\",\"record\":{\"requestId\":\"r1\"}}"), events);
        assertEquals(List.of(), refusals);
    }

    @Test
    void refusesWhatIsNotABatchOfEventsWholeAndKeepsServing() throws Exception {
        String[] bad = {"", "{}", "[{\"type\":\"ok\"},{\"time\":\"no type\"}]", "[\"text\"]", "[{\"type\":5}]",
            "[{\"type\":\"x\"}", "[{\"type\":\"x\"}] trailing", "[{\"type\":\"\\u12\"}]",
            "[" + "[".repeat(100) + "]".repeat(100) + "]"};
        try (Socket s = connect()) {
            for (String body : bad) {
                assertEquals("HTTP/1.1 400 Refused", exchange(s, post(body)), body);
            }
            assertEquals("HTTP/1.1 200 OK", exchange(s, post("[{\"type\":\"platform.start\"}]")));
        }
        assertEquals(bad.length, refusals.size());
        assertEquals(List.of("platform.start|null|{\"type\":\"platform.start\"}"), events, "nothing refused leaked");
    }

    @Test
    void refusesOversizedRequestsBeforeReadingThemAndOtherMethods() throws Exception {
        try (Socket s = connect()) {
            assertEquals("HTTP/1.1 413 Refused", exchange(s, "POST /t HTTP/1.1\r\nContent-Length: "
                    + (TelemetryListener.MAX_BODY_BYTES + 1) + "\r\n\r\n"));
        }
        try (Socket s = connect()) {
            assertEquals("HTTP/1.1 413 Refused", exchange(s, "POST /t HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(TelemetryListener.MAX_BODY_BYTES + 1) + "\r\n"));
        }
        try (Socket s = connect()) {
            assertEquals("HTTP/1.1 431 Refused", exchange(s, "POST /t HTTP/1.1\r\nX: " + "a".repeat(20_000)
                    + "\r\n\r\n"));
        }
        try (Socket s = connect()) {
            assertEquals("HTTP/1.1 405 Refused", exchange(s, "GET / HTTP/1.1\r\n\r\n"));
        }
        try (Socket s = connect()) {
            s.getOutputStream().write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            assertEquals(-1, s.getInputStream().read(), "an empty head: the connection is closed, nothing thrown");
        }
        assertEquals(3, refusals.size(), refusals.toString());
        try (Socket s = connect()) {
            assertEquals("HTTP/1.1 200 OK", exchange(s, post("[]")));
        }
    }

    @Test
    void idleConnectionsCannotLockOutANewOne() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < TelemetryListener.MAX_CONNECTIONS + 2; i++) {
                Socket s = connect();
                assertEquals("HTTP/1.1 200 OK", exchange(s, post("[]")), "connection " + i);
                idle.add(s);
            }
            try (Socket s = connect()) {
                assertEquals("HTTP/1.1 200 OK", exchange(s, post("[{\"type\":\"platform.report\"}]")));
            }
            assertEquals(1, events.size());
            assertEquals(-1, idle.get(0).getInputStream().read(), "the longest idle one was closed");
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
    }

    @Test
    void theSandboxAddressComesFromTheHostsFileWithoutALookup(@TempDir Path dir) throws Exception {
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "127.0.0.1 localhost\n# 10.0.0.1 sandbox.localdomain\n"
                + "169.254.79.129\tsandbox.localdomain sandbox # Lambda\n");
        assertEquals(InetAddress.getByName("169.254.79.129"), SandboxAddress.fromHostsFile(hosts.toString()));
        Files.writeString(hosts, "127.0.0.1 localhost\n");
        assertNull(SandboxAddress.fromHostsFile(hosts.toString()));
        io.lambdascope.agent.internal.export.Resolver failing = new io.lambdascope.agent.internal.export.Resolver(
                host -> {
                    throw new java.net.UnknownHostException(host);
                });
        assertEquals(InetAddress.getLoopbackAddress(), SandboxAddress.find(dir.resolve("none").toString(), failing,
                System.nanoTime() + 1_000_000_000L), "neither listed nor resolvable: loopback");
        assertTrue(SandboxAddress.find(hosts.toString(), failing, System.nanoTime()).isLoopbackAddress());
    }
}
