package io.lambdascope.collector.receiver;

import java.util.Locale;

/** The two encodings of OTLP/HTTP. The answer, error or not, is encoded like the request. */
public enum ContentFormat {
  PROTOBUF,
  JSON;

  /** The media type of a {@code Content-Type} header, lower case and without parameters; null without one. */
  public static String mediaType(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }
}
