package io.lambdascope.processor.join;

import io.lambdascope.processor.decode.FunctionId;

/** One invocation of one function: the platform's request id (an async retry keeps it). */
public record InvocationKey(FunctionId id, String requestId) {
  // Written out: a record's generated equals and hashCode go through method handles, on every record here.
  @Override
  public boolean equals(Object o) {
    return this == o || o instanceof InvocationKey k && requestId.equals(k.requestId) && id.equals(k.id);
  }

  @Override
  public int hashCode() {
    return id.hashCode() * 31 + requestId.hashCode();
  }
}
