package io.lambdascope.agent.internal.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code next} keeps its connection, and gets a new one when the server closed it. */
class ExtensionsApiNextTest {
    private ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();

    /** Answers {@code perConnection} requests on each connection, then closes it without saying so. */
    private String start(int perConnection, boolean sayClose) throws IOException {
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    connections.incrementAndGet();
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.ISO_8859_1));
                    OutputStream out = s.getOutputStream();
                    for (int i = 0; i < perConnection; i++) {
                        String line;
                        while ((line = in.readLine()) != null && !line.isEmpty()) {
                            // the request head
                        }
                        if (line == null) {
                            break;
                        }
                        byte[] body = ("{\"eventType\":\"INVOKE\",\"requestId\":\"r" + answered.incrementAndGet()
                                + "\"}").getBytes(StandardCharsets.UTF_8);
                        out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n"
                                + (sayClose ? "Connection: close\r\n" : "") + "\r\n")
                                .getBytes(StandardCharsets.ISO_8859_1));
                        out.write(body);
                        out.flush();
                    }
                } catch (IOException e) {
                    // closed
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return "127.0.0.1:" + server.getLocalPort();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private static String requestId(byte[] event) {
        String s = new String(event, StandardCharsets.UTF_8);
        return s.substring(s.lastIndexOf("\"r") + 1, s.lastIndexOf('"'));
    }

    @Test
    void oneConnectionServesEveryNext() throws Exception {
        ExtensionsApi api = new ExtensionsApi(start(100, false));
        for (int i = 1; i <= 5; i++) {
            assertEquals("r" + i, requestId(api.next("id")));
        }
        assertEquals(1, connections.get());
    }

    @Test
    void aConnectionTheServerClosedIsReplacedAndTheRequestAskedAgain() throws Exception {
        ExtensionsApi api = new ExtensionsApi(start(2, false));
        for (int i = 1; i <= 5; i++) {
            assertEquals("r" + i, requestId(api.next("id")), "no event lost or repeated");
        }
        assertEquals(3, connections.get());
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        ExtensionsApi api = new ExtensionsApi(start(1, true));
        for (int i = 1; i <= 3; i++) {
            assertEquals("r" + i, requestId(api.next("id")));
        }
        assertEquals(3, connections.get());
    }
}
