package io.lambdascope.processor.join;

import io.lambdascope.processor.decode.FunctionId;

/** One invocation of one function: the platform's request id (an async retry keeps it). */
public record InvocationKey(FunctionId id, String requestId) {}
