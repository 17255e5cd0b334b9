package dev.kindling.gateway;

import java.net.InetAddress;

/**
 * The address the driver's executor is known by in the status tracker, the REST API and the UI.
 * Loopback, because every Kindling socket binds loopback only; one place so the three agree.
 */
public final class DriverAddress {
  private DriverAddress() {}

  public static String host() {
    try {
      return InetAddress.getLoopbackAddress().getHostAddress();
    } catch (RuntimeException e) {
      return "localhost";
    }
  }
}
