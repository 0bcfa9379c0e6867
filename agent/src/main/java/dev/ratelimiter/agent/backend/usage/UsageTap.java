package dev.ratelimiter.agent.backend.usage;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A response body on its way to the client, unchanged and unbuffered, whose bytes a {@link
 * UsageReader} sees as they pass; {@code onEnd} runs once when the whole body has passed.
 */
public final class UsageTap implements ReadStream<Buffer> {

  private final ReadStream<Buffer> source;
  private final UsageReader reader;
  private final Runnable onEnd;

  public UsageTap(ReadStream<Buffer> source, UsageReader reader, Runnable onEnd) {
    this.source = source;
    this.reader = reader;
    this.onEnd = onEnd;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    source.exceptionHandler(handler);
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    source.handler(
        handler == null
            ? null
            : chunk -> {
              reader.feed(chunk);
              handler.handle(chunk);
            });
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    source.pause();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    source.resume();
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    source.fetch(amount);
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    source.endHandler(
        endHandler == null
            ? null
            : v -> {
              onEnd.run();
              endHandler.handle(v);
            });
    return this;
  }
}
