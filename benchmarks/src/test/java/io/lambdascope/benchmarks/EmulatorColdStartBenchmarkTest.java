package io.lambdascope.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmulatorColdStartBenchmarkTest {
  @Test
  void medianIntervalIsTheBinomialOrderStatistics() {
    // Binomial(30, 1/2): P(B <= 9) = 2.1%, P(B <= 10) = 4.9%, so the 10th smallest and 10th largest.
    assertArrayEquals(new double[] {10, 21}, EmulatorColdStartBenchmark.medianInterval(shuffled(30)));
    // Binomial(20, 1/2): P(B <= 5) = 2.1%, P(B <= 6) = 5.8%.
    assertArrayEquals(new double[] {6, 15}, EmulatorColdStartBenchmark.medianInterval(shuffled(20)));
    assertArrayEquals(new double[] {1, 6}, EmulatorColdStartBenchmark.medianInterval(shuffled(6)));
    assertTrue(Double.isNaN(EmulatorColdStartBenchmark.medianInterval(shuffled(5))[0]), "too few for 95%");
  }

  private static List<Double> shuffled(int n) {
    List<Double> values = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      values.add((double) i);
    }
    Collections.shuffle(values);
    return values;
  }
}
