package io.lambdascope.collector.receiver;

import com.google.protobuf.Message;
import io.lambdascope.collector.admission.Rejection;

/** Turns a request body, already decompressed, into an Export*ServiceRequest; runs on a worker thread. */
@FunctionalInterface
public interface RequestDecoder {
  /**
   * @throws Rejection 400 for a body that does not decode, 413 for one that would become too many messages
   */
  Message decode(byte[] body) throws Rejection;
}
