package io.lambdascope.agent.internal.export;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A minimal HTTP/1.1 client for one collector: POSTs bodies to its routes (OTLP traces, platform events) over one
 * kept-alive connection, reconnecting once when the kept connection turns out to be stale. Every step, the DNS
 * lookup and the TLS handshake included, is bounded by the caller's deadline, so a refusing, silent or
 * unresolvable collector costs at most that long. Not thread-safe: its callers serialize calls.
 */
public final class OtlpHttpClient {
    enum Result { OK, RETRYABLE, REJECTED }

    /** A path on the collector with its fixed request headers, rendered once. */
    static final class Route {
        final byte[] headerPrefix;

        Route(byte[] headerPrefix) {
            this.headerPrefix = headerPrefix;
        }
    }

    /** Endpoint parts; parsed without java.net.URI to keep class loading at start minimal. */
    public static final class Endpoint {
        final boolean https;
        final String host;
        final int port;
        /** The traces path: {@code <base>/v1/traces}. */
        final String path;
        /** The base path without a trailing {@code /v1/traces}; other routes hang below it. */
        final String base;

        private Endpoint(boolean https, String host, int port, String path, String base) {
            this.https = https;
            this.host = host;
            this.port = port;
            this.path = path;
            this.base = base;
        }

        /** Parses {@code http(s)://host[:port][/base]}; the traces path {@code /v1/traces} is appended. */
        public static Endpoint parse(String endpoint) {
            boolean https;
            String rest;
            if (endpoint.regionMatches(true, 0, "http://", 0, 7)) {
                https = false;
                rest = endpoint.substring(7);
            } else if (endpoint.regionMatches(true, 0, "https://", 0, 8)) {
                https = true;
                rest = endpoint.substring(8);
            } else {
                throw new IllegalArgumentException("scheme must be http or https");
            }
            int slash = rest.indexOf('/');
            String authority = slash < 0 ? rest : rest.substring(0, slash);
            String base = slash < 0 ? "" : rest.substring(slash);
            while (base.endsWith("/")) {
                base = base.substring(0, base.length() - 1);
            }
            String host;
            int port = https ? 443 : 80;
            if (authority.startsWith("[")) {
                int close = authority.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed IPv6 address");
                }
                host = authority.substring(1, close);
                if (close + 1 < authority.length()) {
                    port = port(authority.substring(close + 1));
                }
            } else {
                int colon = authority.lastIndexOf(':');
                host = colon < 0 ? authority : authority.substring(0, colon);
                if (colon >= 0) {
                    port = port(authority.substring(colon));
                }
            }
            if (host.isEmpty() || host.indexOf('@') >= 0) {
                throw new IllegalArgumentException("missing or unsupported host");
            }
            if (base.endsWith("/v1/traces")) {
                base = base.substring(0, base.length() - "/v1/traces".length());
            }
            return new Endpoint(https, host, port, base + "/v1/traces", base);
        }

