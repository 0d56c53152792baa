/** The kinds of telemetry the collector carries (traces, metrics, logs, platform events) and their OTLP shapes. */
package io.lambdascope.collector.signal;
