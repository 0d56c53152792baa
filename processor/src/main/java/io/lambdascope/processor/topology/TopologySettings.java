package io.lambdascope.processor.topology;

import io.lambdascope.processor.metrics.CostSettings;
import java.time.Duration;

/** The knobs of the processing itself (ProcessorConfig holds them among the rest). */
public record TopologySettings(
    String spansTopic,
    String logsTopic,
    Duration dedupWindow,
    int maxLabelValues,
    int maxFunctions,
    Duration reportWait,
    Duration timeoutGrace,
    Duration findingsWindow,
    Duration punctuateEvery,
    Duration functionTtl,
    Duration lateReportWindow,
    CostSettings cost) {}
