package io.lambdascope.processor.dlq;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * An SQS queue as configured (name, URL or ARN) or named by a RedrivePolicy (ARN), with what is
 * known of where it lives. A URL or an ARN says its account and region; a bare name lives in the
 * default region, and its account is learnt from the URL SQS returns for it.
 *
 * @param name the queue name (the last segment of its URL or ARN)
 * @param url the queue URL, or null until resolved
 * @param accountId the 12-digit account, or "" while unknown
 * @param region the region whose endpoint serves it
 */
public record QueueRef(String name, String url, String accountId, String region) {
  /** A region as it appears in SQS host names: {@code eu-west-1}, {@code us-gov-west-1}, {@code cn-north-1}. */
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");

  public QueueRef {
    requireNonNull(name, "name");
    requireNonNull(accountId, "accountId");
    requireNonNull(region, "region");
  }

  /**
   * Reads a queue reference: {@code arn:aws:sqs:<region>:<account>:<name>}, {@code
   * https://sqs.<region>.amazonaws.com/<account>/<name>} (or another host, ElasticMQ's say: then the
   * region is {@code defaultRegion}), or a bare name in {@code defaultRegion}.
   *
   * @throws IllegalArgumentException for an ARN that is not an SQS queue's, or a URL without a queue
   */
  public static QueueRef parse(String text, String defaultRegion) {
    requireNonNull(text, "text");
    String t = text.strip();
    if (t.startsWith("arn:")) {
      return fromArn(t);
    }
    if (t.startsWith("http://") || t.startsWith("https://")) {
      URI uri;
      try {
        uri = URI.create(t);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("not a queue URL: " + t, e);
      }
      String path = uri.getPath() == null ? "" : uri.getPath();
      String[] segments = path.replaceAll("^/+|/+$", "").split("/");
      String name = segments[segments.length - 1];
      if (uri.getHost() == null || name.isEmpty()) {
        throw new IllegalArgumentException("not a queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>): " + t);
      }
      String account = segments.length >= 2 ? segments[segments.length - 2] : "";
      return new QueueRef(name, t, account, regionOfHost(uri.getHost(), defaultRegion));
    }
    if (t.isEmpty() || t.contains("/") || t.contains(":")) {
      throw new IllegalArgumentException("not a queue name, URL or ARN: " + t);
    }
    return new QueueRef(t, null, "", defaultRegion);
  }

  /** {@code arn:<partition>:sqs:<region>:<account>:<name>}. */
  public static QueueRef fromArn(String arn) {
    String[] p = arn.split(":", -1);
    if (p.length != 6 || !p[0].equals("arn") || !p[2].equals("sqs") || p[3].isEmpty() || p[5].isEmpty()) {
      throw new IllegalArgumentException("not an SQS queue ARN (arn:aws:sqs:<region>:<account>:<name>): " + arn);
    }
    return new QueueRef(p[5], null, p[4], p[3]);
  }

  /** The region in an SQS host name ({@code sqs.eu-west-1.amazonaws.com}, {@code eu-west-1.queue.amazonaws.com}). */
  private static String regionOfHost(String host, String defaultRegion) {
    if (host.endsWith(".amazonaws.com") || host.endsWith(".amazonaws.com.cn")) {
      for (String label : host.split("\\.")) {
        if (REGION.matcher(label).matches()) {
          return label;
        }
      }
    }
    return defaultRegion;
  }

  /** The same queue with its URL, and the account the URL names when it was not known. */
  public QueueRef withUrl(String resolvedUrl) {
    QueueRef fromUrl = parse(resolvedUrl, region);
    return new QueueRef(name, resolvedUrl, accountId.isEmpty() ? fromUrl.accountId() : accountId, region);
  }

  /** Identity for keeping state across polls: region, account and name. */
  String key() {
    return region + '/' + accountId + '/' + name;
  }
}
