package io.lambdascope.launcher;

import io.lambdascope.launcher.SettingsCatalog.Outcome;
import io.lambdascope.settings.Setting;
import io.lambdascope.settings.SettingException;
import io.lambdascope.settings.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** {@code lambdascope tail}: recent invocations from the processor, then new ones as they come. */
final class TailCommand implements Command {
  /** Of a timeout stack: the top frames (what the handler waits on), then the function's own frames. */
  private static final int TOP_FRAMES = 3;
  private static final int OWN_FRAMES = 5;

  @Override
  public String name() {
    return "tail";
  }

  @Override
  public String summary() {
    return "Print recent invocations from the processor, then follow new ones (errors with their message, "
        + "timeouts with the handler's stack).";
  }

  @Override
  public List<Setting<?>> settings() {
    return SettingsCatalog.TAIL;
  }

  @Override
  public int run(Settings settings) throws Exception {
    return run(settings, System.out, System.err);
  }

  int run(Settings settings, PrintStream out, PrintStream err) throws Exception {
    String base = settings.get(SettingsCatalog.PROCESSOR_URL).toString();
    String token = token(settings);
    StringBuilder filter = new StringBuilder();
    appendParam(filter, "function", settings.get(SettingsCatalog.TAIL_FUNCTION));
    Outcome outcome = settings.get(SettingsCatalog.TAIL_OUTCOME);
    appendParam(filter, "outcome", outcome == Outcome.ALL ? null : outcome.name().toLowerCase(Locale.ROOT));
    boolean follow = settings.get(SettingsCatalog.TAIL_FOLLOW);
    HttpClient.Builder clientBuilder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
    Path ca = settings.get(SettingsCatalog.PROCESSOR_CA);
    if (ca != null) {
      clientBuilder.sslContext(trusting(ca));
    }
    HttpClient client = clientBuilder.build();
    long cursor = -1;
    boolean warned = false;
    while (true) {
      String url = base + "/api/invocations?limit=" + (cursor < 0 ? 20 : 500) + filter
          + (cursor < 0 ? "" : "&after=" + cursor);
      try {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
        if (token != null) {
          request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 401) {
          err.println("lambdascope tail: the processor at " + base + " wants a token it knows: "
              + (token == null ? "set " : "check ") + SettingsCatalog.PROCESSOR_TOKEN + " or "
              + SettingsCatalog.PROCESSOR_TOKEN_FILE);
          return 1;
        }
        if (response.statusCode() != 200) {
          err.println("lambdascope tail: " + response.statusCode() + " " + response.body());
          return 1;
        }
        JsonObject page = new JsonObject(response.body());
        for (Object o : page.getJsonArray("invocations", new JsonArray())) {
          print(out, (JsonObject) o);
        }
        cursor = page.getLong("cursor", cursor);
        warned = false;
      } catch (IOException e) {
        if (!follow) {
          err.println("lambdascope tail: processor not reachable at " + base + ": " + e);
          return 1;
        }
        if (!warned) {
          err.println("lambdascope tail: waiting for the processor at " + base + " (" + e + ")");
          warned = true;
        }
      }
      if (!follow) {
        return 0;
      }
      Thread.sleep(1000);
    }
  }

