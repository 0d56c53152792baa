package io.lambdascope.agent.internal.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerRequestEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.SNSEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.lambdascope.agent.internal.invocation.Invocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Trigger, messaging attributes and dedup keys, from aws-lambda-java-events objects and from raw JSON maps. */
class EventInspectorTest {
    private static Invocation inspect(Object event) {
        Invocation inv = new Invocation(Thread.currentThread(), null, 0, 0);
        EventInspector.inspect(event, inv);
        return inv;
    }

    @Test
    void snsEventObject() {
        SNSEvent.SNS sns = new SNSEvent.SNS().withMessageId("sns-1")
                .withTopicArn("arn:aws:sns:eu-west-1:1:alerts");
        SNSEvent event = new SNSEvent().withRecords(List.of(new SNSEvent.SNSRecord().withSns(sns)));
        Invocation inv = inspect(event);
        assertEquals("sns", inv.source);
        assertEquals("pubsub", inv.trigger);
        assertEquals("aws_sns", inv.messagingSystem);
        assertEquals("alerts", inv.destination);
        assertEquals(1, inv.batchCount);
        assertEquals(1, inv.records.size());
        assertEquals("sns-1", inv.records.get(0).dedupKey);
        assertEquals("sns", inv.records.get(0).dedupSource);
        assertEquals("sns-1", inv.records.get(0).messageId);
        assertEquals(-1, inv.records.get(0).deliveryCount);
    }

    @Test
    void s3EventAsMap() {
        Map<String, Object> record = Map.of("eventSource", "aws:s3", "s3", Map.of(
                "bucket", Map.of("name", "uploads"),
                "object", Map.of("key", "a/b.txt", "sequencer", "0055AED6DCD90281E5")));
        Invocation inv = inspect(Map.of("Records", List.of(record)));
        assertEquals("s3", inv.source);
        assertEquals("datasource", inv.trigger);
        assertNull(inv.messagingSystem);
        assertNull(inv.destination);
        assertEquals(1, inv.batchCount);
        assertEquals(1, inv.records.size());
        assertEquals("uploads/a/b.txt@0055AED6DCD90281E5", inv.records.get(0).dedupKey);
        assertEquals("s3", inv.records.get(0).dedupSource);
        assertNull(inv.records.get(0).messageId);
    }

    @Test
    void kinesisAndDynamodbObjects() {
        KinesisEvent.KinesisEventRecord k = new KinesisEvent.KinesisEventRecord();
        k.setEventID("shardId-0:495");
        k.setEventSourceARN("arn:aws:kinesis:eu-west-1:1:stream/clicks");
        KinesisEvent kinesis = new KinesisEvent();
        kinesis.setRecords(List.of(k));
        Invocation inv = inspect(kinesis);
        assertEquals("kinesis", inv.source);
        assertEquals("aws_kinesis", inv.messagingSystem);
        assertEquals("clicks", inv.destination);
        assertEquals("pubsub", inv.trigger);
        assertEquals(1, inv.batchCount);
        assertEquals(1, inv.records.size());
        assertEquals("shardId-0:495", inv.records.get(0).dedupKey);
        assertEquals("kinesis", inv.records.get(0).dedupSource);
        assertEquals("shardId-0:495", inv.records.get(0).messageId);

        DynamodbEvent.DynamodbStreamRecord d = new DynamodbEvent.DynamodbStreamRecord();
        d.setEventID("ddb-1");
        DynamodbEvent ddb = new DynamodbEvent();
        ddb.setRecords(List.of(d));
        inv = inspect(ddb);
        assertEquals("dynamodb", inv.source);
        assertEquals("datasource", inv.trigger);
        assertNull(inv.messagingSystem, "DynamoDB streams are no messaging system");
        assertEquals(1, inv.records.size());
        assertEquals("ddb-1", inv.records.get(0).dedupKey);
        assertEquals("dynamodb", inv.records.get(0).dedupSource);
        assertNull(inv.records.get(0).messageId);
    }

