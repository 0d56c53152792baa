package io.lambdascope.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification;
import io.lambdascope.examples.media.UploadProcessor;
import io.lambdascope.examples.orders.OrderWorker;
import io.lambdascope.testing.TestContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example handlers called directly: their failure modes are deterministic. */
class ExamplesTest {

  private static SQSEvent.SQSMessage message(String id, String body) {
    SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
    m.setMessageId(id);
    m.setBody(body);
    return m;
  }

  @Test
  void orderWorkerReportsOnlyInvalidOrdersAsBatchItemFailures() {
    SQSEvent event = new SQSEvent();
    event.setRecords(List.of(
        message("m-good", "{\"orderId\":\"o-1\",\"sku\":\"BOOK-1\",\"quantity\":2}"),
        message("m-poison", "{\"orderId\":\"o-2\",\"sku\":\"POISON\",\"quantity\":1}"),
        message("m-zero", "{\"orderId\":\"o-3\",\"sku\":\"MUG-2\",\"quantity\":0}"),
        message("m-garbage", "not json")));
    List<String> logged = TestContext.logSink();
    SQSBatchResponse response = new OrderWorker().handleRequest(event, TestContext.builder().logTo(logged).build());
    assertEquals(List.of("m-poison", "m-zero", "m-garbage"),
        response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList());
    // One line per failed order, naming it and why.
    assertEquals(List.of(
        "order m-poison failed: invalid order: sku=POISON quantity=1",
        "order m-zero failed: invalid order: sku=MUG-2 quantity=0"), logged.subList(0, 2));
    assertEquals(3, logged.size(), logged.toString());
    assertTrue(logged.get(2).startsWith("order m-garbage failed: Unrecognized token 'not'"), logged.get(2));
  }

  private static S3Event upload(String key, long size) {
    S3EventNotification.S3ObjectEntity object =
        new S3EventNotification.S3ObjectEntity(key, size, "etag", null, "0001");
    S3EventNotification.S3BucketEntity bucket = new S3EventNotification.S3BucketEntity("demo-uploads", null, null);
    S3EventNotification.S3Entity s3 = new S3EventNotification.S3Entity("uploads", bucket, object, "1.0");
    S3EventNotification.S3EventNotificationRecord record = new S3EventNotification.S3EventNotificationRecord(
        "us-east-1", "ObjectCreated:Put", "aws:s3", "2026-01-01T00:00:00.000Z", "2.1", null, null, s3, null);
    return new S3Event(List.of(record));
  }

  @Test
  void uploadProcessorIndexesSupportedFilesAndRejectsOthers() {
    UploadProcessor processor = new UploadProcessor();
    Map<String, Object> result = processor.handleRequest(upload("photos/cat.jpg", 1024), TestContext.builder().build());
    assertEquals(1, result.get("indexed"));
    assertEquals(1024L, result.get("bytes"));
    assertThrows(UploadProcessor.UnsupportedUploadException.class,
        () -> processor.handleRequest(upload("reports/q3.xlsx", 10), TestContext.builder().build()));
    IllegalStateException corrupt = assertThrows(IllegalStateException.class,
        () -> processor.handleRequest(upload("photos/corrupt-1.png", 10), TestContext.builder().build()));
    assertTrue(corrupt.getMessage().contains("checksum"), corrupt.getMessage());
  }
}
