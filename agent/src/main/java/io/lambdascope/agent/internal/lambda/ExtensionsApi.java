package io.lambdascope.agent.internal.lambda;

import io.lambdascope.agent.internal.events.JsonPeek;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The client of Lambda's Extensions API (2020-01-01) and Telemetry API (2022-07-01) subscription, on
 * {@code AWS_LAMBDA_RUNTIME_API}: register, next, subscribe. Plain HTTP/1.1 on the local Runtime API: one request
 * per connection, but {@code next}, called once per invocation, keeps its connection for the following one (a
 * connection set up and torn down per invocation was most of the extension's CPU); {@code next} has no read
 * timeout (AWS: it blocks until the next event, across freezes). Only the extension's loop calls {@code next}.
 */
public final class ExtensionsApi {
    /** The name an internal extension registers with (external ones use their file name). */
    public static final String NAME = "lambdascope";
    private static final int MAX_RESPONSE_BYTES = 1024 * 1024;
    private static final byte[] REGISTER_BODY = "{\"events\":[\"INVOKE\"]}".getBytes(StandardCharsets.US_ASCII);

    private final String hostPort;
    private final String host;
    private final int port;
    /** The connection {@code next} keeps between calls, or null. */
    private Socket nextSocket;
    private InputStream nextIn;

    /** {@code runtimeApi}: the {@code host:port} of {@code AWS_LAMBDA_RUNTIME_API}. */
    public ExtensionsApi(String runtimeApi) {
        int colon = runtimeApi.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("AWS_LAMBDA_RUNTIME_API is not host:port: " + runtimeApi);
        }
        this.hostPort = runtimeApi;
        this.host = runtimeApi.startsWith("[") ? runtimeApi.substring(1, colon - 1) : runtimeApi.substring(0, colon);
        this.port = Integer.parseInt(runtimeApi.substring(colon + 1));
    }

    /** What the register call answered. */
    public static final class Registration {
        public final String id;
        /** Present when Lambda honoured {@code Lambda-Extension-Accept-Feature: accountId}. */
        public final String accountId;

        Registration(String id, String accountId) {
            this.id = id;
            this.accountId = accountId;
        }
    }

    /** Registers the agent for INVOKE (internal extensions may not take SHUTDOWN), asking for the account id. */
    public Registration register(int timeoutMillis) throws IOException {
        return register(NAME, REGISTER_BODY, timeoutMillis);
    }

    /**
     * Registers {@code name} (an external extension's file name under /opt/extensions) for the given body, such as
     * {@code {"events":["INVOKE","SHUTDOWN"]}}.
     */
    public Registration register(String name, byte[] body, int timeoutMillis) throws IOException {
        Response r = exchange("POST", "/2020-01-01/extension/register",
                "Lambda-Extension-Name: " + name + "\r\nLambda-Extension-Accept-Feature: accountId\r\n"
                        + "Content-Type: application/json\r\n", body, timeoutMillis, timeoutMillis);
        if (r.status != 200 || r.extensionId == null || r.extensionId.isEmpty()) {
            throw new IOException("register answered HTTP " + r.status + (r.extensionId == null
                    ? " without Lambda-Extension-Identifier" : "") + ": " + r.bodyText(200));
        }
        Object answer = r.body.length == 0 ? null : JsonPeek.parse(r.body, r.body.length);
        String account = null;
        if (answer instanceof Map) {
            Object a = ((Map<?, ?>) answer).get("accountId");
            account = a instanceof String && !((String) a).isEmpty() ? (String) a : null;
        }
        return new Registration(r.extensionId, account);
    }

    /** Blocks until the next event (no timeout, as AWS asks); returns its JSON body. */
    public byte[] next(String extensionId) throws IOException {
        byte[] request = ("GET /2020-01-01/extension/event/next HTTP/1.1\r\nHost: " + hostPort
                + "\r\nLambda-Extension-Identifier: " + extensionId + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        Response r = null;
        if (nextSocket != null) {
            try {
                r = nextOnKeptConnection(request);
            } catch (IOException closed) {
                // Closed while idle (a server's idle limit, a freeze): the request never got an answer, so it is
                // asked again, once, on a new connection.
                closeNext();
            }
        }
        if (r == null) {
            Socket s = new Socket(Proxy.NO_PROXY);
            try {
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress(host, port), 2_000);
                s.setSoTimeout(0);
            } catch (IOException e) {
                s.close();
                throw e;
            }
            nextSocket = s;
            nextIn = new java.io.BufferedInputStream(s.getInputStream(), 8192);
            try {
                r = nextOnKeptConnection(request);
            } catch (IOException e) {
                closeNext();
                throw e;
            }
        }
        if (!r.keepAlive) {
            closeNext();
        }
        if (r.status != 200) {
            throw new IOException("next answered HTTP " + r.status + ": " + r.bodyText(200));
        }
        return r.body;
    }

    /** Subscribes the listener at {@code listenerUri} to {@code types} (e.g. {@code "platform"}). */
    public void subscribe(String extensionId, String listenerUri, String[] types, int timeoutMillis)
            throws IOException {
        StringBuilder json = new StringBuilder(256)
                .append("{\"schemaVersion\":\"2022-12-13\",\"destination\":{\"protocol\":\"HTTP\",\"URI\":\"")
                .append(listenerUri).append("\"},\"types\":[");
        for (int i = 0; i < types.length; i++) {
            json.append(i == 0 ? "\"" : ",\"").append(types[i]).append('"');
        }
        // The smallest buffer Lambda allows, and its shortest wait: runtimeDone should reach us while the
        // extension still works on the invocation.
        json.append("],\"buffering\":{\"maxItems\":1000,\"maxBytes\":262144,\"timeoutMs\":25}}");
        Response r = exchange("PUT", "/2022-07-01/telemetry", "Lambda-Extension-Identifier: " + extensionId
                + "\r\nContent-Type: application/json\r\n", json.toString().getBytes(StandardCharsets.UTF_8),
                timeoutMillis, timeoutMillis);
        if (r.status != 200) {
            throw new IOException("telemetry subscription answered HTTP " + r.status + ": " + r.bodyText(200));
        }
    }

    private Response nextOnKeptConnection(byte[] request) throws IOException {
        OutputStream out = nextSocket.getOutputStream();
        out.write(request);
        out.flush();
        HttpMessage m = HttpMessage.readHead(nextIn, 16 * 1024);
        if (m == null) {
            throw new IOException("the Runtime API closed the connection without answering");
        }
        int status = m.status();
        String connection = m.header("connection");
        boolean keepAlive = !m.http10() && (m.contentLength() >= 0 || m.chunked())
                && (connection == null || !connection.toLowerCase(java.util.Locale.ROOT).contains("close"));
        byte[] body = m.readBody(nextIn, MAX_RESPONSE_BYTES, !keepAlive);
        return new Response(status, m.header("lambda-extension-identifier"), body, keepAlive);
    }

    private void closeNext() {
        Socket s = nextSocket;
        nextSocket = null;
        nextIn = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // it is gone either way
            }
        }
    }

    private static final class Response {
        final int status;
        final String extensionId;
        final byte[] body;
        final boolean keepAlive;

        Response(int status, String extensionId, byte[] body) {
            this(status, extensionId, body, false);
        }

        Response(int status, String extensionId, byte[] body, boolean keepAlive) {
            this.status = status;
            this.extensionId = extensionId;
            this.body = body;
            this.keepAlive = keepAlive;
        }

        String bodyText(int max) {
            return new String(body, 0, Math.min(max, body.length), StandardCharsets.UTF_8);
        }
    }

    private Response exchange(String method, String path, String headers, byte[] body, int connectTimeoutMillis,
                              int readTimeoutMillis) throws IOException {
        StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostPort).append("\r\nConnection: close\r\n").append(headers);
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        try (Socket s = new Socket(Proxy.NO_PROXY)) {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            s.setSoTimeout(readTimeoutMillis);
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return read(new java.io.BufferedInputStream(s.getInputStream(), 8192));
        }
    }

    private static Response read(InputStream in) throws IOException {
        HttpMessage m = HttpMessage.readHead(in, 16 * 1024);
        if (m == null) {
            throw new IOException("the Runtime API closed the connection without answering");
        }
        int status = m.status();
        byte[] body = m.readBody(in, MAX_RESPONSE_BYTES, true);
        return new Response(status, m.header("lambda-extension-identifier"), body);
    }
}
