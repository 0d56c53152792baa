package io.lambdascope.processor.dedup;

import io.lambdascope.processor.decode.InvocationSpan;

/** Why a record was delivered again; {@link #label()} is the {@code kind} label value. */
public enum DuplicateKind {
  /** SQS receive count above 1, or a stream source (Kinesis, DynamoDB) delivering a record again. */
  REDELIVERY("redelivery"),
  /** The same request id again: Lambda's async retries keep it. */
  RETRY("retry"),
  /** Any other repeat: the same SNS message, EventBridge event, S3 sequencer, or SQS message at receive count 1. */
  REPLAY("replay");

  private final String label;

  DuplicateKind(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** The kind of a repeat of this record. */
  public static DuplicateKind of(InvocationSpan.DedupRecord r) {
    if ("lambda".equals(r.source())) {
      return RETRY;
    }
    if (r.deliveryCount() > 1 || "kinesis".equals(r.source()) || "dynamodb".equals(r.source())) {
      return REDELIVERY;
    }
    return REPLAY;
  }
}