  /** The token from the environment (or flag), else the first line of the file, else null. */
  static String token(Settings settings) {
    if (settings.isSet(SettingsCatalog.PROCESSOR_TOKEN) && settings.isSet(SettingsCatalog.PROCESSOR_TOKEN_FILE)) {
      throw new SettingException(
          "set " + SettingsCatalog.PROCESSOR_TOKEN + " or " + SettingsCatalog.PROCESSOR_TOKEN_FILE + ", not both");
    }
    Path file = settings.get(SettingsCatalog.PROCESSOR_TOKEN_FILE);
    if (file == null) {
      return settings.get(SettingsCatalog.PROCESSOR_TOKEN);
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          return line.strip();
        }
      }
    } catch (IOException e) {
      throw new SettingException(SettingsCatalog.PROCESSOR_TOKEN_FILE + ": cannot read " + file
          + " (" + e.getClass().getSimpleName() + ")");
    }
    throw new SettingException(SettingsCatalog.PROCESSOR_TOKEN_FILE + ": " + file + " holds no token");
  }

  /** TLS that trusts the certificates of a PEM file (and only those). */
  static SSLContext trusting(Path pem) throws IOException, GeneralSecurityException {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(pem)) {
      int n = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("ca-" + n++, c);
      }
      if (n == 0) {
        throw new SettingException(SettingsCatalog.PROCESSOR_CA + ": no certificate in " + pem);
      }
    } catch (IOException e) {
      throw new SettingException(SettingsCatalog.PROCESSOR_CA + ": cannot read " + pem + " ("
          + e.getClass().getSimpleName() + ")");
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return ssl;
  }

  private static void appendParam(StringBuilder query, String name, String value) {
    if (value != null) {
      query.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
  }

  /** One line per invocation; the error message or the timeout stack, indented, below it. */
  static void print(PrintStream out, JsonObject i) {
    StringBuilder line = new StringBuilder();
    line.append(i.getString("time", "?")).append("  ")
        .append(i.getString("function", "?")).append("  ")
        .append(String.format("%-7s", i.getString("outcome", "?")))
        .append(i.getBoolean("coldstart", false) ? "  cold" : "  warm");
    if (i.containsKey("duration_ms")) {
      line.append(String.format("  %9.1f ms", i.getDouble("duration_ms")));
    }
    line.append("  ").append(i.getString("trigger", "?"))
        .append("  request=").append(i.getString("invocation_id", "?"));
    JsonArray keys = i.getJsonArray("dedup_keys", new JsonArray());
    if (!keys.isEmpty() && !keys.getString(0).equals(i.getString("invocation_id"))) {
      line.append("  key=").append(keys.getString(0)).append(keys.size() > 1 ? " (+" + (keys.size() - 1) + ")" : "");
    }
    if (i.containsKey("duplicate")) {
      line.append("  DUPLICATE ").append(i.getString("duplicate"));
    }
    out.println(line);
    if (i.containsKey("error_type")) {
      out.println("    " + i.getString("error_type")
          + (i.containsKey("error_message") ? ": " + i.getString("error_message") : ""));
    }
    String stack = i.getString("timeout_stack");
    if (stack != null) {
      printStack(out, stack.split("\n"));
    }
  }

  /**
   * The frames a person needs at three in the morning: where the thread is stuck, then the
   * function's own code that got it there, skipping the JDK and runtime frames in between.
   */
  private static void printStack(PrintStream out, String[] frames) {
    int shown = 0;
    int own = 0;
    for (int n = 0; n < frames.length; n++) {
      String frame = frames[n].strip();
      if (n < TOP_FRAMES || (own < OWN_FRAMES && isFunctionFrame(frame))) {
        out.println("    " + frame);
        shown++;
        own += n < TOP_FRAMES ? 0 : 1;
      }
    }
    if (shown < frames.length) {
      out.println("    ... " + (frames.length - shown) + " more frames (GET /api/invocations has them all)");
    }
  }

  private static boolean isFunctionFrame(String frame) {
    String at = frame.startsWith("at ") ? frame.substring(3) : frame;
    int module = at.indexOf('/');
    if (module > 0 && at.substring(0, module).contains("@")) {
      at = at.substring(module + 1); // java.base@17/java.lang.Thread.run -> java.lang.Thread.run
    }
    return !(at.startsWith("java.") || at.startsWith("jdk.") || at.startsWith("sun.") || at.startsWith("...")
        || at.startsWith("com.amazonaws.services.lambda.runtime.") || at.startsWith("software.amazon.awssdk."));
  }
}
