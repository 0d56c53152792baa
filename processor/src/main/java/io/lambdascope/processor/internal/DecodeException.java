package io.lambdascope.processor.internal;

/** A record that cannot be used; {@link #reason()} is the bounded label value of the failure counter. */
public final class DecodeException extends Exception {
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
