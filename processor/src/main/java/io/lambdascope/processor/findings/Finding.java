package io.lambdascope.processor.findings;

import io.lambdascope.processor.decode.FunctionId;

/** A misconfiguration that explains failures: what was seen and what to change. */
public record Finding(FunctionId id, String kind, String seen, String change) {
  /** The function's name. */
  public String function() {
    return id.name();
  }
}
