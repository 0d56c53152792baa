package io.lambdascope.processor.state;

/** Store keys made of several parts; the separator cannot occur in attribute values we keep. */
public final class StoreKeys {
  /** NUL: never part of a function name, request id or label value we emit. */
  public static final char SEP = '\u0000';

  private StoreKeys() {}

  public static String join(String... parts) {
    return String.join(String.valueOf(SEP), parts);
  }

  public static String[] split(String key) {
    return key.split(String.valueOf(SEP), -1);
  }
}
