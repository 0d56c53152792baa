package io.lambdascope.agent.internal.events;

import io.lambdascope.agent.internal.invocation.Invocation;
import java.util.List;
import java.util.Map;

/**
 * Derives the trigger, messaging attributes and per-record dedup keys from the handler's input, whether it is an
 * aws-lambda-java-events object or the raw JSON as a {@code Map}; and the HTTP status from the handler's result.
 * Anything unrecognised is a direct invocation.
 */
public final class EventInspector {
    private static final String EVENTS = "com.amazonaws.services.lambda.runtime.events.";

    private EventInspector() {
    }

    public static void inspect(Object input, Invocation inv) {
        if (input instanceof java.io.InputStream) {
            input = JsonPeek.peek(input); // a stream handler's event; null when it cannot be read safely
        }
        String source = source(input);
        inv.source = source;
        inv.trigger = trigger(source);
        switch (source) {
            case "sqs":
                sqs(input, inv);
                break;
            case "sns":
                sns(input, inv);
                break;
            case "s3":
                s3(input, inv);
                break;
            case "kinesis":
            case "dynamodb":
                streams(input, inv, source);
                break;
            case "eventbridge":
            case "scheduled":
                String id = EventProperties.string(input, "id", "getId");
                if (id != null) {
                    inv.addRecord(id, "eventbridge", null, -1);
                }
                break;
            default:
                break; // keyed by request id when encoded
        }
    }

    private static String source(Object input) {
        if (input == null) {
            return "direct";
        }
        if (input instanceof Map) {
            return mapSource((Map<?, ?>) input);
        }
        String name = input.getClass().getName();
        if (!name.startsWith(EVENTS)) {
            return "direct";
        }
        switch (name.substring(EVENTS.length())) {
            case "SQSEvent":
                return "sqs";
            case "SNSEvent":
                return "sns";
            case "S3Event":
                return "s3";
            case "APIGatewayProxyRequestEvent":
                return "apigateway";
            case "APIGatewayV2HTTPEvent":
                return "apigatewayv2";
            case "ApplicationLoadBalancerRequestEvent":
                return "alb";
            case "KinesisEvent":
                return "kinesis";
            case "DynamodbEvent":
                return "dynamodb";
            case "ScheduledEvent":
                return "Scheduled Event".equals(EventProperties.string(input, "detail-type", "getDetailType"))
                        ? "scheduled" : "eventbridge";
            default:
                return "direct";
        }
    }

    private static String mapSource(Map<?, ?> map) {
        Object records = map.get("Records");
        if (records instanceof List && !((List<?>) records).isEmpty()) {
            Object first = ((List<?>) records).get(0);
            if (first instanceof Map) {
                Map<?, ?> record = (Map<?, ?>) first;
                Object es = record.get("eventSource");
                if (es == null) {
                    es = record.get("EventSource");
                }
                if ("aws:sqs".equals(es)) {
                    return "sqs";
                }
                if ("aws:sns".equals(es)) {
                    return "sns";
                }
                if ("aws:s3".equals(es)) {
                    return "s3";
                }
                if ("aws:kinesis".equals(es)) {
                    return "kinesis";
                }
                if ("aws:dynamodb".equals(es)) {
                    return "dynamodb";
                }
            }
            return "direct";
        }
        Object requestContext = map.get("requestContext");
        if (requestContext instanceof Map) {
            Map<?, ?> rc = (Map<?, ?>) requestContext;
            if (rc.containsKey("elb")) {
                return "alb";
            }
            if ("2.0".equals(map.get("version")) && rc.containsKey("http")) {
                return "apigatewayv2";
            }
            if (map.containsKey("httpMethod") || rc.containsKey("httpMethod")) {
                return "apigateway";
            }
        }
        if (map.containsKey("detail-type") && map.containsKey("source") && map.containsKey("id")) {
            return "Scheduled Event".equals(map.get("detail-type")) && "aws.events".equals(map.get("source"))
                    ? "scheduled" : "eventbridge";
        }
        return "direct";
    }

