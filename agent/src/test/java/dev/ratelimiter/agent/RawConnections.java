package dev.ratelimiter.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Many raw TCP connections to one port, as an attacker holds them: each sends a prefix, then
 * optionally one more byte every interval (slowloris), and never finishes. One selector thread
 * notices when the server closes a connection and records when, and what the server sent first.
 */
public final class RawConnections implements AutoCloseable {

  /** One held connection. */
  public static final class Held {
    final SocketChannel channel;
    final long openedNanos = System.nanoTime();
    volatile long closedNanos;
    final StringBuffer received = new StringBuffer();

    Held(SocketChannel channel) {
      this.channel = channel;
    }

    public boolean closed() {
      return closedNanos != 0;
    }

    /** Milliseconds from connecting until the server closed it; -1 while it is open. */
    public long heldMillis() {
      return closed() ? TimeUnit.NANOSECONDS.toMillis(closedNanos - openedNanos) : -1;
    }

    public String received() {
      return received.toString();
    }
  }

  private final List<Held> held = new CopyOnWriteArrayList<>();
  private final Selector selector;
  private final Thread reader;
  private final ScheduledExecutorService trickler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "raw-connections-trickle");
            t.setDaemon(true);
            return t;
          });
  private volatile boolean stopped;

  public RawConnections() {
    try {
      selector = Selector.open();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    reader = new Thread(this::readLoop, "raw-connections-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Opens {@code count} connections to the loopback port and sends {@code prefix} on each. */
  public List<Held> open(int port, int count, String prefix) throws IOException {
    List<Held> opened = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      SocketChannel channel =
          SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      channel.configureBlocking(false);
      Held h = new Held(channel);
      write(h, prefix.getBytes(StandardCharsets.ISO_8859_1));
      held.add(h);
      opened.add(h);
      channel.register(
          selector, SelectionKey.OP_READ, h); // does not wait for a running select (JDK 11+)
    }
    return opened;
  }

  /** From now on, sends one more byte on every open connection of these, every {@code interval}. */
  public void trickle(List<Held> connections, Duration interval, byte b) {
    trickler.scheduleAtFixedRate(
        () -> {
          for (Held h : connections) {
            if (!h.closed()) {
              write(h, new byte[] {b});
            }
          }
        },
        interval.toMillis(),
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  public long openCount() {
    return held.stream().filter(h -> !h.closed()).count();
  }

  public long closedCount() {
    return held.stream().filter(Held::closed).count();
  }

  private void write(Held h, byte[] bytes) {
    try {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        if (h.channel.write(buffer) == 0) {
          break; // the server stopped reading: what is left stays unsent, as a stalled client's
          // would
        }
      }
    } catch (IOException e) {
      markClosed(h);
    }
  }

  private void readLoop() {
    ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
    while (!stopped) {
      try {
        selector.select(100);
        for (SelectionKey key : selector.selectedKeys()) {
          Held h = (Held) key.attachment();
          buffer.clear();
          int n;
          try {
            n = h.channel.read(buffer);
          } catch (IOException e) {
            n = -1;
          }
          if (n < 0) {
            key.cancel();
            markClosed(h);
          } else if (h.received.length() < 4096) {
            h.received.append(new String(buffer.array(), 0, n, StandardCharsets.ISO_8859_1));
          }
        }
        selector.selectedKeys().clear();
      } catch (IOException | java.nio.channels.ClosedSelectorException e) {
        return;
      }
    }
  }

  private void markClosed(Held h) {
    if (h.closedNanos == 0) {
      h.closedNanos = System.nanoTime();
    }
    try {
      h.channel.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    stopped = true;
    trickler.shutdownNow();
    for (Held h : held) {
      markClosed(h);
    }
    try {
      selector.close();
    } catch (IOException ignored) {
      // done
    }
  }
}
