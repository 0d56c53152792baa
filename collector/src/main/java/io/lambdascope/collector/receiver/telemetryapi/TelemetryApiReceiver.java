package io.lambdascope.collector.receiver.telemetryapi;

import static java.util.Objects.requireNonNull;

import io.lambdascope.collector.admission.Rejection;
import io.lambdascope.collector.receiver.ContentFormat;
import io.lambdascope.collector.receiver.IngestEndpoint;
import io.lambdascope.collector.receiver.IngestHandler;
import io.lambdascope.collector.receiver.RequestDecoder;
import io.lambdascope.collector.signal.Signal;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;

/**
 * Lambda platform events: {@code POST /v1/lambda/telemetry} with a JSON array of Telemetry API
 * events of the function its headers name ({@link FunctionIdentity}); answered like OTLP/HTTP logs
 * in JSON.
 */
public final class TelemetryApiReceiver {
  public static final String PATH = "/v1/lambda/telemetry";

  private final IngestHandler ingest;
  private final long maxDecodedMessages;

  public TelemetryApiReceiver(IngestHandler ingest, long maxDecodedMessages) {
    this.ingest = requireNonNull(ingest, "ingest");
    this.maxDecodedMessages = maxDecodedMessages;
  }

  /** Its path and its handler. */
  public Map<String, Handler<HttpServerRequest>> routes() {
    return Map.of(PATH, ingest.handlerFor(new Endpoint()));
  }

  private final class Endpoint implements IngestEndpoint {
    @Override
    public Signal signal() {
      return Signal.PLATFORM;
    }

    /** JSON, also when the request has no Content-Type. */
    @Override
    public ContentFormat format(String contentType) {
      return contentType == null || "application/json".equals(ContentFormat.mediaType(contentType))
          ? ContentFormat.JSON : null;
    }

    @Override
    public String unsupportedMediaTypeMessage() {
      return "Content-Type must be application/json";
    }

    @Override
    public RequestDecoder decoder(HttpServerRequest request, ContentFormat format) throws Rejection {
      FunctionIdentity function = FunctionIdentity.of(request);
      return body -> TelemetryApiEventsToLogs.toLogs(
          body, function, maxDecodedMessages, System.currentTimeMillis() * 1_000_000L);
    }
  }
}