        private static int port(String colonAndPort) {
            if (!colonAndPort.startsWith(":")) {
                throw new IllegalArgumentException("bad port");
            }
            try {
                int p = Integer.parseInt(colonAndPort.substring(1));
                if (p < 1 || p > 65535) {
                    throw new IllegalArgumentException("port out of range");
                }
                return p;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad port");
            }
        }
    }

    private static final int MAX_RESPONSE_BYTES = 64 * 1024;
    /**
     * A connection idle this long is replaced rather than reused: load balancers and NAT gateways drop idle
     * connections silently (ALB after 60 s by default), and a write into a dropped connection would only fail
     * after the whole flush budget. Wall-clock based, since the environment may be frozen between invocations.
     */
    static final long MAX_IDLE_MILLIS = 55_000;

    private final Endpoint target;
    private final String hostHeader;
    private final String token;
    private final Route traces;
    private final Resolver resolver;
    private final byte[] readBuffer = new byte[8192];
    private final byte[] head = new byte[8192];
    private byte[] requestBuffer = new byte[16 * 1024];
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private long lastUsedMillis;
    private int readPos;
    private int readLimit;
    private String lastError;
    private long retryAfterMillis;

    public OtlpHttpClient(String endpoint, String token) {
        this(endpoint, token, new Resolver(Resolver.SYSTEM));
    }

    /** With a resolver of the caller's choosing (tests make it slow). */
    public OtlpHttpClient(String endpoint, String token, Resolver resolver) {
        this.target = Endpoint.parse(endpoint);
        this.token = token;
        this.resolver = resolver;
        boolean defaultPort = target.port == (target.https ? 443 : 80);
        hostHeader = (target.host.indexOf(':') >= 0 ? "[" + target.host + "]" : target.host)
                + (defaultPort ? "" : ":" + target.port);
        traces = route(target.path, "application/x-protobuf", null);
    }

    /** Platform events: JSON to {@code <base>/v1/lambda/telemetry}, with the function's identity headers. */
    Route platformRoute(String identityHeaderLines) {
        return route(target.base + "/v1/lambda/telemetry", "application/json", identityHeaderLines);
    }

    private Route route(String path, String contentType, String extraHeaderLines) {
        StringBuilder h = new StringBuilder(256)
                .append("POST ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostHeader).append("\r\n")
                .append("User-Agent: lambdascope-agent\r\n")
                .append("Content-Type: ").append(contentType).append("\r\n");
        if (token != null) {
            h.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        if (extraHeaderLines != null) {
            h.append(extraHeaderLines);
        }
        h.append("Content-Length: ");
        return new Route(h.toString().getBytes(StandardCharsets.UTF_8));
    }

    String lastError() {
        return lastError;
    }

    /** The collector's {@code Retry-After} (delay seconds) on the last answer, in ms; 0 when it sent none. */
    long retryAfterMillis() {
        return retryAfterMillis;
    }

    /** Sends one OTLP traces request; never blocks past {@code deadlineNanos} (System.nanoTime based). */
    Result post(byte[] body, int length, long deadlineNanos) {
        return post(traces, body, length, deadlineNanos);
    }

    /** Sends one request on {@code route}; never blocks past {@code deadlineNanos} (System.nanoTime based). */
    Result post(Route route, byte[] body, int length, long deadlineNanos) {
        retryAfterMillis = 0;
        int requestLength = buildRequest(route.headerPrefix, body, length);
        long now = System.currentTimeMillis();
        if (socket != null && (now - lastUsedMillis > MAX_IDLE_MILLIS || now < lastUsedMillis)) {
            close();
        }
        lastUsedMillis = now;
        boolean reused = socket != null;
        try {
            return exchange(requestLength, deadlineNanos);
        } catch (StaleConnection e) {
            close();
            if (!reused || remainingMillis(deadlineNanos) <= 0) {
                lastError = "connection closed by the collector";
                return Result.RETRYABLE;
            }
            try {
                return exchange(requestLength, deadlineNanos);
            } catch (StaleConnection | IOException again) {
                close();
                lastError = describe(again);
                return Result.RETRYABLE;
            }
        } catch (IOException e) {
            close();
            lastError = describe(e);
            return Result.RETRYABLE;
        }
    }

    private Result exchange(int requestLength, long deadlineNanos) throws IOException, StaleConnection {
        boolean fresh = socket == null;
        if (fresh) {
            connect(deadlineNanos);
        }
        try {
            out.write(requestBuffer, 0, requestLength);
            out.flush();
        } catch (IOException e) {
            if (fresh) {
                throw e;
            }
            throw new StaleConnection();
        }
        readPos = 0;
        readLimit = 0;
        int headLength = readHead(deadlineNanos, !fresh);
        int status = parseStatus(head, headLength);
        long contentLength = -1;
        boolean chunked = false;
        boolean closeAfter = head[7] == '0'; // HTTP/1.0
        // Header lines parsed in place: no Strings per response on the hot path.
        int lineStart = indexOf(head, 0, headLength, '\n') + 1;
        while (lineStart < headLength) {
            int lineEnd = indexOf(head, lineStart, headLength, '\n');
            int end = lineEnd > lineStart && head[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
            int colon = indexOf(head, lineStart, end, ':');
            if (colon > lineStart && colon < end) {
                int valueStart = colon + 1;
                while (valueStart < end && (head[valueStart] == ' ' || head[valueStart] == '\t')) {
                    valueStart++;
                }
                if (nameIs(head, lineStart, colon, "content-length")) {
                    contentLength = parseDecimal(head, valueStart, end);
                    if (contentLength < 0) {
                        throw new IOException("bad Content-Length");
                    }
                } else if (nameIs(head, lineStart, colon, "transfer-encoding")) {
                    chunked = containsIgnoreCase(head, valueStart, end, "chunked");
                } else if (nameIs(head, lineStart, colon, "connection")) {
                    closeAfter |= containsIgnoreCase(head, valueStart, end, "close");
                } else if (nameIs(head, lineStart, colon, "retry-after")) {
                    long seconds = parseDecimal(head, valueStart, end);
                    retryAfterMillis = seconds > 0 ? Math.min(seconds, 3600) * 1000L : 0;
                }
            }
            lineStart = lineEnd + 1;
        }
        if (chunked) {
            skipChunked(deadlineNanos);
        } else if (contentLength >= 0) {
            if (contentLength > MAX_RESPONSE_BYTES) {
                closeAfter = true;
            } else {
                skip(contentLength, deadlineNanos);
            }
        } else {
            closeAfter = true; // body delimited by close: not worth reading
        }
        if (closeAfter) {
            close();
        }
        if (status >= 200 && status < 300) {
            lastError = null;
            return Result.OK;
        }
        lastError = "HTTP " + status;
        if (status == 429 || status == 502 || status == 503 || status == 504 || status == 408) {
            return Result.RETRYABLE;
        }
        return Result.REJECTED;
    }

    private void connect(long deadlineNanos) throws IOException {
        int timeout = remainingMillis(deadlineNanos);
        if (timeout <= 0) {
            throw new SocketTimeoutException("flush budget spent before connecting");
        }
        // InetSocketAddress(host, port) would resolve without any time limit.
        InetAddress address = resolver.resolve(target.host, deadlineNanos);
        timeout = remainingMillis(deadlineNanos);
        if (timeout <= 0) {
            throw new SocketTimeoutException("flush budget spent on the DNS lookup");
        }
        // No proxy: avoids the proxy selector machinery (and its class loading) on the function's first export.
        Socket s = new Socket(Proxy.NO_PROXY);
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(address, target.port), timeout);
            if (target.https) {
                s = TlsSockets.wrap(s, target.host, target.port, deadlineNanos);
            }
            socket = s;
            in = s.getInputStream();
            out = s.getOutputStream();
        } catch (IOException | RuntimeException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
            throw e;
        }
    }

    void connectIfIdle(long deadlineNanos) {
        if (socket != null) {
            return;
        }
        try {
            connect(deadlineNanos);
            lastUsedMillis = System.currentTimeMillis();
        } catch (IOException | RuntimeException e) {
            close();
        }
    }

    private int buildRequest(byte[] headerPrefix, byte[] body, int length) {
        int digits = ProtoWriter.decimalDigits(length);
        int total = headerPrefix.length + digits + 4 + length;
        if (requestBuffer.length < total) {
            requestBuffer = new byte[Math.max(total, requestBuffer.length * 2)];
        }
        int p = 0;
        System.arraycopy(headerPrefix, 0, requestBuffer, p, headerPrefix.length);
        p += headerPrefix.length;
        for (int i = digits - 1, v = length; i >= 0; i--, v /= 10) {
            requestBuffer[p + i] = (byte) ('0' + v % 10);
        }
        p += digits;
        requestBuffer[p++] = '\r';
        requestBuffer[p++] = '\n';
        requestBuffer[p++] = '\r';
        requestBuffer[p++] = '\n';
        System.arraycopy(body, 0, requestBuffer, p, length);
        return p + length;
    }

    private int read(long deadlineNanos) throws IOException {
        if (readPos < readLimit) {
            return readBuffer[readPos++] & 0xFF;
        }
        int timeout = remainingMillis(deadlineNanos);
        if (timeout <= 0) {
            throw new SocketTimeoutException("no answer within the flush budget");
        }
        socket.setSoTimeout(timeout);
        int n = in.read(readBuffer, 0, readBuffer.length);
        if (n <= 0) {
            return -1;
        }
        readPos = 1;
        readLimit = n;
        return readBuffer[0] & 0xFF;
    }

    /** A line of a chunked body: the status line is behind us, so the connection was not stale. */
    private String readLine(long deadlineNanos) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        while (true) {
            int b = read(deadlineNanos);
            if (b < 0) {
                throw new IOException("connection closed mid-response");
            }
            if (b == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            if (sb.length() > 8192) {
                throw new IOException("response header line too long");
            }
            sb.append((char) b);
        }
    }

    /**
     * Reads the status line and headers into {@link #head} up to the empty line; returns their length.
     * EOF or a reset before the first byte on a reused connection means the server had closed it.
     */
    private int readHead(long deadlineNanos, boolean reusedConnection) throws IOException, StaleConnection {
        int n = 0;
        while (true) {
            int b;
            try {
                b = read(deadlineNanos);
            } catch (SocketTimeoutException e) {
                throw e;
            } catch (IOException e) {
                if (reusedConnection && n == 0) {
                    throw new StaleConnection();
                }
                throw e;
            }
            if (b < 0) {
                if (reusedConnection && n == 0) {
                    throw new StaleConnection();
                }
                throw new IOException("connection closed mid-response");
            }
            if (n == head.length) {
                throw new IOException("response headers too long");
            }
            head[n++] = (byte) b;
            if (b == '\n' && (n >= 2 && head[n - 2] == '\n' || n >= 4 && head[n - 2] == '\r' && head[n - 3] == '\n')) {
                return n;
            }
        }
    }

    private static int parseStatus(byte[] h, int length) throws IOException {
        if (length < 12 || h[0] != 'H' || h[1] != 'T' || h[2] != 'T' || h[3] != 'P' || h[4] != '/') {
            throw new IOException("not an HTTP response");
        }
        long status = parseDecimal(h, 9, 12);
        if (status < 100) {
            throw new IOException("bad status line");
        }
        return (int) status;
    }

    private static int indexOf(byte[] h, int from, int to, char c) {
        for (int i = from; i < to; i++) {
            if (h[i] == c) {
                return i;
            }
        }
        return to;
    }

    /** Digits up to the first non-digit; -1 if there are none. */
    private static long parseDecimal(byte[] h, int from, int to) {
        long v = 0;
        int i = from;
        for (; i < to && h[i] >= '0' && h[i] <= '9' && i - from < 18; i++) {
            v = v * 10 + (h[i] - '0');
        }
        return i == from ? -1 : v;
    }

    private static boolean nameIs(byte[] h, int from, int to, String lowerCaseName) {
        int end = to;
        while (end > from && h[end - 1] == ' ') {
            end--;
        }
        if (end - from != lowerCaseName.length()) {
            return false;
        }
        for (int i = 0; i < lowerCaseName.length(); i++) {
            if (Character.toLowerCase((char) (h[from + i] & 0xFF)) != lowerCaseName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean containsIgnoreCase(byte[] h, int from, int to, String lowerCaseWord) {
        int n = lowerCaseWord.length();
        for (int i = from; i + n <= to; i++) {
            int k = 0;
            while (k < n && Character.toLowerCase((char) (h[i + k] & 0xFF)) == lowerCaseWord.charAt(k)) {
                k++;
            }
            if (k == n) {
                return true;
            }
        }
        return false;
    }

    private void skip(long count, long deadlineNanos) throws IOException {
        for (long i = 0; i < count; i++) {
            if (read(deadlineNanos) < 0) {
                throw new IOException("connection closed mid-body");
            }
        }
    }

    private void skipChunked(long deadlineNanos) throws IOException {
        long total = 0;
        while (true) {
            String sizeLine = readLine(deadlineNanos);
            int semi = sizeLine.indexOf(';');
            long size;
            try {
                size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size");
            }
            total += size;
            if (total > MAX_RESPONSE_BYTES) {
                throw new IOException("response body too large");
            }
            if (size == 0) {
                // trailers until the empty line
                while (!readLine(deadlineNanos).isEmpty()) {
                    // skip
                }
                return;
            }
            skip(size, deadlineNanos);
            readLine(deadlineNanos);
        }
    }

    private static int remainingMillis(long deadlineNanos) {
        long nanos = deadlineNanos - System.nanoTime();
        if (nanos <= 0) {
            return 0;
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, nanos / 1_000_000L));
    }

    void close() {
        Socket s = socket;
        socket = null;
        in = null;
        out = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing is best effort
            }
        }
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + m;
    }

    /** The kept-alive connection was closed by the server before it answered: safe to send again. */
    private static final class StaleConnection extends Exception {
        private static final long serialVersionUID = 1L;

        StaleConnection() {
            super(null, null, false, false);
        }
    }
}
