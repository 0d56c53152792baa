package io.lambdascope.processor.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.join.DecidedInvocation;
import io.lambdascope.processor.join.JoinOutput;
import io.lambdascope.processor.state.Publication;
import java.util.List;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
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
    // A filtered poll still advances past what does not match.
    assertEquals(11, r.query(i -> i.outcome().equals("timeout"), 8, 10).cursor());
  }

  @Test
  void showsOnlyWhatACommittedTransactionDecidedAndEachInvocationOnce() {
    RecentInvocations r = new RecentInvocations(5);
    Publication publication = Publication.afterTransactionCommit();
    RecentInvocationsProcessor processor = new RecentInvocationsProcessor(r, publication);
    processor.init(new MockProcessorContext<>());
    FunctionId fn = new FunctionId("t", "a", "r", "f");
    processor.process(new Record<>(fn, new JoinOutput.Decided(inv("r1", "success"), null), 1000));
    processor.process(new Record<>(fn, new JoinOutput.LateSpan(null), 1000));
    processor.process(new Record<>(fn, new JoinOutput.Decided(inv("r2", "error"), null), 1000));
    assertEquals(0, r.size()); // not committed yet
    publication.committed();
    assertEquals(List.of("r1", "r2"), ids(r.query(i -> true, -1, 10)));

    // An aborted transaction's invocations never show; re-processed and committed, they show once.
    processor.process(new Record<>(fn, new JoinOutput.Decided(inv("r3", "success"), null), 1000));
    publication.aborted();
    publication.committed();
    assertEquals(2, r.size());
    processor.process(new Record<>(fn, new JoinOutput.Decided(inv("r3", "success"), null), 1000));
    processor.process(new Record<>(fn, new JoinOutput.Decided(inv("r4", "success"), null), 1000));
    publication.committed();
    publication.committed();
    RecentInvocations.Page page = r.query(i -> true, -1, 10);
    assertEquals(List.of("r1", "r2", "r3", "r4"), ids(page));
    assertEquals(4, page.cursor());

    // Past its capacity the ring keeps the newest, numbered on.
    for (int i = 5; i <= 9; i++) {
      processor.process(new Record<>(fn, new JoinOutput.Decided(inv("r" + i, "success"), null), 1000));
    }
    publication.committed();
    assertEquals(List.of("r5", "r6", "r7", "r8", "r9"), ids(r.query(i -> true, -1, 10)));
    assertEquals(List.of("r8", "r9"), ids(r.query(i -> true, 7, 10)));
  }
}
