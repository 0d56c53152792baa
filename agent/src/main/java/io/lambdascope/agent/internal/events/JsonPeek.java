package io.lambdascope.agent.internal.events;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lets {@link EventInspector} see the event (and response) of a {@code RequestStreamHandler}: the runtime client passes a
 * {@code ByteArrayInputStream}, which can be read and rewound without the handler noticing. The JSON is parsed
 * into Maps and Lists, the shape a handler taking {@code Map} receives. Only that exact stream class, and only
 * events up to {@link #MAX_BYTES}: anything else stays unread.
 */
public final class JsonPeek {
    private static final int MAX_BYTES = 1024 * 1024;
    private static final int MAX_DEPTH = 64;

    private final byte[] b;
    private final int end;
    private int p;

    private JsonPeek(byte[] bytes, int length) {
        this.b = bytes;
        this.end = length;
    }

    /** The event parsed from {@code stream}, rewound afterwards; null when it is not peekable JSON. */
    static Object peek(Object stream) {
        if (stream == null || stream.getClass() != ByteArrayInputStream.class) {
            return null;
        }
        ByteArrayInputStream in = (ByteArrayInputStream) stream;
        int available = in.available();
        if (available <= 0 || available > MAX_BYTES) {
            return null;
        }
        byte[] bytes = new byte[available];
        int n;
        in.mark(available);
        try {
            n = in.readNBytes(bytes, 0, available);
        } finally {
            in.reset();
        }
        return parse(bytes, n);
    }

    /**
     * What a stream handler wrote, parsed, when it wrote into the runtime client's {@code ByteArrayOutputStream}
     * (at most 64 KiB); otherwise null.
     */
    public static Object written(Object stream) {
        if (stream == null || stream.getClass() != java.io.ByteArrayOutputStream.class) {
            return null;
        }
        java.io.ByteArrayOutputStream out = (java.io.ByteArrayOutputStream) stream;
        if (out.size() == 0 || out.size() > 64 * 1024) {
            return null;
        }
        byte[] bytes = out.toByteArray();
        return parse(bytes, bytes.length);
    }

    /**
     * Scans a Telemetry API batch, a JSON array of event objects, without building it: checks that it is valid
     * JSON, and returns where each element lies, its top-level {@code type} and its {@code record.requestId}
     * (null when absent or not strings); null when the document is not a valid JSON array or an element is not an
     * object. Allocates only those strings and the result, whatever the events hold. {@code bytes} must hold
     * exactly {@code length} bytes.
     */
    public static Events scanEvents(byte[] bytes, int length) {
        JsonPeek parser = new JsonPeek(bytes, length);
        try {
            Events events = new Events();
            parser.skipWhitespace();
            parser.expect('[');
            parser.skipWhitespace();
            if (parser.b[parser.p] == ']') {
                parser.p++;
            } else {
                while (true) {
                    parser.skipWhitespace();
                    if (parser.b[parser.p] != '{') {
                        return null;
                    }
                    int start = parser.p;
                    parser.event(events, false);
                    events.end(start, parser.p);
                    parser.skipWhitespace();
                    if (parser.b[parser.p] == ',') {
                        parser.p++;
                    } else {
                        parser.expect(']');
                        break;
                    }
                }
            }
            parser.skipWhitespace();
            return parser.p == parser.end ? events : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** What {@link #scanEvents} found: per element, its byte range, its type and its record's request id. */
    public static final class Events {
        private int count;
        private int[] bounds = new int[16];
        private String[] types = new String[8];
        private String[] requestIds = new String[8];
        private String type;
        private String requestId;

        public int size() {
            return count;
        }

        public int start(int i) {
            return bounds[2 * i];
        }

        public int end(int i) {
            return bounds[2 * i + 1];
        }

        /** The element's {@code type} if it is a string, else null. */
        public String type(int i) {
            return types[i];
        }

        /** The element's {@code record.requestId} if it is a string, else null. */
        public String requestId(int i) {
            return requestIds[i];
        }

        private void end(int start, int end) {
            if (count == types.length) {
                types = java.util.Arrays.copyOf(types, count * 2);
                requestIds = java.util.Arrays.copyOf(requestIds, count * 2);
                bounds = java.util.Arrays.copyOf(bounds, count * 4);
            }
            bounds[2 * count] = start;
            bounds[2 * count + 1] = end;
            types[count] = type;
            requestIds[count] = requestId;
            type = null;
            requestId = null;
            count++;
        }
    }

    /**
     * One event object of a batch ({@code inRecord} false), or its {@code record} (true): {@code type} and
     * {@code record.requestId} are read, the rest skipped.
     */
    private void event(Events into, boolean inRecord) {
        if (opensEmpty('}')) {
            return;
        }
        do {
            skipWhitespace();
            int key = key();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            if (!inRecord && key == KEY_TYPE && b[p] == '"') {
                into.type = string();
            } else if (!inRecord && key == KEY_RECORD && b[p] == '{') {
                event(into, true);
            } else if (inRecord && key == KEY_REQUEST_ID && b[p] == '"') {
                into.requestId = string();
            } else {
                skip(inRecord ? 3 : 2);
            }
        } while (more('}'));
    }

    /** Steps over an opening bracket; true (and past {@code close}) when nothing is inside. */
    private boolean opensEmpty(char close) {
        p++;
        skipWhitespace();
        if (b[p] == close) {
            p++;
            return true;
        }
        return false;
    }

    /** After a member or an element: true when a comma says another follows, false at {@code close}. */
    private boolean more(char close) {
        skipWhitespace();
        if (b[p] == ',') {
            p++;
            return true;
        }
        expect(close);
        return false;
    }

    private static final int KEY_OTHER = 0;
    private static final int KEY_TYPE = 1;
    private static final int KEY_RECORD = 2;
    private static final int KEY_REQUEST_ID = 3;

    /** Reads an object key; which of the keys a batch scan looks for it is (escaped keys decoded first). */
    private int key() {
        if (b[p] != '"') {
            throw new IllegalArgumentException("key expected");
        }
        int start = p + 1;
        int q = start;
        while (b[q] != '"' && b[q] != '\\') {
            q++;
        }
        if (b[q] == '\\') {
            String k = string();
            return "type".equals(k) ? KEY_TYPE : "record".equals(k) ? KEY_RECORD
                    : "requestId".equals(k) ? KEY_REQUEST_ID : KEY_OTHER;
        }
        p = q + 1;
        return is(start, q, "type") ? KEY_TYPE : is(start, q, "record") ? KEY_RECORD
                : is(start, q, "requestId") ? KEY_REQUEST_ID : KEY_OTHER;
    }

    private boolean is(int start, int end, String ascii) {
        if (end - start != ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (b[start + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Skips one value, checking its syntax as {@link #value} does, without building anything. */
    private void skip(int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("too deep");
        }
        skipWhitespace();
        switch (b[p]) {
            case '{':
                if (opensEmpty('}')) {
                    return;
                }
                do {
                    skipWhitespace();
                    if (b[p] != '"') {
                        throw new IllegalArgumentException("key expected");
                    }
                    skipString();
                    skipWhitespace();
                    expect(':');
                    skip(depth + 1);
                } while (more('}'));
                return;
            case '[':
                if (opensEmpty(']')) {
                    return;
                }
                do {
                    skip(depth + 1);
                } while (more(']'));
                return;
            case '"':
                skipString();
                return;
            case 't':
                literal("true");
                return;
            case 'f':
                literal("false");
                return;
            case 'n':
                literal("null");
                return;
            default:
                skipNumber();
        }
    }

    private void skipString() {
        p++;
        while (b[p] != '"') {
            if (b[p] == '\\') {
                if (b[p + 1] == 'u') {
                    for (int i = 2; i < 6; i++) {
                        if (Character.digit(b[p + i], 16) < 0) {
                            throw new IllegalArgumentException("bad escape");
                        }
                    }
                    p += 6;
                } else {
                    p += 2;
                }
            } else {
                p++;
            }
        }
        p++;
    }

    /** A JSON number: {@code -? digits (. digits)? ([eE] [+-]? digits)?}. */
    private void skipNumber() {
        if (p < end && b[p] == '-') {
            p++;
        }
        int digits = digits();
        if (digits == 0) {
            throw new IllegalArgumentException("value expected");
        }
        if (p < end && b[p] == '.') {
            p++;
            if (digits() == 0) {
                throw new IllegalArgumentException("bad number");
            }
        }
        if (p < end && (b[p] == 'e' || b[p] == 'E')) {
            p++;
            if (p < end && (b[p] == '+' || b[p] == '-')) {
                p++;
            }
            if (digits() == 0) {
                throw new IllegalArgumentException("bad number");
            }
        }
    }

    private int digits() {
        int start = p;
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            p++;
        }
        return p - start;
    }

    /** Parses a JSON document; null if it is not valid JSON (the inspector then sees a direct invocation). */
    public static Object parse(byte[] bytes, int length) {
        JsonPeek parser = new JsonPeek(bytes, length);
        try {
            Object value = parser.value(0);
            parser.skipWhitespace();
            return parser.p == parser.end ? value : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("too deep");
        }
        skipWhitespace();
        byte c = b[p];
        switch (c) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return string();
            case 't':
                literal("true");
                return Boolean.TRUE;
            case 'f':
                literal("false");
                return Boolean.FALSE;
            case 'n':
                literal("null");
                return null;
            default:
                return number();
        }
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> map = new HashMap<>();
        p++;
        skipWhitespace();
        if (b[p] == '}') {
            p++;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (b[p] != '"') {
                throw new IllegalArgumentException("key expected");
            }
            String key = string();
            skipWhitespace();
            expect(':');
            map.put(key, value(depth + 1));
            skipWhitespace();
            if (b[p] == ',') {
                p++;
            } else {
                expect('}');
                return map;
            }
        }
    }

    private List<Object> array(int depth) {
        List<Object> list = new ArrayList<>();
        p++;
        skipWhitespace();
        if (b[p] == ']') {
            p++;
            return list;
        }
        while (true) {
            list.add(value(depth + 1));
            skipWhitespace();
            if (b[p] == ',') {
                p++;
            } else {
                expect(']');
                return list;
            }
        }
    }

    private String string() {
        p++; // opening quote
        int start = p;
        while (b[p] != '"' && b[p] != '\\') {
            p++;
        }
        if (b[p] == '"') {
            return new String(b, start, p++ - start, StandardCharsets.UTF_8);
        }
        StringBuilder sb = new StringBuilder(new String(b, start, p - start, StandardCharsets.UTF_8));
        int runStart = p;
        while (b[p] != '"') {
            if (b[p] == '\\') {
                sb.append(new String(b, runStart, p - runStart, StandardCharsets.UTF_8));
                char e = (char) b[p + 1];
                p += 2;
                switch (e) {
                    case 'n':
                        sb.append('\n');
                        break;
                    case 't':
                        sb.append('\t');
                        break;
                    case 'r':
                        sb.append('\r');
                        break;
                    case 'b':
                        sb.append('\b');
                        break;
                    case 'f':
                        sb.append('\f');
                        break;
                    case 'u':
                        sb.append((char) Integer.parseInt(new String(b, p, 4, StandardCharsets.US_ASCII), 16));
                        p += 4;
                        break;
                    default:
                        sb.append(e); // \" \\ \/
                }
                runStart = p;
            } else {
                p++;
            }
        }
        sb.append(new String(b, runStart, p - runStart, StandardCharsets.UTF_8));
        p++;
        return sb.toString();
    }

    private Object number() {
        int start = p;
        boolean integral = true;
        while (p < end) {
            byte c = b[p];
            if (c >= '0' && c <= '9' || c == '-' || c == '+') {
                p++;
            } else if (c == '.' || c == 'e' || c == 'E') {
                integral = false;
                p++;
            } else {
                break;
            }
        }
        if (p == start) {
            throw new IllegalArgumentException("value expected");
        }
        String text = new String(b, start, p - start, StandardCharsets.US_ASCII);
        if (integral && p - start < 19) {
            return Long.parseLong(text);
        }
        return Double.parseDouble(text);
    }

    private void literal(String word) {
        for (int i = 0; i < word.length(); i++) {
            if (b[p + i] != word.charAt(i)) {
                throw new IllegalArgumentException("bad literal");
            }
        }
        p += word.length();
    }

    private void expect(char c) {
        if (b[p] != c) {
            throw new IllegalArgumentException("expected " + c);
        }
        p++;
    }

    private void skipWhitespace() {
        while (p < end && (b[p] == ' ' || b[p] == '\n' || b[p] == '\r' || b[p] == '\t')) {
            p++;
        }
    }
}
