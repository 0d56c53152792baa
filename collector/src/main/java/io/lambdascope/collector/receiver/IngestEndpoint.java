package io.lambdascope.collector.receiver;

import io.lambdascope.collector.admission.Rejection;
import io.lambdascope.collector.signal.Signal;
import io.vertx.core.http.HttpServerRequest;

/** What a receiver says about one of its POST paths; {@link IngestHandler} does the rest. */
public interface IngestEndpoint {
  Signal signal();

  /** The body's encoding by its {@code Content-Type} header, or null when this path does not take that type. */
  ContentFormat format(String contentType);

  /** The reason given when {@link #format} said null (415). */
  String unsupportedMediaTypeMessage();

  /**
   * How to decode this request's body, once its headers passed the receiver's own checks.
   *
   * @throws Rejection 400 when a header the receiver needs is missing or invalid
   */
  RequestDecoder decoder(HttpServerRequest request, ContentFormat format) throws Rejection;
}
