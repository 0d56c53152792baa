package io.lambdascope.agent.testfn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/** Calls DynamoDB (a local double, from DYNAMODB_ENDPOINT) twice per invocation and reports what failed. */
public final class ThrottledDynamo implements RequestHandler<String, String> {
    private final DynamoDbClient dynamo = DynamoDbClient.builder()
            .endpointOverride(URI.create(System.getenv("DYNAMODB_ENDPOINT")))
            .region(Region.EU_WEST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build();

    @Override
    public String handleRequest(String input, Context context) {
        StringBuilder sb = new StringBuilder();
        try {
            dynamo.putItem(b -> b.tableName("orders").item(Map.of("id", AttributeValue.fromS(input))));
            sb.append("put ok;");
        } catch (DynamoDbException e) {
            sb.append(e.awsErrorDetails().errorCode()).append(';');
        }
        try {
            dynamo.getItem(b -> b.tableName("missing").key(Map.of("id", AttributeValue.fromS(input))));
            sb.append("get ok;");
        } catch (DynamoDbException e) {
            sb.append(e.awsErrorDetails().errorCode()).append(';');
        }
        return sb.toString();
    }
}
