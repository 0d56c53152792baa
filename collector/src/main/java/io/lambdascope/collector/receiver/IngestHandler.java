package io.lambdascope.collector.receiver;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Message;
import io.lambdascope.collector.admission.Admission;
import io.lambdascope.collector.admission.Rejection;
import io.lambdascope.collector.exporter.kafka.KafkaExporter;
import io.lambdascope.collector.exporter.kafka.SplitResult;
import io.lambdascope.collector.meters.CollectorMeters;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a receiver's POST through the pipeline: admission (the cheap checks first), the body read
 * within limits, the receiver's decoder on a worker thread, the Kafka exporter, and the answer once
 * Kafka has answered for every record, or 503 when it has not within the Kafka timeout.
 */
public final class IngestHandler {
  private static final Logger log = LoggerFactory.getLogger(IngestHandler.class);

  private final Vertx vertx;
  private final WorkerExecutor decoders;
  private final Admission admission;
  private final KafkaExporter exporter;
  private final CollectorMeters meters;
  private final long maxDecompressedBytes;
  private final Duration kafkaTimeout;

  public IngestHandler(Vertx vertx, WorkerExecutor decoders, Admission admission, KafkaExporter exporter,
      CollectorMeters meters, long maxDecompressedBytes, Duration kafkaTimeout) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.decoders = requireNonNull(decoders, "decoders");
    this.admission = requireNonNull(admission, "admission");
    this.exporter = requireNonNull(exporter, "exporter");
    this.meters = requireNonNull(meters, "meters");
    this.maxDecompressedBytes = maxDecompressedBytes;
    this.kafkaTimeout = requireNonNull(kafkaTimeout, "kafkaTimeout");
  }

  /** The HTTP handler of one receiver path. */
  public Handler<HttpServerRequest> handlerFor(IngestEndpoint endpoint) {
    requireNonNull(endpoint, "endpoint");
    return req -> ingest(req, endpoint);
  }

  private void ingest(HttpServerRequest req, IngestEndpoint endpoint) {
    ContentFormat format = endpoint.format(req.getHeader(HttpHeaders.CONTENT_TYPE));
    IngestExchange x = new IngestExchange(req, endpoint.signal(), format == null ? ContentFormat.JSON : format,
        meters, admission.maxRequestBytes());
    if (req.method() != HttpMethod.POST) {
      meters.request(endpoint.signal(), 405);
      HttpAnswers.methodNotAllowed(req, "POST");
      return;
    }
    String encoding = req.getHeader(HttpHeaders.CONTENT_ENCODING);
    String tenant;
    RequestDecoder decoder;
    try {
      admission.checkOpen();
      tenant = admission.tenant(req.getHeader(HttpHeaders.AUTHORIZATION));
      if (format == null) {
        throw new Rejection(Rejection.Reason.UNSUPPORTED_MEDIA_TYPE, endpoint.unsupportedMediaTypeMessage());
      }
      if (!ContentEncodingDecoder.supported(encoding)) {
        throw new Rejection(Rejection.Reason.UNSUPPORTED_MEDIA_TYPE, "Content-Encoding must be gzip or identity");
      }
      decoder = endpoint.decoder(req, format);
      if (x.contentLength() == IngestExchange.INVALID_LENGTH) {
        throw Rejection.badRequest("invalid Content-Length");
      }
      x.admitted(admission.admit(x.contentLength()));
    } catch (Rejection r) {
      x.reject(r);
      return;
    }
    readBody(x, encoding, tenant, decoder);
  }

  private void readBody(IngestExchange x, String encoding, String tenant, RequestDecoder decoder) {
    HttpServerRequest req = x.request();
    Context context = vertx.getOrCreateContext();
    Buffer body = Buffer.buffer((int) Math.max(0, Math.min(x.contentLength(), 1 << 20)));
    x.startReading();
    req.handler(chunk -> {
      if (x.responded()) {
        return;
      }
      long read = body.length() + chunk.length();
      try {
        admission.checkSize(read);
        x.reservation().growTo(read);
      } catch (Rejection r) {
        x.release();
        x.reject(r);
        return;
      }
      body.appendBuffer(chunk);
    });
    // The client went away or stalled past the idle timeout.
    req.exceptionHandler(t -> x.abandon());
    req.endHandler(v -> {
      if (x.responded()) {
        return;
      }
      x.bodyRead();
      // The wait bound covers decoding too: under a Kafka outage send() itself may block for metadata.
      long timeoutMs = kafkaTimeout.toMillis();
      long timer = vertx.setTimer(timeoutMs, id -> x.reject(new Rejection(
          Rejection.Reason.KAFKA_UNAVAILABLE, "Kafka did not acknowledge within " + timeoutMs + " ms")));
      decoders.<Export>executeBlocking(() -> decodeAndExport(x, body.getBytes(), encoding, tenant, decoder), false)
          .onComplete(ar -> {
            if (ar.failed()) {
              vertx.cancelTimer(timer);
              x.release();
              if (ar.cause() instanceof Rejection r) {
                x.reject(r);
              } else {
                log.warn("decoding a {} request failed unexpectedly", x.signal().label(), ar.cause());
                x.reject(Rejection.badRequest("the request could not be decoded"));
              }
              return;
            }
            Export export = ar.result();
            export.acked().whenComplete((ignored, e) -> context.runOnContext(n -> {
              vertx.cancelTimer(timer);
              x.release();
              if (e == null) {
                x.ok(x.signal().response(export.split().rejectedItems(), export.split().rejectionMessage()));
              } else {
                x.reject(new Rejection(Rejection.Reason.KAFKA_UNAVAILABLE,
                    "Kafka did not accept the data: " + e.getClass().getSimpleName()));
              }
            }));
          });
    });
  }

  /** A decoded request handed to the exporter; {@code acked} completes when Kafka answered for all of it. */
  private record Export(SplitResult split, CompletableFuture<Void> acked) {}

  /** Runs on a decoder thread: send() may block (metadata), which must never happen on an event loop. */
  private Export decodeAndExport(IngestExchange x, byte[] raw, String encoding, String tenant, RequestDecoder decoder)
      throws Rejection {
    byte[] bytes = raw;
    if (ContentEncodingDecoder.isGzip(encoding)) {
      bytes = ContentEncodingDecoder.decode(raw, encoding, maxDecompressedBytes);
      x.reservation().grow(bytes.length);
    }
    if (bytes.length == 0) {
      throw Rejection.badRequest("empty body");
    }
    Message request = decoder.decode(bytes);
    SplitResult split = exporter.split(x.signal(), request, tenant);
    meters.received(x.signal(), split.receivedItems());
    if (x.responded()) {
      // Already answered 503 (the wait bound passed while decoding): the client will retry, so do not write.
      return new Export(split, CompletableFuture.failedFuture(new TimeoutException("answered before sending")));
    }
    return new Export(split, exporter.send(x.signal(), split));
  }
}
