package io.lambdascope.processor.state;

import io.lambdascope.processor.decode.FunctionId;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * What a processor of the task shares with the others: the function registry and, if it asks, the
 * environments. Attached in the processor's {@code init}, detached in its {@code close}.
 */
public final class TaskState {
  private final ObjectStore<FunctionId, FunctionState> functionStore;
  private final ObjectStore<Environments.Key, Environments.State> environmentStore;
  private final FunctionRegistry functions;
  private final Environments environments;

  private TaskState(ProcessorContext<?, ?> context, FunctionRegistry.Settings settings, boolean withEnvironments) {
    functionStore = context.getStateStore(FunctionRegistry.STORE_NAME);
    functions = FunctionRegistry.attach(functionStore, settings);
    environmentStore = withEnvironments ? context.getStateStore(Environments.STORE_NAME) : null;
    environments = withEnvironments ? Environments.attach(environmentStore) : null;
  }

  /** The task's function registry. */
  public static TaskState functions(ProcessorContext<?, ?> context, FunctionRegistry.Settings settings) {
    return new TaskState(context, settings, false);
  }

  /** The task's function registry and environments. */
  public static TaskState functionsAndEnvironments(ProcessorContext<?, ?> context, FunctionRegistry.Settings settings) {
    return new TaskState(context, settings, true);
  }

  public FunctionRegistry functions() {
    return functions;
  }

  public Environments environments() {
    return environments;
  }

  public void detach() {
    functionStore.detach();
    if (environmentStore != null) {
      environmentStore.detach();
    }
  }
}
