/** Kafka records of the spans and logs topics (OTLP protobuf) to the processor's input types: invocation spans and platform events. */
package io.lambdascope.processor.decode;
