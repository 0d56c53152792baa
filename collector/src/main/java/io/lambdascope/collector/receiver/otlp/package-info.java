/** The OTLP/HTTP receiver: POST /v1/traces, /v1/metrics and /v1/logs in protobuf or JSON. */
package io.lambdascope.collector.receiver.otlp;
