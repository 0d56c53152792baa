package io.lambdascope.agent.internal.export;

/**
 * A growable buffer that writes protobuf wire format by hand, so the agent carries no protobuf runtime.
 * Nested messages reserve one length byte and shift their content when the length needs more.
 * Not thread-safe; reused across spans to keep allocation low.
 */
final class ProtoWriter {
    private static final int WIRE_VARINT = 0;
    private static final int WIRE_FIXED64 = 1;
    private static final int WIRE_LEN = 2;

    private byte[] buf;
    private int pos;

    public ProtoWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    public void reset() {
        pos = 0;
    }

    public int size() {
        return pos;
    }

    public byte[] buffer() {
        return buf;
    }

    public byte[] toByteArray() {
        byte[] out = new byte[pos];
        System.arraycopy(buf, 0, out, 0, pos);
        return out;
    }

    private void ensure(int extra) {
        if (pos + extra > buf.length) {
            byte[] bigger = new byte[Math.max(buf.length * 2, pos + extra)];
            System.arraycopy(buf, 0, bigger, 0, pos);
            buf = bigger;
        }
    }

    private void rawVarint(long value) {
        ensure(10);
        while ((value & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buf[pos++] = (byte) value;
    }

    private void tag(int field, int wireType) {
        rawVarint(((long) field << 3) | wireType);
    }

    public void varint(int field, long value) {
        tag(field, WIRE_VARINT);
        rawVarint(value);
    }

    public void bool(int field, boolean value) {
        varint(field, value ? 1 : 0);
    }

    public void fixed64(int field, long value) {
        tag(field, WIRE_FIXED64);
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[pos++] = (byte) (value >>> (8 * i));
        }
    }

    public void bytes(int field, byte[] value) {
        tag(field, WIRE_LEN);
        rawVarint(value.length);
        ensure(value.length);
        System.arraycopy(value, 0, buf, pos, value.length);
        pos += value.length;
    }

    public void string(int field, String value) {
        string(field, value, Integer.MAX_VALUE);
    }

    /** Writes at most {@code maxBytes} of UTF-8, cut on a character boundary. */
    public void string(int field, String value, int maxBytes) {
        int start = beginMessage(field);
        int limit = pos + maxBytes < 0 ? Integer.MAX_VALUE : pos + maxBytes;
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                if (pos + 1 > limit) {
                    break;
                }
                ensure(1);
                buf[pos++] = (byte) c;
            } else if (c < 0x800) {
                if (pos + 2 > limit) {
                    break;
                }
                ensure(2);
                buf[pos++] = (byte) (0xC0 | (c >> 6));
                buf[pos++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                if (pos + 4 > limit) {
                    break;
                }
                int cp = Character.toCodePoint(c, value.charAt(++i));
                ensure(4);
                buf[pos++] = (byte) (0xF0 | (cp >> 18));
                buf[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buf[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buf[pos++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                if (pos + 3 > limit) {
                    break;
                }
                if (Character.isSurrogate(c)) {
                    c = '?'; // a lone surrogate is not valid UTF-8
                    ensure(1);
                    buf[pos++] = (byte) c;
                    continue;
                }
                ensure(3);
                buf[pos++] = (byte) (0xE0 | (c >> 12));
                buf[pos++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[pos++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        endMessage(start);
    }

    /** Starts a length-delimited field; returns the token for {@link #endMessage(int)}. */
    public int beginMessage(int field) {
        tag(field, WIRE_LEN);
        ensure(1);
        pos++; // one byte reserved for the length
        return pos;
    }

    public void endMessage(int contentStart) {
        int length = pos - contentStart;
        int lengthSize = varintSize(length);
        if (lengthSize > 1) {
            ensure(lengthSize - 1);
            System.arraycopy(buf, contentStart, buf, contentStart + lengthSize - 1, length);
            pos += lengthSize - 1;
        }
        int p = contentStart - 1;
        long value = length;
        while ((value & ~0x7FL) != 0) {
            buf[p++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buf[p] = (byte) value;
    }

    /** Writes an 8-byte big-endian id (trace and span ids are byte strings in OTLP) without allocating. */
    public void id(int field, long id) {
        tag(field, WIRE_LEN);
        rawVarint(8);
        ensure(8);
        for (int i = 7; i >= 0; i--) {
            buf[pos + i] = (byte) id;
            id >>>= 8;
        }
        pos += 8;
    }

    /** A 16-byte id from two longs, high half first. */
    public void id(int field, long high, long low) {
        tag(field, WIRE_LEN);
        rawVarint(16);
        ensure(16);
        for (int i = 7; i >= 0; i--) {
            buf[pos + i] = (byte) high;
            buf[pos + 8 + i] = (byte) low;
            high >>>= 8;
            low >>>= 8;
        }
        pos += 16;
    }

    static int decimalDigits(int value) {
        int digits = 1;
        while (value >= 10) {
            value /= 10;
            digits++;
        }
        return digits;
    }

    static int varintSize(long value) {
        int size = 1;
        while ((value & ~0x7FL) != 0) {
            value >>>= 7;
            size++;
        }
        return size;
    }

    // --- OTLP common.proto helpers: KeyValue {1 key, 2 value: AnyValue {1 string, 2 bool, 3 int, 4 double}} ---

    public void stringAttribute(int field, String key, String value) {
        stringAttribute(field, key, value, Integer.MAX_VALUE);
    }

    public void stringAttribute(int field, String key, String value, int maxBytes) {
        if (value == null) {
            return;
        }
        int kv = beginMessage(field);
        string(1, key);
        int any = beginMessage(2);
        string(1, value, maxBytes);
        endMessage(any);
        endMessage(kv);
    }

    public void boolAttribute(int field, String key, boolean value) {
        int kv = beginMessage(field);
        string(1, key);
        int any = beginMessage(2);
        bool(2, value);
        endMessage(any);
        endMessage(kv);
    }

    public void intAttribute(int field, String key, long value) {
        int kv = beginMessage(field);
        string(1, key);
        int any = beginMessage(2);
        varint(3, value);
        endMessage(any);
        endMessage(kv);
    }
}
