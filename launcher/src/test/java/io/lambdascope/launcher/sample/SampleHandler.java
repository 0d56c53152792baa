package io.lambdascope.launcher.sample;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;

/** A function as users write them: greets, and throws when the input asks it to. */
public class SampleHandler implements RequestHandler<Map<String, Object>, String> {
  @Override
  public String handleRequest(Map<String, Object> input, Context context) {
    if (Boolean.TRUE.equals(input.get("fail"))) {
      throw new IllegalStateException("order " + input.get("order") + " cannot be priced");
    }
    return "hello " + input.get("order");
  }
}
