package io.lambdascope.benchmarks;

/** TODO: being written. */
final class ProcessorBenchmark implements Benchmark {
  @Override
  public String name() {
    return "processor";
  }

  @Override
  public String title() {
    return "processor";
  }

  @Override
  public String run(RunContext context) {
    throw new UnsupportedOperationException("not written yet");
  }
}