    @Test
    void eventBridgeAndScheduled() {
        ScheduledEvent scheduled = new ScheduledEvent().withId("ev-1").withDetailType("Scheduled Event")
                .withSource("aws.events");
        Invocation inv = inspect(scheduled);
        assertEquals("scheduled", inv.source);
        assertEquals("timer", inv.trigger);
        assertEquals(1, inv.records.size());
        assertEquals("ev-1", inv.records.get(0).dedupKey);
        assertEquals("eventbridge", inv.records.get(0).dedupSource);

        inv = inspect(Map.of("id", "ev-2", "detail-type", "OrderPlaced", "source", "shop", "detail", Map.of()));
        assertEquals("eventbridge", inv.source);
        assertEquals("pubsub", inv.trigger);
        assertEquals(1, inv.records.size());
        assertEquals("ev-2", inv.records.get(0).dedupKey);
        assertEquals("eventbridge", inv.records.get(0).dedupSource);
    }

    @Test
    void httpTriggersAndStatus() {
        assertEquals("apigatewayv2", inspect(new APIGatewayV2HTTPEvent()).source);
        assertEquals("alb", inspect(new ApplicationLoadBalancerRequestEvent()).source);
        assertEquals("http", inspect(new ApplicationLoadBalancerRequestEvent()).trigger);
        assertEquals("apigatewayv2", inspect(Map.of("version", "2.0", "requestContext", Map.of("http", Map.of()))).source);
        assertEquals("alb", inspect(Map.of("requestContext", Map.of("elb", Map.of()))).source);
        assertEquals("apigateway", inspect(Map.of("httpMethod", "GET", "requestContext", Map.of())).source);
        assertEquals(503, EventInspector.httpStatus(APIGatewayV2HTTPResponse.builder().withStatusCode(503).build()));
        assertEquals(201, EventInspector.httpStatus(Map.of("statusCode", 201)));
        assertEquals(-1, EventInspector.httpStatus("plain"));
    }

    @Test
    void streamHandlerEventsArePeekedAndRewound() throws Exception {
        String json = "{\"Records\": [{\"messageId\": \"s-1\", \"eventSource\": \"aws:sqs\", "
                + "\"eventSourceARN\": \"arn:aws:sqs:eu-west-1:1:jobs\", \"body\": \"a \\\"quoted\\\" \\u00e9 body\", "
                + "\"attributes\": {\"ApproximateReceiveCount\": \"5\"}, \"n\": -1.5e3, \"ok\": true, \"x\": null}]}";
        byte[] bytes = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(bytes);
        Invocation inv = inspect(in);
        assertEquals("sqs", inv.source);
        assertEquals("jobs", inv.destination);
        assertEquals(1, inv.records.size());
        assertEquals("s-1", inv.records.get(0).dedupKey);
        assertEquals(5, inv.records.get(0).deliveryCount);
        assertEquals(json, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8),
                "the handler still reads the whole event");

        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = (Map<String, Object>) JsonPeek.parse(bytes, bytes.length);
        @SuppressWarnings("unchecked")
        Map<String, Object> record = (Map<String, Object>) ((List<Object>) parsed.get("Records")).get(0);
        assertEquals("a \"quoted\" \u00e9 body", record.get("body"));
        assertEquals(-1500.0, record.get("n"));
        assertEquals(true, record.get("ok"));
        assertEquals(true, record.containsKey("x"));
        assertNull(JsonPeek.parse("{\"a\": ".getBytes(), 6), "truncated JSON is no event");
        assertNull(JsonPeek.parse("[1] x".getBytes(), 5));
        assertEquals("direct", inspect(new java.io.BufferedInputStream(
                new java.io.ByteArrayInputStream(bytes))).source, "other streams are never read");
    }

    @Test
    void directAndOversizedBatches() {
        Invocation inv = inspect("hello");
        assertEquals("direct", inv.source);
        assertEquals("other", inv.trigger);
        assertEquals(0, inv.records.size());
        assertEquals("direct", inspect(null).source);
        assertEquals("direct", inspect(Map.of("Records", List.of())).source);

        List<Object> records = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            records.add(Map.of("messageId", "m" + i, "eventSource", "aws:sqs",
                    "eventSourceARN", "arn:aws:sqs:eu-west-1:1:q", "attributes", Map.of()));
        }
        inv = inspect(Map.of("Records", records));
        assertEquals(300, inv.batchCount);
        assertEquals(Invocation.MAX_RECORDS, inv.records.size());
        assertEquals(300 - Invocation.MAX_RECORDS, inv.recordsDropped);
        assertEquals(-1, inv.records.get(0).deliveryCount);
    }
}
