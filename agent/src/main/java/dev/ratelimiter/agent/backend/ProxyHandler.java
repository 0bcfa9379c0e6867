package dev.ratelimiter.agent.backend;

import dev.ratelimiter.agent.backend.usage.RequestEstimate;
import dev.ratelimiter.agent.limiter.Decision;
import dev.ratelimiter.agent.limiter.RateLimiter;
import dev.ratelimiter.agent.limiter.Route;
import dev.ratelimiter.agent.limiter.Source;
import dev.ratelimiter.agent.limiter.TokenEstimate;
import dev.ratelimiter.agent.request.RequestDecision;
import dev.ratelimiter.policy.CanonicalPath;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
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

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProxyHandler.class);

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
    String path;
    try {
      path = CanonicalPath.of(request.path());
    } catch (CanonicalPath.Invalid e) {
      RequestDecision.badRequest(request, true, "The path cannot be used: " + e.getMessage() + ".");
      return;
    }
    if (!path.equals("/api") && !path.startsWith("/api/")) {
      RequestDecision.badRequest(request, true, "The path leaves /api.");
      return;
    }
    long length = contentLength(request);
    if (limiter.policy().hasTokenBudgets()
        && RequestEstimate.readable(length, request.getHeader("Content-Type"))) {
      // token budgets reserve what the body states: read it (at most MAX_READ bytes), then decide
      continueIfExpected(request);
      request
          .body()
          .onSuccess(body -> decide(request, path, RequestEstimate.of(body), body))
          .onFailure(e -> LOG.debug("A request body did not arrive: {}", e.toString()));
      request.resume();
    } else {
      decide(request, path, RequestEstimate.ofLength(length), null);
    }
  }

  /**
   * @param body the request's body when it was read for the estimate; null: still unread
   */
  private void decide(HttpServerRequest request, String path, TokenEstimate estimate, Buffer body) {
    RequestDecision.decide(
        limiter,
        request,
        true,
        Source.API,
        policy -> new Route(request.method().name(), path),
        429,
        policy -> estimate,
        (client, decision) ->
            forward(
                request,
                decision,
                path,
                body,
                TokenSettlement.of(limiter, decision, client.key())));
  }

  /** The announced body length; -1 when none is announced or it cannot be read. */
  private static long contentLength(HttpServerRequest request) {
    String length = request.getHeader("Content-Length");
    if (length == null || request.headers().contains("Transfer-Encoding")) {
      return -1;
    }
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void continueIfExpected(HttpServerRequest request) {
    if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
      request.response().writeContinue();
    }
  }

  /** Forwards the request with its canonical path: the backend routes what was counted. */
  private void forward(
      HttpServerRequest request,
      Decision decision,
      String path,
      Buffer body,
      TokenSettlement settlement) {
    if (body == null) {
      continueIfExpected(request);
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
                            .setIdleTimeout(timeoutMillis))
                    // A client that hangs up resets the backend request: what the client does is
                    // no error of the agent's (Vert.x would log one per request)
                    .onSuccess(
                        outgoing ->
                            outgoing.exceptionHandler(
                                e -> LOG.debug("Backend request ended early: {}", e.toString()))))
        .addInterceptor(
            new ForwardingInterceptor(
                decision, target, path, body, timeoutMillis, metrics, settlement),
            true)
        .handle(request);
  }
}
