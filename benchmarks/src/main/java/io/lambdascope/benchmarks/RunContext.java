package io.lambdascope.benchmarks;

import io.lambdascope.benchmarks.internal.Workspace;
import java.io.PrintStream;

/** What every benchmark gets: the built pieces, the run length, and a progress log. */
record RunContext(Workspace workspace, boolean quick, PrintStream log) {

  /** {@code quickValue} in a {@code --quick} run, {@code fullValue} otherwise. */
  int pick(int quickValue, int fullValue) {
    return quick ? quickValue : fullValue;
  }

  void progress(String format, Object... args) {
    log.printf("[bench] " + format + "%n", args);
    log.flush();
  }
}
