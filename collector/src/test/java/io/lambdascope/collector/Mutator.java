package io.lambdascope.collector;

import java.util.Arrays;
import java.util.Random;

/** A seeded random mutator for fuzzing decoders: bit flips, boundary bytes, cuts, inserts, repeats. */
public final class Mutator {
  private static final byte[] INTERESTING = {0, 1, 0x7F, (byte) 0x80, (byte) 0xFF, '{', '[', '"', ':', ',', '}', ']', 0x0A, 0x12};

  private Mutator() {}

  public static byte[] mutate(byte[] input, Random random) {
    byte[] b = input.clone();
    int rounds = 1 + random.nextInt(4);
    for (int r = 0; r < rounds && b.length > 0; r++) {
      int pos = random.nextInt(b.length);
      switch (random.nextInt(6)) {
        case 0 -> b[pos] ^= (byte) (1 << random.nextInt(8));
        case 1 -> b[pos] = INTERESTING[random.nextInt(INTERESTING.length)];
        case 2 -> b = Arrays.copyOf(b, pos);
        case 3 -> {
          byte[] ins = new byte[1 + random.nextInt(8)];
          random.nextBytes(ins);
          byte[] n = new byte[b.length + ins.length];
          System.arraycopy(b, 0, n, 0, pos);
          System.arraycopy(ins, 0, n, pos, ins.length);
          System.arraycopy(b, pos, n, pos + ins.length, b.length - pos);
          b = n;
        }
        case 4 -> {
          int len = Math.min(b.length - pos, 1 + random.nextInt(32));
          byte[] n = new byte[b.length + len];
          System.arraycopy(b, 0, n, 0, pos + len);
          System.arraycopy(b, pos, n, pos + len, b.length - pos);
          b = n;
        }
        default -> {
          int len = Math.min(b.length - pos, 1 + random.nextInt(16));
          byte[] n = new byte[b.length - len];
          System.arraycopy(b, 0, n, 0, pos);
          System.arraycopy(b, pos + len, n, pos, b.length - pos - len);
          b = n;
        }
      }
    }
    return b;
  }
}
