package io.lambdascope.processor.decode;

/** Where the processors report the records they consumed and the ones they had to skip. */
public interface InputMeters {
  void recordConsumed(String topic);

  /** A record (or one item of it) skipped; {@code reason} is a bounded label value. */
  void decodeFailure(String topic, String reason, String detail);

  /** An item attributed to {@code other}: {@code kind} is {@code function} or {@code label_value}. */
  void folded(String kind);
}
