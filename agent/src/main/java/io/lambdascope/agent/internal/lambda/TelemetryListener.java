package io.lambdascope.agent.internal.lambda;

import io.lambdascope.agent.internal.Diagnostics;
import io.lambdascope.agent.internal.events.JsonPeek;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The Telemetry API's destination: a tiny HTTP server to which Lambda POSTs JSON arrays of
 * {@code {time, type, record}} events. It only parses and hands each event to its {@link Sink} (which queues it,
 * bounded); it never sends anything on. A batch that is not a JSON array of objects with a {@code type}, or is
 * larger than {@link #MAX_BODY_BYTES}, is refused with a 4xx (Lambda retries what it could not deliver) and
 * counted; nothing a client sends can make it throw into the function. One thread accepts; each connection gets
 * its own thread (Lambda keeps one alive), at most {@link #MAX_CONNECTIONS} at a time.
 */
public final class TelemetryListener implements Runnable {
    /** Where the events come in: what the subscription names, and all this server answers on. */
    public static final String PATH = "/lambdascope/telemetry";
    /** Lambda sends at most about twice the subscription's {@code maxBytes} (256 KiB) in one request. */
    static final int MAX_BODY_BYTES = 1024 * 1024;
    static final int MAX_HEAD_BYTES = 16 * 1024;
    static final int MAX_CONNECTIONS = 4;
    /** A kept-alive connection idle this long is closed (Lambda opens a new one when it needs one). */
    static final int IDLE_MILLIS = 60_000;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OK = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nContent-Type: text/plain\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    /** Where the parsed events go. */
    public interface Sink {
        /** One event, as the JSON object Lambda delivered; its {@code type}, and its record's request id or null. */
        void event(byte[] json, String type, String requestId);

        /** A batch refused, with the reason (Lambda retries it). */
        void refused(String reason);
    }

    private final ServerSocket server;
    private final Sink sink;
    /** Guarded by itself. */
    private final java.util.List<Connection> connections = new java.util.ArrayList<>(MAX_CONNECTIONS);
    private volatile boolean closed;

    private TelemetryListener(ServerSocket server, Sink sink) {
        this.server = server;
        this.sink = sink;
    }

    /** Binds {@code address:port} (port 0: any free port) and starts accepting on a daemon thread. */
    public static TelemetryListener start(InetAddress address, int port, Sink sink) throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            server.bind(new InetSocketAddress(address, port), 16);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        TelemetryListener listener = new TelemetryListener(server, sink);
        Thread t = new Thread(listener, "lambdascope-telemetry");
        t.setDaemon(true);
        t.start();
        return listener;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The destination to subscribe: Lambda resolves {@code sandbox.localdomain} inside the environment. */
    public String uri() {
        return "http://sandbox.localdomain:" + port() + PATH;
    }

    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing is best effort
        }
    }

    @Override
    public void run() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue; // a failed accept (a reset before it was taken) says nothing about the next one
            } catch (Throwable t) {
                Diagnostics.hookFailed(t);
                continue;
            }
            Connection c = new Connection(s);
            synchronized (connections) {
                if (connections.size() >= MAX_CONNECTIONS) {
                    Connection idlest = null;
                    for (Connection k : connections) {
                        if (k.idleSinceNanos != 0 && (idlest == null || k.idleSinceNanos - idlest.idleSinceNanos < 0)) {
                            idlest = k;
                        }
                    }
                    if (idlest == null) {
                        closeQuietly(s); // all busy: the client retries
                        continue;
                    }
                    connections.remove(idlest);
                    closeQuietly(idlest.socket);
                }
                connections.add(c);
            }
            try {
                Thread t = new Thread(c, "lambdascope-telemetry-connection");
                t.setDaemon(true);
                t.start();
            } catch (Throwable t) {
                ended(c);
                closeQuietly(s);
            }
        }
    }

    private void ended(Connection c) {
        synchronized (connections) {
            connections.remove(c);
        }
    }

    /**
     * Parses one batch; returns the HTTP status to answer. All or nothing: a batch with one bad element is
     * refused whole, so that an event is never both refused and queued.
     */
    int deliver(byte[] body) {
        // Scanned, not parsed into maps: a batch arrives while an invocation runs (the previous one's report comes
        // with the next thaw), so what this thread spends here competes with the handler and its response.
        JsonPeek.Events events = JsonPeek.scanEvents(body, body.length);
        if (events == null) {
            sink.refused("not a JSON array of objects");
            return 400;
        }
        int n = events.size();
        for (int i = 0; i < n; i++) {
            String type = events.type(i);
            if (type == null || type.isEmpty()) {
                sink.refused("an element is not an event object with a type");
                return 400;
            }
        }
        for (int i = 0; i < n; i++) {
            int start = events.start(i);
            byte[] json = new byte[events.end(i) - start];
            System.arraycopy(body, start, json, 0, json.length);
            sink.event(json, events.type(i), events.requestId(i));
        }
        return 200;
    }

    private final class Connection implements Runnable {
        final Socket socket;
        /** When it started waiting for a request (System.nanoTime), 0 while one is being handled. */
        volatile long idleSinceNanos = System.nanoTime();

        Connection(Socket socket) {
            this.socket = socket;
        }

        @Override
        public void run() {
            try {
                socket.setSoTimeout(IDLE_MILLIS);
                InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
                OutputStream out = socket.getOutputStream();
                while (!closed) {
                    HttpMessage request;
                    idleSinceNanos = System.nanoTime();
                    try {
                        in.mark(1);
                        if (in.read() < 0) {
                            return;
                        }
                        in.reset();
                        idleSinceNanos = 0;
                        request = HttpMessage.readHead(in, MAX_HEAD_BYTES);
                    } catch (HttpMessage.TooLarge e) {
                        sink.refused("request head too large");
                        respond(out, 431, "request head too large", true);
                        return;
                    }
                    if (request == null) {
                        return;
                    }
                    if (!"POST".equals(request.method())) {
                        respond(out, 405, "POST only", true);
                        return;
                    }
                    if ("100-continue".equalsIgnoreCase(request.header("expect"))) {
                        out.write(CONTINUE);
                        out.flush();
                    }
                    byte[] body;
                    try {
                        body = request.readBody(in, MAX_BODY_BYTES, false);
                    } catch (HttpMessage.TooLarge e) {
                        sink.refused("batch larger than " + MAX_BODY_BYTES + " bytes");
                        respond(out, 413, "batch too large", true);
                        return;
                    }
                    int status = deliver(body);
                    boolean close = request.http10() || "close".equalsIgnoreCase(request.header("connection"));
                    respond(out, status, status == 200 ? null : "not a JSON array of Telemetry API events", close);
                    if (close) {
                        return;
                    }
                }
            } catch (IOException e) {
                // the client went away or idled out
            } catch (Throwable t) {
                Diagnostics.hookFailed(t);
            } finally {
                lingeringClose(socket);
                ended(this);
            }
        }
    }

    /**
     * Closes after reading (a bounded amount of) what the client still sends: closing with unread data makes the
     * kernel reset the connection, and the client could lose the answer that explains the refusal.
     */
    private static void lingeringClose(Socket s) {
        try {
            s.shutdownOutput();
            s.setSoTimeout(200);
            InputStream in = s.getInputStream();
            byte[] sink = new byte[8192];
            int total = 0;
            int n;
            while (total < 256 * 1024 && (n = in.read(sink)) > 0) {
                total += n;
            }
        } catch (IOException | RuntimeException e) {
            // closing anyway
        }
        closeQuietly(s);
    }

    private static void respond(OutputStream out, int status, String message, boolean close) throws IOException {
        if (status == 200 && !close) {
            out.write(OK); // the answer to nearly every batch: one write, nothing built
            return;
        }
        byte[] body = message == null ? new byte[0] : message.getBytes(StandardCharsets.US_ASCII);
        String head = "HTTP/1.1 " + status + (status == 200 ? " OK" : " Refused") + "\r\nContent-Length: "
                + body.length + "\r\nContent-Type: text/plain\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        out.write(all);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // best effort
        }
    }
}
