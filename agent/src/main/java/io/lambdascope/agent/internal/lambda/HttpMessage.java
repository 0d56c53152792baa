package io.lambdascope.agent.internal.lambda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The head of one HTTP/1.1 message (request or response) and the reading of its body: just what the Extensions
 * API client and the Telemetry API listener need, with every size bounded. Header names compare case-blind.
 */
final class HttpMessage {
    /** The body is larger than the reader allows. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }

    private final String startLine;
    private final String[] headerLines;

    private HttpMessage(String startLine, String[] headerLines) {
        this.startLine = startLine;
        this.headerLines = headerLines;
    }

    /** Reads up to the empty line; null when the stream ends before the first byte (the peer closed). */
    static HttpMessage readHead(InputStream in, int maxBytes) throws IOException {
        byte[] head = new byte[Math.min(maxBytes, 1024)];
        int n = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (n == 0) {
                    return null;
                }
                throw new IOException("connection closed inside the message head");
            }
            if (n == head.length) {
                if (n >= maxBytes) {
                    throw new TooLarge("message head over " + maxBytes + " bytes");
                }
                byte[] bigger = new byte[Math.min(maxBytes, n * 2)];
                System.arraycopy(head, 0, bigger, 0, n);
                head = bigger;
            }
            head[n++] = (byte) b;
            if (b == '\n' && (n >= 2 && head[n - 2] == '\n' || n >= 4 && head[n - 2] == '\r' && head[n - 3] == '\n')) {
                break;
            }
        }
        String text = new String(head, 0, n, StandardCharsets.ISO_8859_1);
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (head[i] == '\n') {
                count++;
            }
        }
        String[] lines = new String[count];
        int lines0 = 0;
        int from = 0;
        for (int i = 0; i < n; i++) {
            if (head[i] == '\n') {
                int to = i > from && head[i - 1] == '\r' ? i - 1 : i;
                if (to > from) {
                    lines[lines0++] = text.substring(from, to);
                }
                from = i + 1;
            }
        }
        if (lines0 == 0) {
            throw new IOException("empty message head");
        }
        String[] headers = new String[lines0 - 1];
        System.arraycopy(lines, 1, headers, 0, headers.length);
        return new HttpMessage(lines[0], headers);
    }

    /** A response's status code. */
    int status() throws IOException {
        if (!startLine.startsWith("HTTP/1.") || startLine.length() < 12) {
            throw new IOException("not an HTTP response: " + startLine);
        }
        try {
            return Integer.parseInt(startLine.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("bad status line: " + startLine);
        }
    }

    /** A request's method, or null when the start line is not a request line. */
    String method() {
        int sp = startLine.indexOf(' ');
        return sp > 0 ? startLine.substring(0, sp) : null;
    }

    /** Whether the message is HTTP/1.0 (no keep-alive unless asked for; we never ask). */
    boolean http10() {
        return startLine.endsWith("HTTP/1.0") || startLine.startsWith("HTTP/1.0");
    }

    /** The value of the first header named {@code lowerCaseName}, trimmed; null when absent. */
    String header(String lowerCaseName) {
        for (String line : headerLines) {
            int colon = line.indexOf(':');
            if (colon == lowerCaseName.length() && line.regionMatches(true, 0, lowerCaseName, 0, colon)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** Content-Length, -1 when absent, -2 when unparseable. */
    long contentLength() {
        String v = header("content-length");
        if (v == null) {
            return -1;
        }
        try {
            long n = Long.parseLong(v);
            return n >= 0 ? n : -2;
        } catch (NumberFormatException e) {
            return -2;
        }
    }

    boolean chunked() {
        String v = header("transfer-encoding");
        return v != null && v.toLowerCase(java.util.Locale.ROOT).contains("chunked");
    }

    /**
     * The body: by Content-Length, chunked, or (when {@code untilEof}, for a response on a closing connection)
     * everything up to the end of the stream; at most {@code maxBytes}, else {@link TooLarge}.
     */
    byte[] readBody(InputStream in, int maxBytes, boolean untilEof) throws IOException {
        long length = contentLength();
        if (length == -2) {
            throw new IOException("bad Content-Length");
        }
        if (chunked()) {
            return readChunked(in, maxBytes);
        }
        if (length >= 0) {
            if (length > maxBytes) {
                throw new TooLarge("body of " + length + " bytes, over " + maxBytes);
            }
            byte[] body = new byte[(int) length];
            readFully(in, body, 0, body.length);
            return body;
        }
        if (!untilEof) {
            return new byte[0];
        }
        byte[] body = new byte[1024];
        int n = 0;
        int r;
        while ((r = in.read(body, n, body.length - n)) > 0) {
            n += r;
            if (n == body.length) {
                if (n >= maxBytes) {
                    throw new TooLarge("body over " + maxBytes + " bytes");
                }
                byte[] bigger = new byte[Math.min(maxBytes, n * 2)];
                System.arraycopy(body, 0, bigger, 0, n);
                body = bigger;
            }
        }
        byte[] exact = new byte[n];
        System.arraycopy(body, 0, exact, 0, n);
        return exact;
    }

    private static byte[] readChunked(InputStream in, int maxBytes) throws IOException {
        byte[] body = new byte[0];
        while (true) {
            String sizeLine = line(in);
            int semi = sizeLine.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size");
            }
            if (size < 0 || (long) body.length + size > maxBytes) {
                throw new TooLarge("chunked body over " + maxBytes + " bytes");
            }
            if (size == 0) {
                while (!line(in).isEmpty()) {
                    // trailers
                }
                return body;
            }
            byte[] bigger = new byte[body.length + size];
            System.arraycopy(body, 0, bigger, 0, body.length);
            readFully(in, bigger, body.length, size);
            body = bigger;
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(16);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside a chunked body");
            }
            if (b == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            if (sb.length() > 1024) {
                throw new IOException("chunk line too long");
            }
            sb.append((char) b);
        }
    }

    private static void readFully(InputStream in, byte[] into, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int r = in.read(into, off + done, len - done);
            if (r < 0) {
                throw new IOException("connection closed inside the body");
            }
            done += r;
        }
    }
}
