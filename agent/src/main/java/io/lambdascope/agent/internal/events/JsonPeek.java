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
     * The elements of a JSON array, parsed, with where each one lies in {@code bytes} ({@code bounds[2i]} to
     * {@code bounds[2i+1]}, exclusive); null when the document is not a valid JSON array. {@code bytes} must hold
     * exactly {@code length} bytes.
     */
    public static Elements parseArray(byte[] bytes, int length) {
        JsonPeek parser = new JsonPeek(bytes, length);
        try {
            parser.skipWhitespace();
            parser.expect('[');
            List<Object> values = new ArrayList<>();
            int[] bounds = new int[16];
            parser.skipWhitespace();
            if (parser.b[parser.p] == ']') {
                parser.p++;
            } else {
                while (true) {
                    parser.skipWhitespace();
                    if (2 * values.size() + 2 > bounds.length) {
                        int[] bigger = new int[bounds.length * 2];
                        System.arraycopy(bounds, 0, bigger, 0, bounds.length);
                        bounds = bigger;
                    }
                    bounds[2 * values.size()] = parser.p;
                    Object value = parser.value(1);
                    bounds[2 * values.size() + 1] = parser.p;
                    values.add(value);
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
            return parser.p == parser.end ? new Elements(values, bounds) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A parsed JSON array and the byte range of each element. */
    public static final class Elements {
        public final List<Object> values;
        private final int[] bounds;

        Elements(List<Object> values, int[] bounds) {
            this.values = values;
            this.bounds = bounds;
        }

        public int start(int i) {
            return bounds[2 * i];
        }

        public int end(int i) {
            return bounds[2 * i + 1];
        }
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
