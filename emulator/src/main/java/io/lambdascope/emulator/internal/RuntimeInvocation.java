package io.lambdascope.emulator.internal;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CompletableFuture;

/** One invocation handed to an execution environment through the Runtime API. */
final class RuntimeInvocation {
  final String requestId;
  final byte[] payload;
  final long deadlineEpochMs;
  final String traceId;
  /** Completed by the Runtime API (response, error) or by the environment's death. */
  final CompletableFuture<RuntimeOutcome> outcome = new CompletableFuture<>();
  volatile long handedOutNanos;

  RuntimeInvocation(String requestId, byte[] payload, long deadlineEpochMs, String traceId) {
    this.requestId = requireNonNull(requestId, "requestId");
    this.payload = requireNonNull(payload, "payload");
    this.deadlineEpochMs = deadlineEpochMs;
    this.traceId = requireNonNull(traceId, "traceId");
  }

  /** What the runtime reported: a response, a function error, or the death of the process. */
  record RuntimeOutcome(Kind kind, byte[] body, String errorType, long completedNanos) {
    enum Kind { RESPONSE, ERROR, EXITED }
  }
}
