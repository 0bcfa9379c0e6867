package dev.ratelimiter.agent.backend;

import dev.ratelimiter.agent.limiter.RateLimiter;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

/** The user's API behind the agent: where to, how long to wait, and what is measured. */
public record Backend(BackendTarget target, long timeoutMillis, BackendMetrics metrics) {

  /**
   * Connections one event loop keeps to the backend at most; further requests wait in the pool's
   * bounded queue.
   */
  static final int MAX_CONNECTIONS_PER_EVENT_LOOP = 256;

  static final int MAX_WAITING_PER_EVENT_LOOP = 10_000;

  /**
   * Idle pooled connections are closed after this: below the shortest keep-alive timeout common
   * backends use (Node.js: 5 s), so a request is never sent on a connection the backend is closing.
   */
  static final int KEEP_ALIVE_SECONDS = 4;

  /**
   * The proxy for one event loop, with its own keep-alive pool (call on that event loop's
   * verticle).
   */
  public ProxyHandler proxyHandler(Vertx vertx, RateLimiter limiter) {
    var client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(KEEP_ALIVE_SECONDS)
                .setTcpNoDelay(true)
                .setDecompressionSupported(false),
            new PoolOptions()
                .setHttp1MaxSize(MAX_CONNECTIONS_PER_EVENT_LOOP)
                .setMaxWaitQueueSize(MAX_WAITING_PER_EVENT_LOOP));
    return new ProxyHandler(limiter, client, target, timeoutMillis, metrics);
  }
}
