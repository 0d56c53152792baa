package io.lambdascope.processor.decode;

/** One item decoded from the input topics, as the processors downstream of the decoders see it. */
public sealed interface Telemetry permits InvocationSpan, PlatformEvent {
  /** The function it belongs to (faas.name, else service.name, else the Kafka key). */
  String function();

  /** The same item attributed to another function name (the bounded one). */
  Telemetry withFunction(String name);
}
