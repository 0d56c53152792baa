package io.lambdascope.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnitsTest {
  @Test
  void durationsHaveOneForm() {
    assertEquals(Duration.ofMillis(250), Units.parseDuration("250ms"));
    assertEquals(Duration.ofSeconds(10), Units.parseDuration(" 10s "));
    assertEquals(Duration.ofMinutes(5), Units.parseDuration("5m"));
    assertEquals(Duration.ofHours(1), Units.parseDuration("1h"));
    assertEquals(Duration.ofDays(7), Units.parseDuration("7d"));
    assertEquals(Duration.ZERO, Units.parseDuration("0ms"));
  }

  @Test
  void aBareNumberIsNoDuration() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Units.parseDuration("10000"));
    assertEquals("'10000' has no unit; expected " + Units.DURATION_FORM, e.getMessage());
    assertTrue(e.getMessage().contains("250ms, 10s, 5m, 1h, 7d"), e.getMessage());
  }

  @Test
  void otherDurationMistakesAreRefused() {
    for (String bad : new String[] {"", "10 s", "1.5s", "-1s", "PT10S", "10sec", "1m30s", "s", "10S",
        "99999999999999999999d", "9999999999999999d"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Units.parseDuration(bad), bad);
      assertTrue(e.getMessage().startsWith("'" + bad.trim() + "' "), e.getMessage());
      assertTrue(e.getMessage().endsWith(Units.DURATION_FORM), e.getMessage());
    }
  }

  @Test
  void durationsAreWrittenInTheirShortestExactForm() {
    assertEquals("100ms", Units.formatDuration(Duration.ofMillis(100)));
    assertEquals("1500ms", Units.formatDuration(Duration.ofMillis(1500)));
    assertEquals("10s", Units.formatDuration(Duration.ofSeconds(10)));
    assertEquals("90s", Units.formatDuration(Duration.ofSeconds(90)));
    assertEquals("5m", Units.formatDuration(Duration.ofMinutes(5)));
    assertEquals("1h", Units.formatDuration(Duration.ofHours(1)));
    assertEquals("1d", Units.formatDuration(Duration.ofHours(24)));
    assertEquals("0ms", Units.formatDuration(Duration.ZERO));
    for (String text : new String[] {"250ms", "10s", "5m", "1h", "7d", "36h"}) {
      assertEquals(text, Units.formatDuration(Units.parseDuration(text)));
    }
  }

  @Test
  void sizesAreBytesOrBinaryUnits() {
    assertEquals(4_194_304L, Units.parseSize("4194304"));
    assertEquals(512 * 1024L, Units.parseSize("512KiB"));
    assertEquals(4L << 20, Units.parseSize("4MiB"));
    assertEquals(2L << 30, Units.parseSize("2GiB"));
    assertEquals("4MiB", Units.formatSize(4L << 20));
    assertEquals("1536KiB", Units.formatSize(1536 * 1024L));
    assertEquals("1000", Units.formatSize(1000));
    assertEquals("1GiB", Units.formatSize(1L << 30));
  }

  @Test
  void sizeMistakesAreRefused() {
    for (String bad : new String[] {"4MB", "4mib", "4 MiB", "1.5MiB", "-1", "lots", "", "99999999999GiB"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Units.parseSize(bad), bad);
      assertTrue(e.getMessage().endsWith(Units.SIZE_FORM), e.getMessage());
    }
  }
}
