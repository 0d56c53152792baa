package io.lambdascope.benchmarks;

/** TODO: being written. */
final class EmulatorColdStartBenchmark implements Benchmark {
  @Override
  public String name() {
    return "emulator-coldstart";
  }

  @Override
  public String title() {
    return "emulator-coldstart";
  }

  @Override
  public String run(RunContext context) {
    throw new UnsupportedOperationException("not written yet");
  }
}
