package io.lambdascope.benchmarks.function;

import com.amazonaws.services.lambda.runtime.Context;
import java.util.Map;

/**
 * The same body as {@link HelloHandler}, but no {@code RequestHandler} and never named in
 * {@code _HANDLER}: no agent matches it, so it is the bare baseline inside an instrumented JVM.
 */
public final class BareHelloHandler {
  public String handleRequest(Map<String, Object> event, Context context) {
    return "hello " + event.get("name");
  }
}
