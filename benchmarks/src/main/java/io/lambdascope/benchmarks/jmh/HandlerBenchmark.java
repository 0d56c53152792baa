package io.lambdascope.benchmarks.jmh;

import com.amazonaws.services.lambda.runtime.Context;
import io.lambdascope.benchmarks.function.BareHelloHandler;
import io.lambdascope.benchmarks.function.HelloHandler;
import io.lambdascope.testing.TestContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One invocation of the hello handler, instrumented and bare, in the same forked JVM. The fork
 * runs with an agent ({@code -javaagent}, added by the harness) and {@code _HANDLER} naming
 * {@link HelloHandler} only, so {@code bare} is the baseline of {@code instrumented}; the
 * difference is the agent's cost per invocation, export to a loopback sink included.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HandlerBenchmark {
  private final HelloHandler instrumented = new HelloHandler();
  private final BareHelloHandler bare = new BareHelloHandler();
  private Map<String, Object> event;
  private Context context;

  @Setup
  public void setUp() {
    event = new HashMap<>();
    event.put("name", "bench");
    // Far deadline: a watchdog must never fire during a measurement.
    context = TestContext.builder().requestId("jmh-0001").timeout(Duration.ofHours(1)).build();
  }

  @Benchmark
  public String bare() {
    return bare.handleRequest(event, context);
  }

  @Benchmark
  public String instrumented() {
    return instrumented.handleRequest(event, context);
  }
}
