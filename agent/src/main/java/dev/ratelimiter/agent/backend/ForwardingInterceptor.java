package dev.ratelimiter.agent.backend;

import dev.ratelimiter.agent.answer.Problems;
import dev.ratelimiter.agent.answer.RateLimitHeaders;
import dev.ratelimiter.agent.limiter.Decision;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.MediaType;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import java.util.concurrent.TimeoutException;

/**
 * One allowed request on its way to the backend and back: rewrites the target URI (the base path
 * and the request's canonical path, the one that was counted, with its query) and the forwarding
 * headers, turns a failed exchange into a problem+json 502 (refused, reset) or 504 (timeout) that
 * does not name the backend (the log does), sends a body that was read for a token estimate as it
 * came, and adds the rate-limit headers of {@code decision} to whatever the client gets.
 */
final class ForwardingInterceptor implements ProxyInterceptor {

  private static final MediaType PROBLEM = MediaType.parse(Problems.CONTENT_TYPE);
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ForwardingInterceptor.class);
  private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
  private static final java.util.concurrent.atomic.AtomicLong LAST_LOG =
      new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

  private final Decision decision;
  private final BackendTarget target;
  private final String path;
  private final Buffer body;
  private final long timeoutMillis;
  private final BackendMetrics metrics;
  private final TokenSettlement settlement;
  private long startNanos;
  private boolean synthesized;

  ForwardingInterceptor(
      Decision decision,
      BackendTarget target,
      String path,
      Buffer body,
      long timeoutMillis,
      BackendMetrics metrics,
      TokenSettlement settlement) {
    this.decision = decision;
    this.body = body;
    this.settlement = settlement;
    this.target = target;
    this.path = path;
    this.timeoutMillis = timeoutMillis;
    this.metrics = metrics;
  }

  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
    HttpServerRequest incoming = context.request().proxiedRequest();
    context.request().setURI(target.uri(path, incoming.query()));
    ForwardedRequestHeaders.towardsBackend(
        context.request().headers(), incoming, context.isWebSocket());
    if (settlement != null) {
      settlement.towardsBackend(context.request().headers());
    }
    if (body != null) { // read for its estimate: what the client sent, as it sent it
      String type = context.request().getBody().mediaType();
      context
          .request()
          .setBody(type == null ? Body.body(body) : Body.body(body, MediaType.parse(type)));
    }
    startNanos = System.nanoTime();
    return context
        .sendRequest()
        .recover(
            failure -> {
              boolean timedOut = isTimeout(failure);
              synthesized = true;
              if (!incoming.response().closed()) {
                // else the client hung up, and the backend request was reset for it: no failure
                // of the backend's
                metrics.failed(timedOut, startNanos);
                logFailure(timedOut, failure);
              }
              // the public is told what happened, not where the backend is or Java's words
              String detail =
                  timedOut
                      ? "The backend did not respond within " + timeoutMillis + " ms."
                      : "The backend could not be reached.";
              int status = timedOut ? 504 : 502;
              Buffer body =
                  Problems.body(status, timedOut ? "Gateway Timeout" : "Bad Gateway", detail)
                      .toBuffer();
              return Future.succeededFuture(
                  context
                      .request()
                      .release()
                      .response()
                      .setStatusCode(status)
                      .setBody(Body.body(body, PROBLEM)));
            });
  }

  @Override
  public Future<Void> handleProxyResponse(ProxyContext context) {
    ProxyResponse response = context.response();
    RateLimitHeaders.apply(response.headers(), decision);
    if (synthesized) {
      if (settlement != null) {
        settlement.unfinished(); // the backend did not answer
      }
      // Sent here: the library's WebSocket path expects a response that came from the backend.
      return response.send();
    }
    metrics.responded(response.getStatusCode(), startNanos);
    if (settlement != null) {
      settlement.watch(response);
      // a client that hangs up before the end of the answer spent what was reserved
      context.request().proxiedRequest().response().closeHandler(v -> settlement.unfinished());
    }
    ForwardedRequestHeaders.towardsClient(response.headers(), response.getStatusCode());
    return context.sendResponse();
  }

  /** At most one line per {@link #LOG_INTERVAL_NANOS}: a dead backend must not flood the log. */
  private void logFailure(boolean timedOut, Throwable failure) {
    long now = System.nanoTime();
    long last = LAST_LOG.get();
    if (now - last >= LOG_INTERVAL_NANOS && LAST_LOG.compareAndSet(last, now)) {
      LOG.warn(
          "The backend {} {} (answered 50x; at most one such line per 10 s, the counts are in"
              + " ratelimiter_backend_responses_total)",
          target.describe(),
          timedOut
              ? "did not respond within " + timeoutMillis + " ms"
              : "could not be reached: " + failure);
    }
  }

  private static boolean isTimeout(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException || t instanceof ConnectTimeoutException) {
        return true;
      }
    }
    return false;
  }
}
