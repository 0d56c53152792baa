package io.lambdascope.collector.receiver.otlp;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Message;
import io.lambdascope.collector.receiver.ContentFormat;
import io.lambdascope.collector.receiver.IngestEndpoint;
import io.lambdascope.collector.receiver.IngestHandler;
import io.lambdascope.collector.receiver.RequestDecoder;
import io.lambdascope.collector.signal.Signal;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/** OTLP/HTTP: {@code POST /v1/traces}, {@code /v1/metrics} and {@code /v1/logs}, protobuf or JSON, gzip or not. */
public final class OtlpHttpReceiver {
  private final IngestHandler ingest;
  private final long maxDecodedMessages;

  public OtlpHttpReceiver(IngestHandler ingest, long maxDecodedMessages) {
    this.ingest = requireNonNull(ingest, "ingest");
    this.maxDecodedMessages = maxDecodedMessages;
  }

  /** Its paths and their handlers. */
  public Map<String, Handler<HttpServerRequest>> routes() {
    Map<String, Handler<HttpServerRequest>> routes = new LinkedHashMap<>();
    routes.put("/v1/traces", ingest.handlerFor(new Endpoint(Signal.TRACES)));
    routes.put("/v1/metrics", ingest.handlerFor(new Endpoint(Signal.METRICS)));
    routes.put("/v1/logs", ingest.handlerFor(new Endpoint(Signal.LOGS)));
    return routes;
  }

  private final class Endpoint implements IngestEndpoint {
    private final Signal signal;

    Endpoint(Signal signal) {
      this.signal = signal;
    }

    @Override
    public Signal signal() {
      return signal;
    }

    @Override
    public ContentFormat format(String contentType) {
      String type = ContentFormat.mediaType(contentType);
      if ("application/x-protobuf".equals(type)) {
        return ContentFormat.PROTOBUF;
      }
      return "application/json".equals(type) ? ContentFormat.JSON : null;
    }

    @Override
    public String unsupportedMediaTypeMessage() {
      return "Content-Type must be application/x-protobuf or application/json";
    }

    @Override
    public RequestDecoder decoder(HttpServerRequest request, ContentFormat format) {
      Message prototype = signal.requestPrototype();
      if (format == ContentFormat.PROTOBUF) {
        return body -> OtlpHttpBodyDecoder.decodeProtobuf(prototype, body, maxDecodedMessages);
      }
      return body -> OtlpHttpBodyDecoder.decodeJson(prototype, body, maxDecodedMessages);
    }
  }
}
