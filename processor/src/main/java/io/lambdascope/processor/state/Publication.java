package io.lambdascope.processor.state;

import java.util.ArrayList;
import java.util.List;

/**
 * Makes what a stream thread flushed visible to readers (/metrics, /api/invocations) only once the
 * transaction that wrote it has committed, so a reader never sees a count that a crash could take
 * back. The stream thread's producer ({@link TransactionAwareProducer}) reports each commit and abort;
 * the actions a thread queued since its last commit then run, or are told they never will.
 */
public final class Publication {
  /** What to do once the calling thread's transaction has ended, either way. */
  public interface Outcome {
    void committed();

    /** What was queued since the last commit never happened (not called in the at-flush mode, which never aborts). */
    void aborted();
  }

  private final boolean afterCommit;
  private final ThreadLocal<List<Outcome>> pending = ThreadLocal.withInitial(ArrayList::new);

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
    whenDone(new Outcome() {
      @Override
      public void committed() {
        action.run();
      }

      @Override
      public void aborted() {}
    });
  }

  /** Tells {@code outcome} whether what the calling stream thread did so far was committed or aborted. */
  public void whenDone(Outcome outcome) {
    if (afterCommit) {
      pending.get().add(outcome);
    } else {
      outcome.committed();
    }
  }

  /** The calling thread's transaction committed (told by its producer). */
  public void committed() {
    takePending().forEach(Outcome::committed);
  }

  /** The calling thread's transaction was aborted, or its producer closed: what it flushed never happened. */
  public void aborted() {
    takePending().forEach(Outcome::aborted);
  }

  /** What the calling thread queued since its transaction last ended, taken out of the queue. */
  private List<Outcome> takePending() {
    List<Outcome> queued = pending.get();
    if (queued.isEmpty()) {
      return List.of();
    }
    List<Outcome> taken = new ArrayList<>(queued);
    queued.clear();
    return taken;
  }
}
