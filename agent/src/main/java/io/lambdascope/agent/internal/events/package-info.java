/** The handler's input and output: trigger and event source, dedup keys per record, HTTP status, the JSON peek. */
package io.lambdascope.agent.internal.events;
