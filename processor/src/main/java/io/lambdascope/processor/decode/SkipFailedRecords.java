package io.lambdascope.processor.decode;

import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' processing exception handler: a record (or a punctuation) that fails in one of the
 * processors for a reason nobody foresaw is counted as {@code processing_error} and skipped, instead
 * of killing the stream thread and meeting the same record again after a restart.
 */
public final class SkipFailedRecords implements ProcessingExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(SkipFailedRecords.class);
  private InputMeters meters;

  @Override
  public void configure(Map<String, ?> configs) {
    meters = InputMetersConfig.from(configs);
  }

  @Override
  public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception e) {
    String topic = context.topic() == null ? "punctuation" : context.topic();
    meters.decodeFailure(topic, DecodeException.PROCESSING_ERROR,
        "processor " + context.processorNodeId() + " of task " + context.taskId() + ": " + e);
    log.debug("record skipped", e);
    return Response.resume();
  }
}
