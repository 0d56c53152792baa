package io.lambdascope.processor.decode;

/** A record that cannot be used; {@link #reason()} is the bounded label value of the failure counter. */
public final class DecodeException extends Exception {
  public static final String INVALID_PROTOBUF = "invalid_protobuf";
  public static final String EMPTY_VALUE = "empty_value";
  public static final String MISSING_FUNCTION = "missing_function";
  /** A platform report without a request id: nothing to join it with. */
  public static final String MISSING_INVOCATION_ID = "missing_invocation_id";

  private static final long serialVersionUID = 1L;
  private final String reason;

  public DecodeException(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public DecodeException(String reason, String message) {
    this(reason, message, null);
  }

  public String reason() {
    return reason;
  }
}
