package io.lambdascope.processor.decode;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record value the source deserializer cannot read: what Kafka Streams' deserialization exception
 * handler ({@link SkipUndecodableRecords}) receives; {@link #reason()} is the label value it counts.
 */
public final class UndecodableRecordException extends SerializationException {
  private static final long serialVersionUID = 1L;
  private final String reason;

  public UndecodableRecordException(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }

  /** Skipped records are expected; Kafka Streams logs each one, so without a stack of its own. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
