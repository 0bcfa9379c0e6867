package dev.ratelimiter.testsupport.net;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on a free loopback port in front of a server (e.g. a redis-server) that the test can
 * freeze: while frozen it still accepts connections and reads what clients send, but forwards
 * nothing either way, as a server that hangs (a stopped process, a stalled network) looks to its
 * clients. {@link #heldBytes} tells the test that a request has arrived and is held; {@link #thaw}
 * delivers everything held and goes on forwarding. Needs nothing but the JDK.
 */
public final class FreezableProxy implements AutoCloseable {

  private final InetSocketAddress upstream;
  private final ServerSocket server;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "freezable-proxy");
            t.setDaemon(true);
            return t;
          });
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private boolean frozen;
  private final AtomicLong held = new AtomicLong();

  private FreezableProxy(InetAddress address, int port, int upstreamPort) throws IOException {
    upstream = new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort);
    server = new ServerSocket(port, 50, address);
    threads.execute(this::accept);
  }

  /** A proxy to {@code 127.0.0.1:upstreamPort}, forwarding until frozen. */
  public static FreezableProxy to(int upstreamPort) {
    return listening("127.0.0.1", 0, upstreamPort);
  }

  /**
   * A proxy on {@code ip:port} (another loopback address, e.g. 127.0.0.2, and the upstream's own
   * port, for a peer that must be given an address of the upstream that differs only in the IP) to
   * {@code 127.0.0.1:upstreamPort}, forwarding until frozen.
   */
  public static FreezableProxy listening(String ip, int port, int upstreamPort) {
    try {
      return new FreezableProxy(InetAddress.getByName(ip), port, upstreamPort);
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on " + ip + ":" + port, e);
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  /** From now on nothing is forwarded in either direction; what clients send is read and held. */
  public void freeze() {
    synchronized (lock) {
      frozen = true;
    }
  }

  /** Forwards what was held, in order, and everything after. */
  public void thaw() {
    synchronized (lock) {
      frozen = false;
      lock.notifyAll();
    }
  }

  /** Bytes clients sent while frozen that the server has not been given yet. */
  public long heldBytes() {
    return held.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        continue; // closed: the loop ends
      }
      Socket target = new Socket();
      try {
        target.connect(upstream, 5000);
      } catch (IOException e) {
        // the upstream refused (e.g. it was killed): the client sees its connection drop
        closeQuietly(client);
        closeQuietly(target);
        continue;
      }
      sockets.add(client);
      sockets.add(target);
      threads.execute(() -> pump(client, target, true));
      threads.execute(() -> pump(target, client, false));
    }
  }

  private void pump(Socket from, Socket to, boolean fromClient) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        waitWhileFrozen(fromClient ? n : 0);
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed: close both
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private void waitWhileFrozen(int bytes) throws InterruptedException {
    synchronized (lock) {
      if (!frozen) {
        return;
      }
      held.addAndGet(bytes);
      while (frozen) {
        lock.wait();
      }
      held.addAndGet(-bytes);
    }
  }

  private static void closeQuietly(Closeable socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    closeQuietly(server);
    sockets.forEach(FreezableProxy::closeQuietly);
    thaw();
    threads.shutdownNow();
  }
}
