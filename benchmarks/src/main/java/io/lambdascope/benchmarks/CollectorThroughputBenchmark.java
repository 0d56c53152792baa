package io.lambdascope.benchmarks;

/** TODO: being written. */
final class CollectorThroughputBenchmark implements Benchmark {
  @Override
  public String name() {
    return "collector";
  }

  @Override
  public String title() {
    return "collector";
  }

  @Override
  public String run(RunContext context) {
    throw new UnsupportedOperationException("not written yet");
  }
}
