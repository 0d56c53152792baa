/**
 * Whether data Kafka acknowledged could live on one disk only, shared by the collector and the
 * processor so both judge their topics by one rule and say so in one wording: the replication
 * factor and {@code min.insync.replicas} of each topic, checked at start against what survives one
 * lost disk. Each service gathers the facts of its own topics.
 */
package io.lambdascope.kafka.durability;
