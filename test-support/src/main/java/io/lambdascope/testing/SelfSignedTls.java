package io.lambdascope.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made with the JDK's keytool, written as
 * the PEM files a server takes ({@link #certPem()}, {@link #keyPem()}), with a client
 * {@link SSLContext} that trusts it.
 */
public final class SelfSignedTls {
  private final Path certPem;
  private final Path keyPem;
  private final SSLContext clientContext;

  private SelfSignedTls(Path certPem, Path keyPem, SSLContext clientContext) {
    this.certPem = certPem;
    this.keyPem = keyPem;
    this.clientContext = clientContext;
  }

  /** Makes the certificate and its files in {@code dir}. */
  public static SelfSignedTls create(Path dir) throws IOException, GeneralSecurityException, InterruptedException {
    Path p12 = dir.resolve("server.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
        "-keystore", p12.toString(), "-storepass", "changeit", "-keypass", "changeit")
        .redirectErrorStream(true).start();
    String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (keytool.waitFor() != 0) {
      throw new IOException("keytool failed: " + out);
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      ks.load(in, "changeit".toCharArray());
    }
    Certificate cert = ks.getCertificate("server");
    PrivateKey key = (PrivateKey) ks.getKey("server", "changeit".toCharArray());
    Path certPem = dir.resolve("cert.pem");
    Path keyPem = dir.resolve("key.pem");
    Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
    Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));

    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("server", cert);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return new SelfSignedTls(certPem, keyPem, ssl);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  /** The certificate chain, PEM. */
  public Path certPem() {
    return certPem;
  }

  /** The private key, PKCS#8 PEM. */
  public Path keyPem() {
    return keyPem;
  }

  /** A client context that trusts this certificate (and nothing else). */
  public SSLContext clientContext() {
    return clientContext;
  }
}
