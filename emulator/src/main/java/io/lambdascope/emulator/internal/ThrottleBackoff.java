package io.lambdascope.emulator.internal;

/**
 * When Lambda tries a throttled asynchronous event again: "the retry interval increases exponentially from 1 second
 * after the first attempt to a maximum of 5 minutes" (AWS Lambda developer guide, asynchronous invocation). AWS
 * does not document the interval of an SQS event source's throttled batches; the emulator uses the same one.
 */
final class ThrottleBackoff {
  private static final long FIRST_MS = 1000;
  private static final long MAX_MS = 300_000;

  private ThrottleBackoff() {}

  /** The wait after the {@code attempt}-th throttled attempt (1, 2, ...). */
  static long delayMs(int attempt) {
    return attempt >= 20 ? MAX_MS : Math.min(MAX_MS, FIRST_MS << (Math.max(1, attempt) - 1));
  }
}
