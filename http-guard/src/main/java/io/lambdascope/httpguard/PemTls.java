package io.lambdascope.httpguard;

import static java.util.Objects.requireNonNull;

import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/** HTTPS from a PEM certificate chain and a PEM private key (PKCS#8, or PKCS#1 RSA). */
public final class PemTls {
  private PemTls() {}

  /**
   * Checks that both files are set together and readable, before anything starts.
   *
   * @throws IllegalArgumentException naming the settings or the file
   */
  public static void check(Path cert, Object certSetting, Path key, Object keySetting) {
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException(certSetting + " and " + keySetting + " must be set together");
    }
    if (cert != null) {
      for (Path p : new Path[] {cert, key}) {
        if (!Files.isReadable(p)) {
          throw new IllegalArgumentException("TLS file not readable: " + p);
        }
      }
    }
  }

  /** Serves HTTPS with the given files. */
  public static HttpServerOptions apply(HttpServerOptions options, Path cert, Path key) {
    requireNonNull(options, "options");
    return options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
        .setCertPath(requireNonNull(cert, "cert").toString())
        .setKeyPath(requireNonNull(key, "key").toString()));
  }
}
