package dev.ratelimiter.agent;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A deliberately plain HTTP/1.1 client for tests: one socket per request, optionally bound to
 * another loopback address (127.0.0.2, …) so that tests can play different peers. No pooling, no
 * hidden retries: what the agent sends is what the test reads.
 */
public final class TestHttp implements AutoCloseable {

  /** Waits (at most 30 s) until an agent's management port answers {@code /health/ready} 200. */
  public void awaitReady(int managementPort) {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> get(managementPort, "/health/ready").status() == 200);
  }

  public record Reply(int status, Map<String, List<String>> headers, String body) {
    public String header(String name) {
      List<String> values = headers.get(name);
      return values == null ? null : values.get(0);
    }

    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final String localAddress;

  public TestHttp(String localAddress) {
    this.localAddress = localAddress;
  }

  public TestHttp() {
    this(null);
  }

  public Reply get(int port, String path, String... headerPairs) {
    return send("GET", port, path, null, headerPairs);
  }

  public Reply put(int port, String path, String body, String... headerPairs) {
    return send("PUT", port, path, body, headerPairs);
  }

  public Reply send(String method, int port, String path, String body, String... headerPairs) {
    try (Socket socket = new Socket()) {
      if (localAddress != null) {
        socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
      }
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
      socket.setSoTimeout(20_000);
      byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      StringBuilder head =
          new StringBuilder(method)
              .append(' ')
              .append(path)
              .append(" HTTP/1.1\r\n")
              .append("Host: 127.0.0.1:")
              .append(port)
              .append("\r\nConnection: close\r\n");
      for (int i = 0; i + 1 < headerPairs.length; i += 2) {
        head.append(headerPairs[i]).append(": ").append(headerPairs[i + 1]).append("\r\n");
      }
      if (body != null) {
        head.append("Content-Length: ").append(payload.length).append("\r\n");
      }
      head.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.UTF_8));
      out.write(payload);
      out.flush();
      return parse(socket.getInputStream());
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " on port " + port + " failed: " + e, e);
    }
  }

  private static Reply parse(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    String text = all.toString(StandardCharsets.UTF_8);
    int split = text.indexOf("\r\n\r\n");
    if (split < 0) {
      throw new IOException("no complete response: '" + text + "'");
    }
    String[] lines = text.substring(0, split).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers
          .computeIfAbsent(lines[i].substring(0, colon).trim(), k -> new ArrayList<>())
          .add(lines[i].substring(colon + 1).trim());
    }
    String body = text.substring(split + 4);
    List<String> encoding = headers.get("Transfer-Encoding");
    if (encoding != null && encoding.get(0).equalsIgnoreCase("chunked")) {
      body = dechunk(body);
    }
    return new Reply(status, headers, body);
  }

  private static String dechunk(String chunked) {
    StringBuilder out = new StringBuilder();
    int pos = 0;
    while (true) {
      int eol = chunked.indexOf("\r\n", pos);
      int size = Integer.parseInt(chunked.substring(pos, eol).trim(), 16);
      if (size == 0) {
        return out.toString();
      }
      out.append(chunked, eol + 2, eol + 2 + size);
      pos = eol + 2 + size + 2;
    }
  }

  /** Waits for a Vert.x future from test code (never on an event loop). */
  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("did not complete: " + e, e);
    }
  }

  @Override
  public void close() {
    // nothing pooled
  }
}
