package io.lambdascope.collector;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * A plain program for the OpenTelemetry Java agent to instrument: one JDK HttpClient call (a
 * CLIENT span), then exit, which makes the agent flush its spans, metrics and logs.
 */
public final class AgentApp {
  private AgentApp() {}

  public static void main(String[] args) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(args[0])).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    System.out.println("CALLED " + r.statusCode());
    // Let the periodic metric reader run once before the shutdown flush.
    Thread.sleep(1500);
  }
}
