package io.lambdascope.processor.join;

import io.lambdascope.processor.state.DueQueue;
import io.lambdascope.processor.state.ObjectStore;
import java.time.Duration;
import java.util.List;

/**
 * The invocations one task has not finished with, over the {@value #STORE_NAME} store, and two
 * queues by due time so the punctuator visits only what is due: waiting invocations by the end of
 * their wait, decided ones still expecting their late half by the end of the late window. At most
 * {@value #MAX_LATE} decided entries per task: past that the oldest ends early.
 */
public final class PendingInvocations {
  public static final String STORE_NAME = "invocations";
  /** Decided invocations kept per task for their late half (about 150 bytes each). */
  public static final int MAX_LATE = 100_000;

  private final ObjectStore<InvocationKey, PendingInvocation> store;
  private final long lateWindowMs;
  private final DueQueue<InvocationKey> waiting = new DueQueue<>();
  private final DueQueue<InvocationKey> late = new DueQueue<>();
  private int lateCount;

  private PendingInvocations(ObjectStore<InvocationKey, PendingInvocation> store, WaitPolicy waits, long lateWindowMs) {
    this.store = store;
    this.lateWindowMs = lateWindowMs;
    store.forEach((key, p) -> {
      if (p.decided) {
        p.lateTicket = late.add(key, p.decidedWallMs + lateWindowMs);
        lateCount++;
      } else {
        p.waitTicket = waiting.add(key, waits.dueAt(p));
      }
    });
  }

  static PendingInvocations attach(ObjectStore<InvocationKey, PendingInvocation> store, WaitPolicy waits,
      Duration lateWindow) {
    store.attach();
    return store.shared(s -> new PendingInvocations(s, waits, lateWindow.toMillis()));
  }

  PendingInvocation get(InvocationKey key) {
    return store.get(key);
  }

  /** The invocation waits for its other half until {@code dueAtMs}. */
  void waitFor(InvocationKey key, PendingInvocation p, long dueAtMs) {
    if (store.get(key) != p) {
      store.put(key, p);
    } else {
      store.changed(key);
    }
    waiting.remove(p.waitTicket);
    p.waitTicket = waiting.add(key, dueAtMs);
  }

  /** The invocation was decided and its missing half is still expected: kept for the late window. */
  void keepForLateHalf(InvocationKey key, PendingInvocation p) {
    waiting.remove(p.waitTicket);
    p.waitTicket = null;
    p.lateTicket = late.add(key, p.decidedWallMs + lateWindowMs);
    lateCount++;
    if (store.get(key) != p) {
      store.put(key, p);
    } else {
      store.changed(key);
    }
  }

  /** Done with the invocation (a removal of an entry never written costs nothing). */
  void remove(InvocationKey key, PendingInvocation p) {
    waiting.remove(p.waitTicket);
    late.remove(p.lateTicket);
    if (p.lateTicket != null) {
      lateCount--;
    }
    p.waitTicket = null;
    p.lateTicket = null;
    if (store.get(key) == p) {
      store.remove(key);
    }
  }

  /** Waiting invocations whose wait is over, earliest first. */
  List<InvocationKey> dueWaiting(long nowMs) {
    List<InvocationKey> due = waiting.pollDue(nowMs);
    for (InvocationKey k : due) {
      PendingInvocation p = store.get(k);
      if (p != null) {
        p.waitTicket = null;
      }
    }
    return due;
  }

  /** Decided invocations whose late window is over, and the oldest beyond {@link #MAX_LATE}. */
  List<InvocationKey> lateExpired(long nowMs) {
    List<InvocationKey> due = late.pollDue(nowMs);
    if (lateCount - due.size() > MAX_LATE) {
      due.addAll(late.pollEarliest(lateCount - due.size() - MAX_LATE));
    }
    for (InvocationKey k : due) {
      PendingInvocation p = store.get(k);
      if (p != null && p.lateTicket != null) {
        p.lateTicket = null;
        lateCount--;
      }
    }
    return due;
  }

}
