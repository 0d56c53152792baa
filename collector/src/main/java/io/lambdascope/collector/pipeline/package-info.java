/** The pipeline declared in one place: receivers, admission and the Kafka exporter wired on one HTTP server, started and stopped in order. */
package io.lambdascope.collector.pipeline;
