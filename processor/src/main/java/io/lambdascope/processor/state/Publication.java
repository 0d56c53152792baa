package io.lambdascope.processor.state;

import java.util.ArrayList;
import java.util.List;

/**
 * Makes what a stream thread flushed visible to readers (/metrics) only once the transaction that
 * wrote it has committed, so a reader never sees a count that a crash could take back. The stream
 * thread's producer ({@link TransactionAwareProducer}) reports each commit and abort; the actions a
 * thread queued since its last commit then run, or are dropped.
 */
public final class Publication {
  private final boolean afterCommit;
  private final ThreadLocal<List<Runnable>> pending = ThreadLocal.withInitial(ArrayList::new);

  private Publication(boolean afterCommit) {
    this.afterCommit = afterCommit;
  }

  /** Actions run when the thread's producer has committed its transaction (the processor). */
  public static Publication afterTransactionCommit() {
    return new Publication(true);
  }

  /** Actions run at once, at the flush (TopologyTestDriver, which commits after every record anyway). */
  public static Publication atFlush() {
    return new Publication(false);
  }

  /** Runs {@code action} once what the calling stream thread flushed so far is committed. */
  public void whenCommitted(Runnable action) {
    if (afterCommit) {
      pending.get().add(action);
    } else {
      action.run();
    }
  }

  /** The calling thread's transaction committed. */
  void committed() {
    List<Runnable> actions = pending.get();
    if (actions.isEmpty()) {
      return;
    }
    List<Runnable> run = new ArrayList<>(actions);
    actions.clear();
    run.forEach(Runnable::run);
  }

  /** The calling thread's transaction was aborted, or its producer closed: what it flushed never happened. */
  void aborted() {
    pending.get().clear();
  }
}
