package io.lambdascope.processor.state;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The compact binary form of what the stores hold: variable-length integers, doubles, and strings
 * as their UTF-8 length and bytes. The changelogs hold these bytes: a change here must still read
 * what is already there (each value leads with a version byte).
 */
public final class Bin {
  private Bin() {}

  /** A growable byte buffer to write into. */
  public static final class Writer {
    private byte[] buf;
    private int len;

    public Writer(int capacity) {
      buf = new byte[Math.max(16, capacity)];
    }

    private void ensure(int n) {
      if (len + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
      }
    }

    public Writer u8(int v) {
      ensure(1);
      buf[len++] = (byte) v;
      return this;
    }

    public Writer bool(boolean v) {
      return u8(v ? 1 : 0);
    }

    /** Unsigned LEB128 of a non-negative long (negatives take 10 bytes: use {@link #svar}). */
    public Writer var(long v) {
      ensure(10);
      while ((v & ~0x7FL) != 0) {
        buf[len++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[len++] = (byte) v;
      return this;
    }

    /** Zig-zag: small negatives (-1 for "not known") stay small. */
    public Writer svar(long v) {
      return var((v << 1) ^ (v >> 63));
    }

    public Writer f64(double v) {
      long bits = Double.doubleToRawLongBits(v);
      ensure(8);
      for (int i = 7; i >= 0; i--) {
        buf[len++] = (byte) (bits >>> (8 * i));
      }
      return this;
    }

    public Writer i64(long v) {
      ensure(8);
      for (int i = 7; i >= 0; i--) {
        buf[len++] = (byte) (v >>> (8 * i));
      }
      return this;
    }

    /** A string as its UTF-8 length + 1 (0 for null) and bytes. */
    public Writer str(String s) {
      if (s == null) {
        return var(0);
      }
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      var(b.length + 1L);
      ensure(b.length);
      System.arraycopy(b, 0, buf, len, b.length);
      len += b.length;
      return this;
    }

    public byte[] toBytes() {
      return Arrays.copyOf(buf, len);
    }
  }

  /** Reads what a {@link Writer} wrote; a short or malformed input throws {@link IllegalArgumentException}. */
  public static final class Reader {
    private final byte[] buf;
    private int pos;

    public Reader(byte[] buf) {
      this.buf = buf;
    }

    private void need(int n) {
      if (pos + n > buf.length) {
        throw new IllegalArgumentException("truncated state entry (" + buf.length + " bytes)");
      }
    }

    public int u8() {
      need(1);
      return buf[pos++] & 0xFF;
    }

    public boolean bool() {
      return u8() != 0;
    }

    public long var() {
      long v = 0;
      for (int shift = 0; shift < 70; shift += 7) {
        int b = u8();
        v |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
      }
      throw new IllegalArgumentException("malformed variable-length integer");
    }

    public int varInt() {
      long v = var();
      if (v < 0 || v > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("count out of range: " + v);
      }
      return (int) v;
    }

    public long svar() {
      long v = var();
      return (v >>> 1) ^ -(v & 1);
    }

    public long i64() {
      need(8);
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (buf[pos++] & 0xFF);
      }
      return v;
    }

    public double f64() {
      return Double.longBitsToDouble(i64());
    }

    public String str() {
      int n = varInt();
      if (n == 0) {
        return null;
      }
      need(n - 1);
      String s = new String(buf, pos, n - 1, StandardCharsets.UTF_8);
      pos += n - 1;
      return s;
    }

    public boolean atEnd() {
      return pos == buf.length;
    }
  }
}
