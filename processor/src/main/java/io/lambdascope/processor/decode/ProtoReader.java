package io.lambdascope.processor.decode;

import java.nio.charset.StandardCharsets;

/**
 * A cursor over protobuf wire format in a byte array, for reading OTLP requests without building
 * their message objects: fields are visited in place, strings made only for the values kept. A
 * message is a range [start, end) of the array; {@link #enter} and {@link #leave} bound the cursor to
 * a nested one. Malformed input throws {@link Malformed}.
 */
final class ProtoReader {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH_DELIMITED = 2;
  static final int FIXED32 = 5;

  /** The bytes are not the protobuf message they should be. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  final byte[] buf;
  int pos;
  int limit;

  ProtoReader(byte[] buf) {
    this.buf = buf;
    this.limit = buf.length;
  }

  boolean more() {
    return pos < limit;
  }

  /** The next field's tag (field number << 3 | wire type). */
  int tag() throws Malformed {
    long t = varint();
    if (t <= 0 || t > Integer.MAX_VALUE || (t & 7) == 3 || (t & 7) == 4 || (t & 7) > 5) {
      throw new Malformed("invalid tag " + t + " at " + (pos - 1));
    }
    return (int) t;
  }

  long varint() throws Malformed {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= limit) {
        throw new Malformed("truncated varint");
      }
      byte b = buf[pos++];
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
    }
    throw new Malformed("malformed varint");
  }

  long fixed64() throws Malformed {
    if (limit - pos < 8) {
      throw new Malformed("truncated fixed64");
    }
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (buf[pos + i] & 0xFFL);
    }
    pos += 8;
    return v;
  }

  /** A length-delimited field's length; the cursor is at its first byte. */
  int length() throws Malformed {
    long n = varint();
    if (n < 0 || n > limit - pos) {
      throw new Malformed("length " + n + " beyond the message");
    }
    return (int) n;
  }

  void skip(int wireType) throws Malformed {
    switch (wireType) {
      case VARINT -> varint();
      case FIXED64 -> advance(8);
      case LENGTH_DELIMITED -> advance(length());
      case FIXED32 -> advance(4);
      default -> throw new Malformed("wire type " + wireType);
    }
  }

  void advance(int n) throws Malformed {
    if (n > limit - pos) {
      throw new Malformed("truncated field");
    }
    pos += n;
  }

  /** Bounds the cursor to the nested message of length {@code length} at the cursor; returns the outer limit. */
  int enter(int length) {
    int outer = limit;
    limit = pos + length;
    return outer;
  }

  /** Back to the outer message, past the nested one. */
  void leave(int outer) {
    pos = limit;
    limit = outer;
  }

  String string(int start, int length) {
    return new String(buf, start, length, StandardCharsets.UTF_8);
  }
}
