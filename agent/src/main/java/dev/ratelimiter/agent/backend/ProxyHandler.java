package dev.ratelimiter.agent.backend;

import dev.ratelimiter.agent.http.Problems;
import dev.ratelimiter.agent.http.Refusals;
import dev.ratelimiter.agent.http.RequestClientKey;
import dev.ratelimiter.agent.limiter.ClientIdentity;
import dev.ratelimiter.agent.limiter.Decision;
import dev.ratelimiter.agent.limiter.RateLimiter;
import dev.ratelimiter.agent.limiter.Route;
import dev.ratelimiter.agent.limiter.Source;
import dev.ratelimiter.policy.Policy;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyOptions;

/**
 * {@code /api} and {@code /api/**}, any method, with a backend: the request is held (not read)
 * while the limiter decides; a refused request gets 429 (or 503) and never reaches the backend; an
 * allowed one is streamed to it by vertx-http-proxy, and the backend's answer streamed back with
 * the rate-limit headers added.
 */
public final class ProxyHandler implements Handler<HttpServerRequest> {

  private static final ProxyOptions PROXY_OPTIONS = new ProxyOptions().setSupportWebSocket(true);

  private final RateLimiter limiter;
  private final HttpClient client;
  private final BackendTarget target;
  private final long timeoutMillis;
  private final BackendMetrics metrics;

  /**
   * @param client this event loop's connection pool to the backend
   */
  public ProxyHandler(
      RateLimiter limiter,
      HttpClient client,
      BackendTarget target,
      long timeoutMillis,
      BackendMetrics metrics) {
    this.limiter = limiter;
    this.client = client;
    this.target = target;
    this.timeoutMillis = timeoutMillis;
    this.metrics = metrics;
  }

  @Override
  public void handle(HttpServerRequest request) {
    request.pause(); // the body waits, unread, for the decision
    if (!ProxyPaths.isClean(request.path())) {
      refuse(
          request,
          () ->
              Problems.send(
                  request.response(),
                  400,
                  "Bad Request",
                  "The path may not contain '.' or '..' segments."));
      return;
    }
    Policy policy = limiter.policy();
    ClientIdentity clientKey = RequestClientKey.identify(policy, request);
    if (clientKey.rejected()) {
      refuse(
          request,
          () -> Refusals.missingClientHeader(request.response(), clientKey.missingHeader()));
      return;
    }
    limiter
        .check(policy, clientKey, Route.of(request.method().name(), request.path()), 1, Source.API)
        .onComplete(
            ar -> {
              if (request.response().closed()) {
                return; // the client went away while we decided
              }
              if (ar.failed()) {
                refuse(request, () -> Refusals.storeUnavailable(request.response(), ar.cause()));
              } else if (!ar.result().allowed()) {
                refuse(request, () -> Refusals.tooManyRequests(request.response(), ar.result()));
              } else {
                forward(request, ar.result());
              }
            });
  }

  private void forward(HttpServerRequest request, Decision decision) {
    if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
      request.response().writeContinue();
    }
    HttpProxy.reverseProxy(PROXY_OPTIONS, client)
        .origin(
            context ->
                context
                    .client()
                    .request(
                        new RequestOptions()
                            .setHost(target.host())
                            .setPort(target.port())
                            .setConnectTimeout(timeoutMillis)
                            .setIdleTimeout(timeoutMillis)))
        .addInterceptor(new ForwardingInterceptor(decision, target, timeoutMillis, metrics), true)
        .handle(request);
  }

  /**
   * Answers at once. A body the client is still sending is read and dropped, never held (as nginx
   * discards it), and the client is told to close the connection; a client that sent {@code Expect:
   * 100-continue} is refused before it sends the body at all.
   */
  private static void refuse(HttpServerRequest request, Runnable answer) {
    if (hasBody(request) && !request.isEnded()) {
      request.response().putHeader("Connection", "close");
    }
    answer.run();
    request.resume(); // lets the request end (and any body be dropped), so the connection can serve
    // the next one
  }

  private static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader("Content-Length");
    return (length != null && !length.equals("0"))
        || request.headers().contains("Transfer-Encoding");
  }
}
