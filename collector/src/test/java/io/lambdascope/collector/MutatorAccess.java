package io.lambdascope.collector;

import java.util.Random;

/** Lets the decoder fuzz test in the internal package use the shared {@link Mutator}. */
public final class MutatorAccess {
  private MutatorAccess() {}

  public static byte[] mutate(byte[] input, Random random) {
    return Mutator.mutate(input, random);
  }
}
