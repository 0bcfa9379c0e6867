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

  /**
   * A free loopback port below 55536 whose port + 10000 is free too: a Redis Cluster node listens
   * on both (the second is its cluster bus).
   */
  public static int freeWithClusterBus() {
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = 20000 + (int) (Math.random() * 35000);
      if (bindable(port) && bindable(port + 10000)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port pair (port, port + 10000) below 55536");
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