    private static String trigger(String source) {
        switch (source) {
            case "apigateway":
            case "apigatewayv2":
            case "alb":
                return "http";
            case "sqs":
            case "sns":
            case "kinesis":
            case "eventbridge":
                return "pubsub";
            case "s3":
            case "dynamodb":
                return "datasource";
            case "scheduled":
                return "timer";
            default:
                return "other";
        }
    }

    private static void sqs(Object input, Invocation inv) {
        List<?> records = EventProperties.list(input, "Records", "getRecords");
        if (records == null) {
            return;
        }
        inv.messagingSystem = "aws_sqs";
        inv.batchCount = records.size();
        for (Object r : records) {
            String id = EventProperties.string(r, "messageId", "getMessageId");
            if (inv.destination == null) {
                inv.destination = lastSegment(EventProperties.string(r, "eventSourceARN", "getEventSourceArn"), ':');
            }
            Object attributes = EventProperties.get(r, "attributes", "getAttributes");
            long count = attributes instanceof Map
                    ? EventProperties.number(((Map<?, ?>) attributes).get("ApproximateReceiveCount")) : -1;
            if (id != null) {
                inv.addRecord(id, "sqs", id, count);
            }
        }
    }

    private static void sns(Object input, Invocation inv) {
        List<?> records = EventProperties.list(input, "Records", "getRecords");
        if (records == null) {
            return;
        }
        inv.messagingSystem = "aws_sns";
        inv.batchCount = records.size();
        for (Object r : records) {
            Object sns = EventProperties.get(r, "Sns", "getSNS");
            String id = EventProperties.string(sns, "MessageId", "getMessageId");
            if (inv.destination == null) {
                inv.destination = lastSegment(EventProperties.string(sns, "TopicArn", "getTopicArn"), ':');
            }
            if (id != null) {
                inv.addRecord(id, "sns", id, -1);
            }
        }
    }

    private static void s3(Object input, Invocation inv) {
        List<?> records = EventProperties.list(input, "Records", "getRecords");
        if (records == null) {
            return;
        }
        inv.batchCount = records.size();
        for (Object r : records) {
            Object s3 = EventProperties.get(r, "s3", "getS3");
            String bucket = EventProperties.string(EventProperties.get(s3, "bucket", "getBucket"), "name", "getName");
            Object object = EventProperties.get(s3, "object", "getObject");
            String key = EventProperties.string(object, "key", "getKey");
            String sequencer = EventProperties.string(object, "sequencer", "getSequencer");
            if (bucket != null || key != null) {
                inv.addRecord(bucket + "/" + key + "@" + sequencer, "s3", null, -1);
            }
        }
    }

    private static void streams(Object input, Invocation inv, String source) {
        List<?> records = EventProperties.list(input, "Records", "getRecords");
        if (records == null) {
            return;
        }
        boolean kinesis = source.equals("kinesis");
        if (kinesis) {
            inv.messagingSystem = "aws_kinesis";
        }
        inv.batchCount = records.size();
        for (Object r : records) {
            String id = EventProperties.string(r, "eventID", "getEventID");
            if (kinesis && inv.destination == null) {
                String arn = EventProperties.string(r, "eventSourceARN", "getEventSourceARN");
                inv.destination = lastSegment(lastSegment(arn, ':'), '/');
            }
            if (id != null) {
                inv.addRecord(id, source, kinesis ? id : null, -1);
            }
        }
    }

    /** The HTTP status of an HTTP trigger's response object ({@code statusCode}), or -1. */
    public static int httpStatus(Object result) {
        if (result == null) {
            return -1;
        }
        long status = EventProperties.number(EventProperties.get(result, "statusCode", "getStatusCode"));
        return status >= 100 && status <= 999 ? (int) status : -1;
    }

    private static String lastSegment(String value, char separator) {
        if (value == null) {
            return null;
        }
        int i = value.lastIndexOf(separator);
        return i < 0 ? value : value.substring(i + 1);
    }
}
