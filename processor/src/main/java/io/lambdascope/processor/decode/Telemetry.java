package io.lambdascope.processor.decode;

/** One item decoded from the input topics, as the processors downstream of the decoders see it. */
public sealed interface Telemetry permits InvocationSpan, PlatformEvent {
  /** The function it belongs to. */
  FunctionId id();

  /** The same item attributed to another function (the bounded one). */
  Telemetry withId(FunctionId id);
}
