package io.lambdascope.examples.probe;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A function whose behaviour is chosen by its input, so the emulator's tests can make it sleep, fail, exit or run
 * out of memory on demand: {@code {"sleepMs": 1500}}, {@code {"fail": "message"}}, {@code {"exit": 3}},
 * {@code {"allocateMb": 512}} (holds that much heap: past {@code -Xmx} an {@code OutOfMemoryError}), and
 * {@code {"getenv": ["NAME"]}} (answers those variables). It answers with what it saw, including how many times this
 * execution environment has been invoked (1 means cold).
 *
 * <p>Three behaviours of the execution environment are chosen by its variables: {@code PROBE_FAIL_INIT=true} makes
 * the class's initializer throw (an init error); {@code PROBE_INTERNAL_EXTENSION}
 * names an internal extension the function registers at init (a thread of the runtime, as agents do), first asking
 * for SHUTDOWN too, which Lambda refuses to internal extensions; {@code PROBE_SHUTDOWN_FILE} is a file a JVM
 * shutdown hook appends to, so a test can tell a SIGTERM (hooks run) from a SIGKILL (they do not).
 */
public final class ProbeFunction implements RequestHandler<Map<String, Object>, Map<String, Object>> {

  // Static on purpose: it lives as long as the execution environment, like a warm connection pool would.
  private static int invocationsInThisEnvironment;
  private static final long ENVIRONMENT_STARTED_AT = System.nanoTime();
  /** What registering the internal extension answered, for the tests to see. */
  private static final Map<String, Object> INTERNAL_EXTENSION = InternalExtension.start();

  static {
    if ("true".equals(System.getenv("PROBE_FAIL_INIT"))) {
      throw new IllegalStateException("init fails on purpose (PROBE_FAIL_INIT)");
    }
    String file = System.getenv("PROBE_SHUTDOWN_FILE");
    if (file != null) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          Files.writeString(Path.of(file), "shutdown hook ran in " + System.getenv("AWS_LAMBDA_LOG_STREAM_NAME")
              + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
          System.err.println("probe: cannot write " + file + ": " + e);
        }
      }));
    }
  }

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
    invocationsInThisEnvironment++;
    Map<String, Object> safeInput = input == null ? Map.of() : input;
    Object sleep = safeInput.get("sleepMs");
    if (sleep instanceof Number n && n.longValue() > 0) {
      try {
        Thread.sleep(n.longValue());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Object exit = safeInput.get("exit");
    if (exit instanceof Number n) {
      System.exit(n.intValue());
    }
    Object fail = safeInput.get("fail");
    if (fail != null) {
      throw new IllegalStateException(String.valueOf(fail));
    }
    Object allocate = safeInput.get("allocateMb");
    List<byte[]> held = new ArrayList<>();
    if (allocate instanceof Number n) {
      for (int i = 0; i < n.intValue(); i++) {
        held.add(new byte[1024 * 1024]);
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("requestId", context.getAwsRequestId());
    out.put("functionName", context.getFunctionName());
    out.put("memoryLimitMb", context.getMemoryLimitInMB());
    out.put("remainingMs", context.getRemainingTimeInMillis());
    out.put("invocationsInThisEnvironment", invocationsInThisEnvironment);
    out.put("environmentAgeMs", (System.nanoTime() - ENVIRONMENT_STARTED_AT) / 1_000_000);
    out.put("logStream", System.getenv("AWS_LAMBDA_LOG_STREAM_NAME"));
    out.put("initializationType", System.getenv("AWS_LAMBDA_INITIALIZATION_TYPE"));
    out.put("allocatedMb", held.size());
    if (safeInput.get("getenv") instanceof List<?> names) {
      Map<String, Object> env = new LinkedHashMap<>();
      names.forEach(name -> env.put(String.valueOf(name), System.getenv(String.valueOf(name))));
      out.put("environment", env);
    }
    if (!INTERNAL_EXTENSION.isEmpty()) {
      out.put("internalExtension", INTERNAL_EXTENSION);
    }
    out.put("input", safeInput);
    return out;
  }

  /** An internal extension: registered through the Extensions API at init, then a thread that calls next. */
  private static final class InternalExtension {
    private InternalExtension() {}

    static Map<String, Object> start() {
      String name = System.getenv("PROBE_INTERNAL_EXTENSION");
      Map<String, Object> result = new LinkedHashMap<>();
      if (name == null) {
        return result;
      }
      String api = "http://" + System.getenv("AWS_LAMBDA_RUNTIME_API") + "/2020-01-01/extension/";
      try {
        HttpURLConnection refused = register(api, name, "{\"events\":[\"INVOKE\",\"SHUTDOWN\"]}");
        result.put("withShutdown", refused.getResponseCode());
        result.put("withShutdownAnswer", body(refused));
        HttpURLConnection accepted = register(api, name, "{\"events\":[\"INVOKE\"]}");
        result.put("invokeOnly", accepted.getResponseCode());
        String id = accepted.getHeaderField("Lambda-Extension-Identifier");
        body(accepted);
        Thread next = new Thread(() -> loop(api, id), "probe-internal-extension");
        next.setDaemon(true);
        next.start();
      } catch (IOException e) {
        result.put("error", e.toString());
      }
      return result;
    }

    private static HttpURLConnection register(String api, String name, String body) throws IOException {
      HttpURLConnection c = (HttpURLConnection) new URL(api + "register").openConnection();
      c.setRequestMethod("POST");
      c.setDoOutput(true);
      c.setRequestProperty("Lambda-Extension-Name", name);
      c.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
      return c;
    }

    private static void loop(String api, String id) {
      while (true) {
        try {
          HttpURLConnection c = (HttpURLConnection) new URL(api + "event/next").openConnection();
          c.setRequestProperty("Lambda-Extension-Identifier", id);
          if (c.getResponseCode() != 200) {
            return;
          }
          body(c);
        } catch (IOException e) {
          return;
        }
      }
    }

    private static String body(HttpURLConnection c) throws IOException {
      var in = c.getResponseCode() < 400 ? c.getInputStream() : c.getErrorStream();
      return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
