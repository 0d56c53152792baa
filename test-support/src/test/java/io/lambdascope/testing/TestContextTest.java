package io.lambdascope.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestContextTest {
  @Test
  void carriesWhatItWasGivenAndCountsDownToItsDeadline() throws InterruptedException {
    Context ctx =
        TestContext.builder()
            .requestId("req-7")
            .functionName("orders-api")
            .functionVersion("12")
            .timeout(Duration.ofMillis(400))
            .memoryLimitMb(1024)
            .build();
    assertEquals("req-7", ctx.getAwsRequestId());
    assertEquals("orders-api", ctx.getFunctionName());
    assertEquals("12", ctx.getFunctionVersion());
    assertEquals("arn:aws:lambda:eu-west-1:123456789012:function:orders-api", ctx.getInvokedFunctionArn());
    assertEquals("/aws/lambda/orders-api", ctx.getLogGroupName());
    assertEquals(1024, ctx.getMemoryLimitInMB());
    int first = ctx.getRemainingTimeInMillis();
    assertTrue(first > 0 && first <= 400, "remaining " + first);
    Thread.sleep(450);
    assertEquals(0, ctx.getRemainingTimeInMillis());
    assertNull(ctx.getLogger());
  }

  @Test
  void isNotPublicSoAgentsMustGoThroughTheInterface() {
    Context ctx = TestContext.builder().build();
    assertFalse(Modifier.isPublic(ctx.getClass().getModifiers()));
  }

  @Test
  void logsIntoTheGivenList() {
    List<String> sink = TestContext.logSink();
    Context ctx = TestContext.builder().logTo(sink).build();
    ctx.getLogger().log("hello");
    ctx.getLogger().log("bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(List.of("hello", "bytes"), sink);
  }
}
