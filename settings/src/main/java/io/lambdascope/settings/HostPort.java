package io.lambdascope.settings;

import static java.util.Objects.requireNonNull;

/** A host (name, IPv4 address, or IPv6 address) and a port, written {@code host:port} or {@code [::1]:port}. */
public record HostPort(String host, int port) {
  public HostPort {
    requireNonNull(host, "host");
    if (!Setting.isHost(host)) {
      throw new IllegalArgumentException("not a host name or address: " + host);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /** {@code host:port}, with brackets around an IPv6 address. */
  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
