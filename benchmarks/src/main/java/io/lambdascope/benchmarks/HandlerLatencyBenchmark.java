package io.lambdascope.benchmarks;

/** TODO: being written. */
final class HandlerLatencyBenchmark implements Benchmark {
  @Override
  public String name() {
    return "handler-latency";
  }

  @Override
  public String title() {
    return "handler-latency";
  }

  @Override
  public String run(RunContext context) {
    throw new UnsupportedOperationException("not written yet");
  }
}
