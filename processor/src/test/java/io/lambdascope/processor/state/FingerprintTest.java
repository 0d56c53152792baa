package io.lambdascope.processor.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The fingerprints are MurmurHash3 x64 128 (seed 0): the published test vectors. */
class FingerprintTest {
  @Test
  void murmur3MatchesThePublishedVectors() {
    // Guava's Hashing.murmur3_128(): "hello" is 029bbd41b3a7d8cb191dae486a901e5b, h1 little-endian first.
    assertEquals(0xcbd8a7b341bd9b02L, Fingerprint.hash64("hello"));
    long[] fox = Fingerprint.murmur3(
        "The quick brown fox jumps over the lazy dog".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(0xe34bbc7bbc071b6cL, fox[0]);
    assertEquals(0x7a433ca9c49a9347L, fox[1]);
  }
}
