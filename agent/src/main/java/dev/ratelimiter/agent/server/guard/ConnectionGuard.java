package dev.ratelimiter.agent.server.guard;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what slow or idle clients can hold on one port: an idle timeout, a deadline for reading
 * each request's head ({@link HeaderDeadline}), and a cap on open connections, beyond which a new
 * connection is closed at once. One guard per port, shared by every server instance on it.
 *
 * <p>Cleartext HTTP/2 is switched off on guarded ports: its prior-knowledge detection delays the
 * connection (and so the guard) until the client's first bytes, and the header deadline reads the
 * HTTP/1.x pipeline.
 */
public final class ConnectionGuard {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

  private final String port;
  private final int idleTimeoutSeconds;
  private final int headerTimeoutSeconds;
  private final long headerTimeoutMillis;
  private final int maxConnections;
  private final AtomicInteger open = new AtomicInteger();
  private final Counter refused;
  private final Counter headerTimeouts;
  private volatile long lastRefusalLog;

  /**
   * @param port the port's name in metrics and logs ({@code public}, {@code management}, {@code
   *     grpc})
   */
  public ConnectionGuard(
      String port,
      int idleTimeoutSeconds,
      int headerTimeoutSeconds,
      int maxConnections,
      MeterRegistry registry) {
    this.port = port;
    this.idleTimeoutSeconds = idleTimeoutSeconds;
    this.headerTimeoutSeconds = headerTimeoutSeconds;
    this.headerTimeoutMillis = TimeUnit.SECONDS.toMillis(headerTimeoutSeconds);
    this.maxConnections = maxConnections;
    Gauge.builder("ratelimiter.http.connections", open, AtomicInteger::get)
        .description("Open connections")
        .tag("port", port)
        .register(registry);
    this.refused =
        Counter.builder("ratelimiter.http.connections.refused")
            .description("Connections closed at once because the port held its maximum")
            .tag("port", port)
            .register(registry);
    this.headerTimeouts =
        Counter.builder("ratelimiter.http.header.timeouts")
            .description("Connections closed because a request's head did not arrive in time")
            .tag("port", port)
            .register(registry);
  }

  /** A guard with the same bounds for another port, counted in {@code registry}. */
  public ConnectionGuard alike(String port, MeterRegistry registry) {
    return new ConnectionGuard(
        port, idleTimeoutSeconds, headerTimeoutSeconds, maxConnections, registry);
  }

  /** Sets the idle timeout and switches off cleartext HTTP/2 (see the class comment). */
  public HttpServerOptions applyTo(HttpServerOptions options) {
    return options
        .setIdleTimeout(idleTimeoutSeconds)
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setHttp2ClearTextEnabled(false);
  }

  /** Counts, caps and puts the header deadline on every connection the server accepts. */
  public HttpServer install(HttpServer server) {
    return server.connectionHandler(c -> accepted(c, true));
  }

  /**
   * For an HTTP/2-only port (gRPC, whose clients speak cleartext HTTP/2 with prior knowledge): the
   * idle timeout, with cleartext HTTP/2 left on.
   */
  public HttpServerOptions applyToHttp2(HttpServerOptions options) {
    return options.setIdleTimeout(idleTimeoutSeconds).setIdleTimeoutUnit(TimeUnit.SECONDS);
  }

  /**
   * Counts and caps the connections of an HTTP/2-only port. No header deadline: HTTP/2 frames its
   * own headers, and a connection reaches this handler only once its preface has arrived (a silent
   * one is left to the idle timeout).
   */
  public HttpServer installHttp2(HttpServer server) {
    return server.connectionHandler(c -> accepted(c, false));
  }

  public int openConnections() {
    return open.get();
  }

  private void accepted(HttpConnection connection, boolean headerDeadline) {
    if (!(connection instanceof ConnectionBase base)) {
      return; // not a connection we know how to bound; the idle timeout still applies
    }
    Channel channel = base.channel();
    int now = open.incrementAndGet();
    channel.closeFuture().addListener(f -> open.decrementAndGet());
    if (now > maxConnections) {
      refused.increment();
      logRefusal();
      channel.close();
      return;
    }
    if (headerDeadline) {
      HeaderDeadline.install(channel, headerTimeoutMillis, headerTimeouts::increment);
    }
  }

  private void logRefusal() {
    long nowNanos = System.nanoTime();
    if (nowNanos - lastRefusalLog > TimeUnit.SECONDS.toNanos(10)) {
      lastRefusalLog = nowNanos;
      LOG.warn(
          "The {} port holds {} connections, its maximum: closing new ones at once",
          port,
          maxConnections);
    }
  }
}
