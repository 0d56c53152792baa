package io.lambdascope.agent.internal.invocation;

/**
 * Where finished invocations go in extension mode, instead of being exported on the handler's thread. Set by the
 * extension once it registered; absent in direct mode.
 */
public interface InvocationSink {
    /** The handler returned or threw: called on the handler's thread, so it must only hand the invocation over. */
    void finished(Invocation inv);

    /** The runtime posted the response of the invocation last handed over (called on the runtime's thread). */
    void responsePosted();

    /**
     * The watchdog fired: the provisional timeout record is encoded already; send everything buffered before
     * {@code deadlineNanos}. Called on the watchdog's thread.
     */
    void timedOut(long deadlineNanos);
}
