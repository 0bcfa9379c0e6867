package dev.ratelimiter.agent.tokens;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An LLM API on loopback that answers like OpenAI (Chat Completions, JSON or a server-sent-event
 * stream with the usage in its last chunk) or Anthropic (Messages, a stream whose usage comes in
 * {@code message_start} and {@code message_delta}), reporting the usage it is told to. It can hold
 * its answers until released, so a test sees how many requests reached it while they were out.
 */
final class FakeLlmBackend implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  final AtomicInteger arrived = new AtomicInteger();

  /** The body of the request that arrived last. */
  final java.util.concurrent.atomic.AtomicReference<Buffer> lastBody =
      new java.util.concurrent.atomic.AtomicReference<>();

  /** Tokens of input and output each answer reports. */
  final AtomicLong input = new AtomicLong(100);

  final AtomicLong output = new AtomicLong(200);

  /** Bytes of filler each streamed answer carries before its usage. */
  final AtomicLong streamBytes = new AtomicLong(1024);

  private volatile Promise<Void> held = Promise.promise();

  private FakeLlmBackend() {
    held.complete();
    server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").await();
  }

  static FakeLlmBackend start() {
    return new FakeLlmBackend();
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** From now on answers wait for {@link #release}. */
  void hold() {
    held = Promise.promise();
  }

  void release() {
    held.tryComplete();
  }

  private void handle(HttpServerRequest request) {
    request
        .body()
        .onSuccess(
            body -> {
              lastBody.set(body);
              arrived.incrementAndGet();
              held.future()
                  .onComplete(
                      v ->
                          answer(
                              request,
                              new JsonObject(body.length() == 0 ? Buffer.buffer("{}") : body)));
            });
  }

  private void answer(HttpServerRequest request, JsonObject body) {
    boolean stream = body.getBoolean("stream", false);
    boolean anthropic = request.path().endsWith("/messages");
    long in = input.get();
    long out = output.get();
    if (!stream) {
      JsonObject usage =
          anthropic
              ? new JsonObject().put("input_tokens", in).put("output_tokens", out)
              : new JsonObject()
                  .put("prompt_tokens", in)
                  .put("completion_tokens", out)
                  .put("total_tokens", in + out)
                  .put("completion_tokens_details", new JsonObject().put("reasoning_tokens", 7));
      request
          .response()
          .putHeader("Content-Type", "application/json")
          .end(
              new JsonObject()
                  .put("id", "x")
                  .put(
                      "choices",
                      new io.vertx.core.json.JsonArray().add(new JsonObject().put("text", "hi")))
                  .put("usage", usage)
                  .encode());
      return;
    }
    HttpServerResponse response =
        request.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
    if (anthropic) {
      response.write(
          "event: message_start\ndata: "
              + new JsonObject()
                  .put("type", "message_start")
                  .put(
                      "message",
                      new JsonObject()
                          .put(
                              "usage",
                              new JsonObject().put("input_tokens", in).put("output_tokens", 1)))
                  .encode()
              + "\n\n");
    }
    stream(response, 0, streamBytes.get(), () -> endStream(response, anthropic, in, out));
  }

  private static final Buffer FILLER =
      Buffer.buffer(
          "data: {\"choices\":[{\"delta\":{\"content\":\"" + "x".repeat(1000) + "\"}}]}\n\n");

  /** Writes filler events as fast as the reader takes them (never queueing more), then ends. */
  private static void stream(HttpServerResponse response, long sent, long total, Runnable then) {
    while (sent < total) {
      if (response.writeQueueFull()) {
        long at = sent;
        response.drainHandler(v -> stream(response, at, total, then));
        return;
      }
      response.write(FILLER);
      sent += FILLER.length();
    }
    then.run();
  }

  private static void endStream(HttpServerResponse response, boolean anthropic, long in, long out) {
    if (response.closed()) {
      return;
    }
    if (anthropic) {
      response.write(
          "event: message_delta\ndata: "
              + new JsonObject()
                  .put("type", "message_delta")
                  .put("usage", new JsonObject().put("output_tokens", out))
                  .encode()
              + "\n\n");
      response.end("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    } else {
      response.write(
          "data: "
              + new JsonObject()
                  .put("choices", new io.vertx.core.json.JsonArray())
                  .put(
                      "usage",
                      new JsonObject()
                          .put("prompt_tokens", in)
                          .put("completion_tokens", out)
                          .put("total_tokens", in + out))
                  .encode()
              + "\n\n");
      response.end("data: [DONE]\n\n");
    }
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
