/** A single-node Kafka broker in process: the laptop default and the tests' broker. */
package io.lambdascope.kafka;
