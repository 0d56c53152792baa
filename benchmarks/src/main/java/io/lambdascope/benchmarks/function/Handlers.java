package io.lambdascope.benchmarks.function;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;

/** Loads the handler the way the Lambda runtime does: by the class named in {@code _HANDLER}. */
final class Handlers {
  private Handlers() {}

  @SuppressWarnings("unchecked")
  static RequestHandler<Map<String, Object>, String> load() throws ReflectiveOperationException {
    String spec = System.getenv("_HANDLER");
    if (spec == null || spec.isBlank()) {
      throw new IllegalStateException("_HANDLER is not set");
    }
    int method = spec.indexOf("::");
    String className = method < 0 ? spec : spec.substring(0, method);
    Class<?> type = Class.forName(className, true, Handlers.class.getClassLoader());
    return (RequestHandler<Map<String, Object>, String>) type.getDeclaredConstructor().newInstance();
  }
}
