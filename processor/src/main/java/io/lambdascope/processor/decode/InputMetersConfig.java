package io.lambdascope.processor.decode;

import java.util.Map;

/** How the exception handlers, which Kafka Streams creates from class names, find the meters: one entry of the Streams properties. */
public final class InputMetersConfig {
  /** The Streams property holding the {@link InputMeters} instance. */
  public static final String KEY = "lambdascope.input.meters";

  private InputMetersConfig() {}

  static InputMeters from(Map<String, ?> configs) {
    Object meters = configs.get(KEY);
    if (!(meters instanceof InputMeters m)) {
      throw new IllegalStateException("Streams property " + KEY + " must hold the InputMeters");
    }
    return m;
  }
}
