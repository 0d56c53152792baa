package io.lambdascope.emulator.internal;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CompletableFuture;

/** One invocation handed to an execution environment's runtime through the Runtime API. */
final class RuntimeInvocation {
  final String requestId;
  final byte[] payload;
  final long deadlineEpochMs;
  final String traceId;
  final String functionArn;
  /** Completed by the Runtime API (response, error) or by the runtime's death. */
  final CompletableFuture<RuntimeOutcome> outcome = new CompletableFuture<>();

  RuntimeInvocation(String requestId, byte[] payload, long deadlineEpochMs, String traceId, String functionArn) {
    this.requestId = requireNonNull(requestId, "requestId");
    this.payload = requireNonNull(payload, "payload");
    this.deadlineEpochMs = deadlineEpochMs;
    this.traceId = requireNonNull(traceId, "traceId");
    this.functionArn = requireNonNull(functionArn, "functionArn");
  }

  /**
   * What the runtime reported: a response, a function error, or the death of the process.
   *
   * @param receivedNanos when the runtime started to post it
   * @param completedNanos when its body was read
   */
  record RuntimeOutcome(Kind kind, byte[] body, String errorType, long receivedNanos, long completedNanos) {
    enum Kind { RESPONSE, ERROR, EXITED }
  }
}
