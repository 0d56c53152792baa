package io.lambdascope.cloudwatch.exporter;

import java.net.URI;
import software.amazon.awssdk.awscore.AwsExecutionAttribute;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Gives the CloudWatch exporter's AWS SDK (2.27.7, which predates the setting) the standard
 * {@code AWS_ENDPOINT_URL_CLOUDWATCH} variable that later SDKs honour: a CloudWatch call goes to that endpoint, as
 * if the client had been built with it as endpoint override. Loaded by the SDK as a global execution interceptor
 * (a {@code software/amazon/awssdk/global/handlers/execution.interceptors} file naming this class on the
 * exporter's classpath); runs only in the exporter's JVM. Without the variable it does nothing, which is how the
 * exporter runs against AWS.
 */
public final class EndpointFromEnvironment implements ExecutionInterceptor {
  public static final String VARIABLE = "AWS_ENDPOINT_URL_CLOUDWATCH";

  private final URI endpoint;

  public EndpointFromEnvironment() {
    String value = System.getenv(VARIABLE);
    this.endpoint = value == null || value.isBlank() ? null : URI.create(value.trim());
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    if (endpoint != null && "CloudWatch".equals(attributes.getAttribute(AwsExecutionAttribute.SERVICE_NAME))) {
      // What the client builder's endpointOverride sets; the endpoint rules then resolve to this URL.
      attributes.putAttribute(SdkExecutionAttribute.ENDPOINT_OVERRIDDEN, true);
      attributes.putAttribute(SdkExecutionAttribute.CLIENT_ENDPOINT, endpoint);
    }
  }
}
