package io.lambdascope.collector.receiver;

import com.google.protobuf.CodedOutputStream;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The body of an OTLP error response: a {@code google.rpc.Status} (code, message), encoded like
 * the request. Written by hand because the message is two fields and its class is not on the path.
 */
final class RpcStatus {
  private RpcStatus() {}

  /** The gRPC code OTLP pairs with an HTTP status. */
  static int grpcCode(int httpStatus) {
    switch (httpStatus) {
      case 400:
      case 415:
        return 3; // INVALID_ARGUMENT
      case 401:
        return 16; // UNAUTHENTICATED
      case 413:
      case 429:
        return 8; // RESOURCE_EXHAUSTED
      case 503:
        return 14; // UNAVAILABLE
      default:
        return 2; // UNKNOWN
    }
  }

  static byte[] protobuf(int httpStatus, String message) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.writeInt32(1, grpcCode(httpStatus));
      out.writeString(2, message);
      out.flush();
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
    return bytes.toByteArray();
  }

  static String json(int httpStatus, String message) {
    return new JsonObject().put("code", grpcCode(httpStatus)).put("message", message).encode();
  }
}
