package dev.ratelimiter.agent.backend;

import dev.ratelimiter.agent.http.Problems;
import dev.ratelimiter.agent.http.RateLimitHeaders;
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
 * One allowed request on its way to the backend and back: rewrites the target URI and the
 * forwarding headers, turns a failed exchange into a problem+json 502 (refused, reset) or 504
 * (timeout) naming the backend, and adds the rate-limit headers of {@code decision} to whatever the
 * client gets.
 */
final class ForwardingInterceptor implements ProxyInterceptor {

  private static final MediaType PROBLEM = MediaType.parse(Problems.CONTENT_TYPE);

  private final Decision decision;
  private final BackendTarget target;
  private final long timeoutMillis;
  private final BackendMetrics metrics;
  private long startNanos;
  private boolean synthesized;

  ForwardingInterceptor(
      Decision decision, BackendTarget target, long timeoutMillis, BackendMetrics metrics) {
    this.decision = decision;
    this.target = target;
    this.timeoutMillis = timeoutMillis;
    this.metrics = metrics;
  }

  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
    HttpServerRequest incoming = context.request().proxiedRequest();
    context.request().setURI(target.uri(incoming.path(), incoming.query()));
    ForwardedRequestHeaders.towardsBackend(
        context.request().headers(), incoming, context.isWebSocket());
    startNanos = System.nanoTime();
    return context
        .sendRequest()
        .recover(
            failure -> {
              boolean timedOut = isTimeout(failure);
              metrics.failed(timedOut, startNanos);
              synthesized = true;
              String detail =
                  timedOut
                      ? "The backend "
                          + target.describe()
                          + " did not respond within "
                          + timeoutMillis
                          + " ms."
                      : "The backend "
                          + target.describe()
                          + " could not be reached: "
                          + failure.getMessage();
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
      // Sent here: the library's WebSocket path expects a response that came from the backend.
      return response.send();
    }
    metrics.responded(response.getStatusCode(), startNanos);
    ForwardedRequestHeaders.towardsClient(response.headers(), response.getStatusCode());
    return context.sendResponse();
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
