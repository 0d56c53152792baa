package io.lambdascope.processor.metrics;

import io.lambdascope.processor.state.FunctionState;
import java.time.Duration;

/**
 * How invocations are priced and their concurrency windowed (docs/processor.md "Cost and
 * concurrency"). Prices in USD: per request, and per GB-second for each architecture (indexes of
 * {@link FunctionState#ARCHITECTURES}) on demand, in provisioned-concurrency environments, and of
 * allocated provisioned concurrency (exposed only, for a recording rule to price the allocation).
 *
 * @param concurrencyWindow the fixed event-time window concurrency is measured over
 * @param concurrencyLateness how long after a window's end invocations may still join it
 * @param defaultArchitecture index of the architecture of functions whose spans carry no {@code host.arch}
 * @param pricesReadOn the date the prices were read, shown as a label
 */
public record CostSettings(
    Duration concurrencyWindow,
    Duration concurrencyLateness,
    int defaultArchitecture,
    double requestUsd,
    double[] durationUsdPerGbSecond,
    double[] provisionedDurationUsdPerGbSecond,
    double[] provisionedConcurrencyUsdPerGbSecond,
    String pricesReadOn) {

  /** Components of {@code lambdascope_price_usd}: the cost components and the allocation. */
  public static final String PROVISIONED_CONCURRENCY = "provisioned_concurrency";

  public CostSettings {
    durationUsdPerGbSecond = durationUsdPerGbSecond.clone();
    provisionedDurationUsdPerGbSecond = provisionedDurationUsdPerGbSecond.clone();
    provisionedConcurrencyUsdPerGbSecond = provisionedConcurrencyUsdPerGbSecond.clone();
  }

  /** The price of a cost component ({@link FunctionState#COST_COMPONENTS}) on an architecture. */
  public double price(int architecture, int component) {
    return switch (component) {
      case FunctionState.COST_REQUESTS -> requestUsd;
      case FunctionState.COST_DURATION -> durationUsdPerGbSecond[architecture];
      case FunctionState.COST_PROVISIONED_DURATION -> provisionedDurationUsdPerGbSecond[architecture];
      default -> throw new IllegalArgumentException("no cost component " + component);
    };
  }

  /** The architecture a function is priced at: its spans' {@code host.arch}, else the default. */
  public int architecture(FunctionState fs) {
    return fs.architecture() >= 0 ? fs.architecture() : defaultArchitecture;
  }
}
