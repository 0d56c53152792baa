package io.lambdascope.httpguard;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Who can reach a port. Loopback is the default everywhere; a port that listens beyond it without
 * tokens lets anyone on the network in, so it is refused unless explicitly allowed.
 */
public final class Exposure {
  private Exposure() {}

  /**
   * Whether every address {@code host} resolves to is a loopback address.
   *
   * @param hostSetting the setting it came from, for the message when it does not resolve
   */
  public static boolean isLoopback(String host, Object hostSetting) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(hostSetting + " does not resolve: " + host, e);
    }
  }

  /**
   * Refuses to listen on {@code host} beyond loopback without tokens unless {@code allowed}.
   *
   * @param tokensSetting and {@code allowSetting}: named in the message, which says how to go on
   * @throws IllegalArgumentException naming both settings
   */
  public static void requireTokensBeyondLoopback(String host, Object hostSetting, boolean hasTokens,
      Object tokensSetting, boolean allowed, Object allowSetting) {
    if (!hasTokens && !allowed && !isLoopback(host, hostSetting)) {
      throw new IllegalArgumentException(
          "refusing to listen on " + host + " without authentication: set " + tokensSetting
              + " (token=tenant pairs), or " + allowSetting + "=true to accept anyone who can reach it");
    }
  }
}
