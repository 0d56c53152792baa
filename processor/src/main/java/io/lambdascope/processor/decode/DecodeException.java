package io.lambdascope.processor.decode;

/** An item that cannot be used; {@link #reason()} is the bounded label value of the failure counter. */
public final class DecodeException extends Exception {
  public static final String INVALID_PROTOBUF = "invalid_protobuf";
  public static final String EMPTY_VALUE = "empty_value";
  public static final String MISSING_FUNCTION = "missing_function";
  /** A platform report without a request id: nothing to join it with. */
  public static final String MISSING_INVOCATION_ID = "missing_invocation_id";
  /** A record that decoded but failed later in processing (Kafka Streams' processing exception handler). */
  public static final String PROCESSING_ERROR = "processing_error";
  /** A state store entry that could not be read back (skipped when the stores are loaded). */
  public static final String INVALID_STATE = "invalid_state";

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
