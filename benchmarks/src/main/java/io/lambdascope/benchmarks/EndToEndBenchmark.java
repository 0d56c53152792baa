package io.lambdascope.benchmarks;

/** TODO: being written. */
final class EndToEndBenchmark implements Benchmark {
  @Override
  public String name() {
    return "end-to-end";
  }

  @Override
  public String title() {
    return "end-to-end";
  }

  @Override
  public String run(RunContext context) {
    throw new UnsupportedOperationException("not written yet");
  }
}
