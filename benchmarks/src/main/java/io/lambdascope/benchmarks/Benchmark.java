package io.lambdascope.benchmarks;

/** One benchmark of the suite: runs on this machine and returns its section of docs/benchmarks.md. */
interface Benchmark {
  /** Short name for {@code --only}. */
  String name();

  /** Section title in the published document. */
  String title();

  /** Measures and renders the section body (Markdown, without the title). */
  String run(RunContext context) throws Exception;
}
