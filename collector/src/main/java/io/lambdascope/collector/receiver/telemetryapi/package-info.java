/** The Lambda Telemetry API receiver: POST /v1/lambda/telemetry, platform events become OTLP log records. */
package io.lambdascope.collector.receiver.telemetryapi;
