package io.lambdascope.benchmarks;

/** TODO: being written. */
final class InvocationOverheadBenchmark implements Benchmark {
  @Override
  public String name() {
    return "invocation-jmh";
  }

  @Override
  public String title() {
    return "invocation-jmh";
  }

  @Override
  public String run(RunContext context) {
    throw new UnsupportedOperationException("not written yet");
  }
}
