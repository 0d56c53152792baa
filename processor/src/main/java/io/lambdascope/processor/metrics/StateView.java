package io.lambdascope.processor.metrics;

import io.lambdascope.processor.state.FunctionState;
import java.util.function.BiConsumer;

/**
 * Read access to the aggregate stores of the tasks this replica runs. An entry may come once per
 * task holding it; readers sum counters and histograms.
 */
public interface StateView {
  void forEachSeries(BiConsumer<String, byte[]> consumer);

  void forEachFunction(BiConsumer<String, FunctionState> consumer);
}
