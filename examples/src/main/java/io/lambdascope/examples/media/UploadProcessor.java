package io.lambdascope.examples.media;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification;
import io.lambdascope.examples.shared.EnvironmentVariables;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Processes objects uploaded to a bucket (S3 ObjectCreated notifications, invoked asynchronously): indexes images
 * and CSV files. Work grows with the object's size ({@code UPLOAD_MS_PER_MB}, default 20). Unsupported types fail
 * with {@link UnsupportedUploadException}; keys containing {@code corrupt} fail a checksum; both end in the
 * function's on-failure destination after Lambda's async retries.
 */
public final class UploadProcessor implements RequestHandler<S3Event, Map<String, Object>> {
  private static final List<String> SUPPORTED = List.of(".jpg", ".jpeg", ".png", ".csv");

  private final long msPerMb = EnvironmentVariables.number("UPLOAD_MS_PER_MB", 20);

  @Override
  public Map<String, Object> handleRequest(S3Event event, Context context) {
    int indexed = 0;
    long bytes = 0;
    for (S3EventNotification.S3EventNotificationRecord record : event.getRecords()) {
      String bucket = record.getS3().getBucket().getName();
      String key = record.getS3().getObject().getUrlDecodedKey();
      Long size = record.getS3().getObject().getSizeAsLong();
      long length = size == null ? 0 : size;
      String lower = key.toLowerCase(Locale.ROOT);
      if (SUPPORTED.stream().noneMatch(lower::endsWith)) {
        throw new UnsupportedUploadException("s3://" + bucket + "/" + key + ": unsupported file type");
      }
      if (lower.contains("corrupt")) {
        throw new IllegalStateException("s3://" + bucket + "/" + key + ": checksum mismatch");
      }
      try {
        Thread.sleep(Math.min(10_000, length * msPerMb / (1024 * 1024)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while indexing " + key, e);
      }
      indexed++;
      bytes += length;
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("indexed", indexed);
    result.put("bytes", bytes);
    return result;
  }

  /** The upload is of a type this processor cannot index. */
  public static final class UnsupportedUploadException extends RuntimeException {
    public UnsupportedUploadException(String message) {
      super(message);
    }
  }
}
