/** Metrics: their definitions, the processors that count into the series store, /metrics rendered from the stores, and the pipeline's own meters. */
package io.lambdascope.processor.metrics;
