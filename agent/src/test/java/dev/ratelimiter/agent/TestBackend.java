package dev.ratelimiter.agent;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP backend on a loopback port, in its own Vert.x, that counts what reaches it. Paths
 * ending in {@code /download?bytes=N} stream N bytes; {@code /hang} never answers (and records when
 * its connection closes); {@code /ws} echoes WebSocket text frames; anything else echoes the
 * request as JSON (method, uri, headers, body size and SHA-256), the body streamed, never held.
 */
public final class TestBackend implements AutoCloseable {

  private static final int CHUNK = 64 * 1024;

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  public final AtomicInteger requests = new AtomicInteger();
  public final AtomicInteger connections = new AtomicInteger();
  public final AtomicInteger hanging = new AtomicInteger();
  public final AtomicInteger hangingClosed = new AtomicInteger();

  /** Requests seen per value of the {@code X-Test-Client} header. */
  public final Map<String, AtomicInteger> byClient = new ConcurrentHashMap<>();

  private TestBackend() {
    server =
        vertx
            .createHttpServer()
            .connectionHandler(c -> connections.incrementAndGet())
            .requestHandler(this::handle);
    TestHttp.await(server.listen(0, "127.0.0.1"));
  }

  public static TestBackend start() {
    return new TestBackend();
  }

  public int port() {
    return server.actualPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  private void handle(HttpServerRequest request) {
    requests.incrementAndGet();
    String client = request.getHeader("X-Test-Client");
    if (client != null) {
      byClient.computeIfAbsent(client, k -> new AtomicInteger()).incrementAndGet();
    }
    if (request.path().endsWith("/ws")) {
      request
          .toWebSocket()
          .onSuccess(ws -> ws.textMessageHandler(text -> ws.writeTextMessage("echo: " + text)));
    } else if (request.path().endsWith("/hang")) {
      hanging.incrementAndGet();
      request.connection().closeHandler(v -> hangingClosed.incrementAndGet());
    } else if (request.path().endsWith("/download")) {
      download(request, Long.parseLong(request.getParam("bytes")));
    } else {
      echo(request);
    }
  }

  private static void download(HttpServerRequest request, long bytes) {
    var response =
        request
            .response()
            .putHeader("Content-Length", Long.toString(bytes))
            .putHeader("Content-Type", "application/octet-stream");
    Buffer chunk = Buffer.buffer(new byte[CHUNK]);
    long[] left = {bytes};
    Runnable[] pump = new Runnable[1];
    pump[0] =
        () -> {
          while (left[0] > 0 && !response.writeQueueFull()) {
            int n = (int) Math.min(CHUNK, left[0]);
            left[0] -= n;
            response.write(n == CHUNK ? chunk : chunk.slice(0, n));
          }
          if (left[0] == 0) {
            response.end();
          } else {
            response.drainHandler(v -> pump[0].run());
          }
        };
    pump[0].run();
  }

  private static void echo(HttpServerRequest request) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    long[] size = {0};
    request.handler(
        chunk -> {
          size[0] += chunk.length();
          sha.update(chunk.getBytes());
        });
    request.endHandler(
        v -> {
          JsonObject headers = new JsonObject();
          request
              .headers()
              .names()
              .forEach(
                  name ->
                      headers.put(
                          name.toLowerCase(), new JsonArray(request.headers().getAll(name))));
          JsonObject body =
              new JsonObject()
                  .put("method", request.method().name())
                  .put("uri", request.uri())
                  .put("headers", headers)
                  .put("bodyBytes", size[0])
                  .put("bodySha256", HexFormat.of().formatHex(sha.digest()));
          request
              .response()
              .putHeader("Content-Type", "application/json")
              .putHeader("X-Backend", "echo")
              .putHeader("Connection", "X-Hop-Secret")
              .putHeader("X-Hop-Secret", "must not reach the client")
              .putHeader("Keep-Alive", "timeout=30")
              .end(body.encode());
        });
  }

  @Override
  public void close() {
    TestHttp.await(vertx.close());
  }
}
