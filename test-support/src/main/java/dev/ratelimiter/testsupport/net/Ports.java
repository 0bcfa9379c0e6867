package dev.ratelimiter.testsupport.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback ports for processes a test starts. */
public final class Ports {

  private Ports() {}

  /** A port of 127.0.0.1 that was free a moment ago (the caller binds it soon after). */
  public static int free() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
