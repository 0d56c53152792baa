package io.lambdascope.processor.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.join.DecidedInvocation;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentInvocationsTest {
  private static DecidedInvocation inv(String id, String outcome) {
    return new DecidedInvocation(new FunctionId("t", "a", "r", "f"), null, null, id, null, 1000, "http", outcome,
        false, null, 0.1, null, null, null, List.of(), -1, "span", null, null);
  }

  private static List<String> ids(RecentInvocations.Page page) {
    return page.entries().stream().map(e -> e.invocation().invocationId()).toList();
  }

  @Test
  void keepsTheNewestWithinCapacityAndPagesByCursor() {
    RecentInvocations r = new RecentInvocations(5);
    for (int i = 1; i <= 8; i++) {
      r.add(inv("r" + i, i % 2 == 0 ? "error" : "success"));
    }
    assertEquals(5, r.size());
    RecentInvocations.Page newest = r.query(i -> true, -1, 3);
    assertEquals(List.of("r6", "r7", "r8"), ids(newest));
    assertEquals(8, newest.cursor());
    assertEquals(List.of("r4", "r6", "r8"), ids(r.query(i -> i.outcome().equals("error"), -1, 10)));

    RecentInvocations.Page none = r.query(i -> true, newest.cursor(), 10);
    assertEquals(List.of(), ids(none));
    assertEquals(8, none.cursor());
    r.add(inv("r9", "success"));
    r.add(inv("r10", "success"));
    r.add(inv("r11", "success"));
    RecentInvocations.Page two = r.query(i -> true, none.cursor(), 2);
    assertEquals(List.of("r9", "r10"), ids(two));
    assertEquals(List.of("r11"), ids(r.query(i -> true, two.cursor(), 2)));
    // The same invocation decided again (a task re-processing after an aborted commit) is kept once.
    r.add(inv("r11", "success"));
    assertEquals(11, r.query(i -> true, -1, 10).cursor());
    // A filtered poll still advances past what does not match.
    assertEquals(11, r.query(i -> i.outcome().equals("timeout"), 8, 10).cursor());
  }

  @Test
  void recognizesEveryEntryInTheRingAndOnlyThoseAcrossManyEvictions() {
    RecentInvocations r = new RecentInvocations(37);
    java.util.Random random = new java.util.Random(7);
    java.util.ArrayDeque<String> inRing = new java.util.ArrayDeque<>();
    long added = 0;
    for (int i = 0; i < 20_000; i++) {
      String id = random.nextInt(4) == 0 && !inRing.isEmpty()
          ? inRing.stream().skip(random.nextInt(inRing.size())).findFirst().orElseThrow() // again: ignored
          : "r" + random.nextInt(200); // new, or an evicted one again: kept
      boolean present = inRing.contains(id);
      r.add(inv(id, "success"));
      if (!present) {
        added++;
        inRing.addLast(id);
        if (inRing.size() > 37) {
          inRing.removeFirst();
        }
      }
      assertEquals(added, r.query(x -> true, -1, 1).cursor());
    }
    assertEquals(List.copyOf(inRing), ids(r.query(x -> true, -1, 100)));
  }
}
