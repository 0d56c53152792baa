/** What both receivers share: an HTTP POST admitted, read within limits, decoded off the event loop, answered after Kafka. */
package io.lambdascope.collector.receiver;
