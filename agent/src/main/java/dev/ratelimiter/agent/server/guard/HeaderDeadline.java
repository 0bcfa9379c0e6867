package dev.ratelimiter.agent.server.guard;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A deadline for reading a request's head (request line and headers), like nginx's {@code
 * client_header_timeout}: it runs from the moment the connection opens, and on a kept-alive
 * connection from the first byte of the next request after every response was sent; it is cancelled
 * when the head has been read. A client that sends its headers a byte at a time (slowloris) is cut
 * off, which an idle timeout alone never does, since every byte resets it.
 *
 * <p>Vert.x has no such option, so two small Netty handlers do it: one before the HTTP decoder
 * notices bytes arriving, one after it notices complete heads and the responses going out. All
 * state lives on the channel's event loop.
 */
final class HeaderDeadline {

  static final String BYTES_HANDLER = "ratelimiterHeaderDeadlineBytes";
  static final String HEADS_HANDLER = "ratelimiterHeaderDeadlineHeads";

  private final long timeoutNanos;
  private final Runnable onExpired;

  /** The one look at the clock pending for this connection, or null. */
  private ScheduledFuture<?> timer;

  /** When the head being read began ({@link System#nanoTime}); {@link #NO_HEAD} when none is. */
  private long headSince = NO_HEAD;

  private static final long NO_HEAD = Long.MIN_VALUE;

  /** Requests whose head was read and whose response has not been sent in full. */
  private int inFlight;

  private HeaderDeadline(long timeoutMillis, Runnable onExpired) {
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    this.onExpired = onExpired;
  }

  /**
   * Adds the handlers around Vert.x's HTTP/1.x decoder and starts the deadline for the first head.
   *
   * @return false when the pipeline has no HTTP/1.x decoder (nothing installed)
   */
  static boolean install(Channel channel, long timeoutMillis, Runnable onExpired) {
    ChannelPipeline pipeline = channel.pipeline();
    if (pipeline.get("httpDecoder") == null || pipeline.get("handler") == null) {
      return false;
    }
    HeaderDeadline deadline = new HeaderDeadline(timeoutMillis, onExpired);
    pipeline.addBefore("httpDecoder", BYTES_HANDLER, deadline.new BytesWatcher());
    pipeline.addBefore("handler", HEADS_HANDLER, deadline.new HeadsWatcher());
    deadline.start(channel);
    return true;
  }

  /**
   * A head begins. Only the time is noted: the timer is not set and cancelled for every request (on
   * a busy kept-alive connection that was a timer per request); one look is pending at a time, and
   * when it finds a later head still unread it looks again when that head's deadline falls, as
   * Netty's idle handlers do.
   */
  private void start(Channel channel) {
    if (headSince == NO_HEAD && channel.isActive()) {
      headSince = System.nanoTime();
      if (timer == null) {
        lookAfter(channel, timeoutNanos);
      }
    }
  }

  private void lookAfter(Channel channel, long delayNanos) {
    timer = channel.eventLoop().schedule(() -> look(channel), delayNanos, TimeUnit.NANOSECONDS);
  }

  private void look(Channel channel) {
    timer = null;
    if (headSince == NO_HEAD || !channel.isActive()) {
      return; // no head being read: the next one sets a look
    }
    long left = headSince + timeoutNanos - System.nanoTime();
    if (left > 0) {
      lookAfter(channel, left);
    } else {
      onExpired.run();
      channel.close();
    }
  }

  /** The head was read in time. */
  private void headRead() {
    headSince = NO_HEAD;
  }

  private void cancel() {
    headSince = NO_HEAD;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** Before the decoder: bytes of a new head start the clock once no request is in flight. */
  private final class BytesWatcher extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      if (inFlight == 0) {
        start(ctx.channel());
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      cancel();
      ctx.fireChannelInactive();
    }
  }

  /** After the decoder: a complete head stops the clock; a response sent in full ends a request. */
  private final class HeadsWatcher extends ChannelDuplexHandler {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      if (msg instanceof HttpRequest) {
        inFlight++;
        headRead();
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
        throws Exception {
      if (msg instanceof LastHttpContent && inFlight > 0) {
        inFlight--;
      }
      ctx.write(msg, promise);
    }
  }
}
