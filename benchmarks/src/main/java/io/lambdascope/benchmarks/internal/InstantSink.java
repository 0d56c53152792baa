package io.lambdascope.benchmarks.internal;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;

/**
 * An HTTP endpoint on one Vert.x event loop that reads each request and answers 200 at once: the
 * ceiling of the load generator, so a collector figure near it says the client was the limit.
 */
public final class InstantSink implements AutoCloseable {
  private final Vertx vertx;
  private final HttpServer server;

  private InstantSink(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  public static InstantSink start() {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(
                request ->
                    request
                        .body()
                        .onComplete(
                            (body, error) ->
                                request
                                    .response()
                                    .setStatusCode(200)
                                    .putHeader("Content-Type", "application/x-protobuf")
                                    .end()))
            .listen(0, "127.0.0.1")
            .await();
    return new InstantSink(vertx, server);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
