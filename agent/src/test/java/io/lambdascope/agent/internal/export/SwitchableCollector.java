package io.lambdascope.agent.internal.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A collector on one loopback port that can be healthy (200), answer a status, stay silent (read, never answer)
 * or refuse connections (its listening socket closed), switched at will. Records what it accepted: OTLP spans
 * and platform-event batches with their headers.
 */
final class SwitchableCollector implements AutoCloseable {
    enum Mode { HEALTHY, SILENT, REFUSING }

    private final int port;
    private final List<Span> spans = new CopyOnWriteArrayList<>();
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final List<String> eventHeads = new CopyOnWriteArrayList<>();
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private volatile int requestsSeen;
    private volatile Mode mode = Mode.HEALTHY;
    private volatile int status = 200;
    private volatile ServerSocket server;

    SwitchableCollector() throws IOException {
        server = listen(0);
        port = server.getLocalPort();
        accept(server);
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    synchronized void mode(Mode m) throws IOException {
        mode = m;
        if (m == Mode.REFUSING && server != null) {
            server.close();
            server = null;
            for (Socket s : held) {
                s.close();
            }
        } else if (m != Mode.REFUSING && server == null) {
            server = listen(port);
            accept(server);
        }
    }

    void status(int code) {
        status = code;
    }

    List<Span> spans() {
        return new ArrayList<>(spans);
    }

    List<JsonNode> events() {
        return new ArrayList<>(events);
    }

    List<String> eventHeads() {
        return new ArrayList<>(eventHeads);
    }

    /** Requests that reached the collector, answered or not. */
    int requestsSeen() {
        return requestsSeen;
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        return s;
    }

    private void accept(ServerSocket listening) {
        Thread t = new Thread(() -> {
            while (!listening.isClosed()) {
                try {
                    Socket s = listening.accept();
                    if (mode == Mode.REFUSING) {
                        // A connection the closing listener still took: refuse it as the kernel would have.
                        s.close();
                        continue;
                    }
                    held.add(s);
                    Thread c = new Thread(() -> serve(s), "collector-connection");
                    c.setDaemon(true);
                    c.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "collector-accept");
        t.setDaemon(true);
        t.start();
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = OtlpHttpClientTest.readHead(in);
                if (head == null) {
                    return;
                }
                int length = Integer.parseInt(head.replaceAll("(?s).*[Cc]ontent-[Ll]ength: (\\d+).*", "$1"));
                byte[] body = in.readNBytes(length);
                requestsSeen++;
                if (mode == Mode.SILENT) {
                    Thread.sleep(60_000);
                    return;
                }
                int code = status;
                if (code / 100 == 2) {
                    if (head.startsWith("POST /v1/traces ")) {
                        for (ResourceSpans rs : ExportTraceServiceRequest.parseFrom(body).getResourceSpansList()) {
                            for (ScopeSpans ss : rs.getScopeSpansList()) {
                                spans.addAll(ss.getSpansList());
                            }
                        }
                    } else if (head.startsWith("POST /v1/lambda/telemetry ")) {
                        eventHeads.add(head);
                        for (JsonNode e : new ObjectMapper().readTree(body)) {
                            events.add(e);
                        }
                    }
                }
                out.write(("HTTP/1.1 " + code + " X\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (Exception e) {
            // closed
        }
    }

    static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        ServerSocket s = server;
        if (s != null) {
            s.close();
        }
        for (Socket h : held) {
            h.close();
        }
    }
}
