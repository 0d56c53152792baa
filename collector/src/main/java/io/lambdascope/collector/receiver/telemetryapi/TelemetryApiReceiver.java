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
 * events of the function named in {@value #FUNCTION_HEADER}; answered like OTLP/HTTP logs in JSON.
 */
public final class TelemetryApiReceiver {
  public static final String PATH = "/v1/lambda/telemetry";
  public static final String FUNCTION_HEADER = "X-Lambdascope-Function";
  public static final String FUNCTION_VERSION_HEADER = "X-Lambdascope-Function-Version";
  private static final int MAX_FUNCTION_NAME = 256;

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
      String function = request.getHeader(FUNCTION_HEADER);
      String version = request.getHeader(FUNCTION_VERSION_HEADER);
      if (function == null || function.isBlank() || function.length() > MAX_FUNCTION_NAME
          || (version != null && version.length() > MAX_FUNCTION_NAME)) {
        throw Rejection.badRequest(FUNCTION_HEADER + " must name the function (at most " + MAX_FUNCTION_NAME + " characters)");
      }
      String name = function.trim();
      return body -> TelemetryApiEventsToLogs.toLogs(
          body, name, version, maxDecodedMessages, System.currentTimeMillis() * 1_000_000L);
    }
  }
}
