package dev.ratelimiter.testsupport.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for processes a test starts. They come from below the kernel's ephemeral range
 * ({@code net.ipv4.ip_local_port_range}, 32768 and up by default): a port from inside it, free when
 * picked, can be taken by any outgoing connection before the process binds it (the agents' own
 * connections to Redis, say), and the process then fails with "Address already in use". No port is
 * handed out twice in one JVM.
 */
public final class Ports {

  private static final int LOWEST = 10_000;
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private Ports() {}

  /** A port of 127.0.0.1 that was free a moment ago (the caller binds it soon after). */
  public static int free() {
    int below = ephemeralLow();
    if (below - LOWEST >= 1000) {
      for (int attempt = 0; attempt < 1000; attempt++) {
        int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
        if (take(port)) {
          return port;
        }
      }
    }
    // no room below the ephemeral range on this machine: let the kernel pick
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A free loopback port whose port + 10000 is free too, both below the ephemeral range (and so
   * below 55536): a Redis Cluster node listens on both (the second is its cluster bus).
   */
  public static int freeWithClusterBus() {
    int below = Math.min(ephemeralLow(), 65_536) - 10_000;
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, Math.max(LOWEST + 1000, below));
      if (!HANDED_OUT.contains(port + 10_000) && bindable(port + 10_000) && take(port)) {
        HANDED_OUT.add(port + 10_000);
        return port;
      }
    }
    throw new IllegalStateException("no free port pair (port, port + 10000) below 55536");
  }

  private static boolean take(int port) {
    return !HANDED_OUT.contains(port) && bindable(port) && HANDED_OUT.add(port);
  }

  /** The first port of the kernel's ephemeral range; 32768 where it cannot be read. */
  static int ephemeralLow() {
    try {
      // readAllLines, not readString: procfs files report size 0, and readString then reads one
      // byte ("3" of "32768")
      String range =
          Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
      return Integer.parseInt(range.split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
