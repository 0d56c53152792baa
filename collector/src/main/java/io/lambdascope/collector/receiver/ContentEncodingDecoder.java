package io.lambdascope.collector.receiver;

import io.lambdascope.collector.admission.Rejection;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/** Undoes {@code Content-Encoding} (gzip or identity) without ever holding more than a limit. */
final class ContentEncodingDecoder {
  private ContentEncodingDecoder() {}

  /** True for the encodings the collector accepts: none, identity, gzip. */
  static boolean supported(String contentEncoding) {
    return contentEncoding == null || isGzip(contentEncoding) || isIdentity(contentEncoding);
  }

  static boolean isGzip(String contentEncoding) {
    return contentEncoding != null && "gzip".equals(contentEncoding.trim().toLowerCase(Locale.ROOT));
  }

  private static boolean isIdentity(String contentEncoding) {
    String e = contentEncoding.trim().toLowerCase(Locale.ROOT);
    return e.isEmpty() || "identity".equals(e);
  }

  /**
   * The decoded body.
   *
   * @throws Rejection 413 past {@code maxBytes} (a gzip bomb stops there), 400 for corrupt gzip
   */
  static byte[] decode(byte[] body, String contentEncoding, long maxBytes) throws Rejection {
    if (!isGzip(contentEncoding)) {
      return body;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(32, Math.min(body.length * 4, 1 << 20)));
    byte[] chunk = new byte[16384];
    long total = 0;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body), 8192)) {
      int n;
      while ((n = in.read(chunk)) > 0) {
        total += n;
        if (total > maxBytes) {
          throw new Rejection(Rejection.Reason.TOO_LARGE, "decompressed body exceeds " + maxBytes + " bytes");
        }
        out.write(chunk, 0, n);
      }
    } catch (IOException e) {
      throw Rejection.badRequest("invalid gzip body: " + e.getMessage());
    }
    return out.toByteArray();
  }
}
