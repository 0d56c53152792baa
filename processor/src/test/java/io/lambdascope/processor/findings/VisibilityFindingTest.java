package io.lambdascope.processor.findings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.dlq.DlqWatcher;
import io.lambdascope.processor.state.FunctionState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The visibility finding from either source: the configuration reader's event source mappings (the function by
 * account, region and name, with its configured timeout) or the DLQ watcher's source queues (by name, with the
 * timeout the telemetry told).
 */
class VisibilityFindingTest {
  private static final long NOW = 1_700_000_000_000L;
  private static final FunctionId HERE = new FunctionId("t1", "111111111111", "eu-west-1", "worker");
  private static final FunctionId OTHER_ACCOUNT = new FunctionId("t1", "222222222222", "eu-west-1", "worker");
  private static final FunctionId OTHER_REGION = new FunctionId("t1", "111111111111", "us-east-1", "worker");

  private static Map<FunctionId, FunctionState> functions(long telemetryTimeoutMs) {
    Map<FunctionId, FunctionState> functions = new LinkedHashMap<>();
    for (FunctionId id : List.of(HERE, OTHER_ACCOUNT, OTHER_REGION)) {
      FunctionState fs = new FunctionState();
      fs.spanSeen(NOW, telemetryTimeoutMs, 256L << 20);
      functions.put(id, fs);
    }
    return functions;
  }

  private static List<FunctionId> visibility(Map<FunctionId, FunctionState> functions, DlqWatcher.SourceStatus s) {
    return Findings.evaluate(functions, DlqWatcher.Snapshot.EMPTY.withSources(List.of(s)), NOW, 3_600_000).stream()
        .filter(f -> f.kind().equals(Findings.VISIBILITY_TIMEOUT)).map(Finding::id).toList();
  }

  @Test
  void aMappingNamesItsFunctionByAccountRegionAndName() {
    // 10 s timeout configured: 6 x 10 = 60 s needed, the queue has 59; the telemetry's 5 s alone would need 30.
    DlqWatcher.SourceStatus mapping =
        new DlqWatcher.SourceStatus("jobs", "worker", "111111111111", "eu-west-1", 59, 10_000, "");
    assertEquals(List.of(HERE), visibility(functions(5_000), mapping));
    // At 6 x the configured timeout exactly: enough.
    assertEquals(List.of(), visibility(functions(5_000),
        new DlqWatcher.SourceStatus("jobs", "worker", "111111111111", "eu-west-1", 60, 10_000, "")));
    Finding f = Findings.evaluate(functions(5_000), DlqWatcher.Snapshot.EMPTY.withSources(List.of(mapping)), NOW,
        3_600_000).get(0);
    assertTrue(f.seen().contains("visibility timeout of 59 s") && f.seen().contains("timeout is 10 s"), f.seen());
  }

  @Test
  void theWatchersSourceQueueNamesItsFunctionByNameOnly() {
    DlqWatcher.SourceStatus watched = new DlqWatcher.SourceStatus("jobs", "worker", 29, "jobs-dlq");
    assertEquals(List.of(HERE, OTHER_ACCOUNT, OTHER_REGION), visibility(functions(5_000), watched));
    assertEquals(List.of(), visibility(functions(5_000), new DlqWatcher.SourceStatus("jobs", "worker", 30, "jobs-dlq")));
  }
}
