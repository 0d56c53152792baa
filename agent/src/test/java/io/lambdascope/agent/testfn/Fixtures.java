package io.lambdascope.agent.testfn;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Handler inputs by name, built as Lambda's serializer would build them. */
final class Fixtures {
    private Fixtures() {
    }

    static Object input(String fixture) {
        int colon = fixture.indexOf(':');
        String kind = colon < 0 ? fixture : fixture.substring(0, colon);
        String arg = colon < 0 ? "" : fixture.substring(colon + 1);
        switch (kind) {
            case "null":
                return null;
            case "string":
                return arg;
            case "map":
                Map<String, Object> map = new LinkedHashMap<>();
                map.put("name", arg);
                map.put("count", 3);
                return map;
            case "sqs":
                return sqs();
            case "sqs-map":
                return sqsMap();
            case "sqs-json":
                return "{\"Records\":[{\"messageId\":\"stream-msg-1\",\"eventSource\":\"aws:sqs\","
                        + "\"eventSourceARN\":\"arn:aws:sqs:eu-west-1:123456789012:streamed\","
                        + "\"attributes\":{\"ApproximateReceiveCount\":\"2\"},\"body\":\"hi\"}]}";
            case "apigw-json":
                return "{\"resource\":\"/{proxy+}\",\"path\":\"" + arg + "\",\"httpMethod\":\"GET\","
                        + "\"requestContext\":{\"httpMethod\":\"GET\",\"requestId\":\"x\"}}";
            case "apigw":
                return new APIGatewayProxyRequestEvent().withHttpMethod("GET").withPath(arg);
            default:
                throw new IllegalArgumentException("unknown fixture " + fixture);
        }
    }

    static byte[] bytes(String fixture) {
        Object input = input(fixture);
        return String.valueOf(input).getBytes(StandardCharsets.UTF_8);
    }

    private static SQSEvent sqs() {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
            m.setMessageId("msg-" + i);
            m.setBody("body " + i);
            m.setEventSource("aws:sqs");
            m.setEventSourceArn("arn:aws:sqs:eu-west-1:123456789012:orders");
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("ApproximateReceiveCount", Integer.toString(i));
            m.setAttributes(attributes);
            records.add(m);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    private static Map<String, Object> sqsMap() {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("messageId", "map-msg-1");
        record.put("eventSource", "aws:sqs");
        record.put("eventSourceARN", "arn:aws:sqs:eu-west-1:123456789012:payments");
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("ApproximateReceiveCount", "3");
        record.put("attributes", attributes);
        List<Object> records = new ArrayList<>();
        records.add(record);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("Records", records);
        return event;
    }
}
