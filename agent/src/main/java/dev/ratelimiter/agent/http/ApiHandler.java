package dev.ratelimiter.agent.http;

import dev.ratelimiter.agent.answer.RateLimitHeaders;
import dev.ratelimiter.agent.limiter.RateLimiter;
import dev.ratelimiter.agent.limiter.Route;
import dev.ratelimiter.agent.limiter.Source;
import dev.ratelimiter.agent.request.RequestDecision;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * {@code GET /api} without a backend: client key → limiter → 200, 429, (store down, failurePolicy
 * Closed) 503, or (a header client key is required and absent) 401.
 */
public final class ApiHandler implements Handler<HttpServerRequest> {

  private final RateLimiter limiter;

  public ApiHandler(RateLimiter limiter) {
    this.limiter = limiter;
  }

  @Override
  public void handle(HttpServerRequest request) {
    RequestDecision.decide(
        limiter,
        request,
        false, // never paused: GET /api has no body to leave unread
        Source.API,
        policy -> Route.of(request.method().name(), request.path()),
        429,
        (client, decision) -> {
          HttpServerResponse response = request.response();
          RateLimitHeaders.apply(response.headers(), decision);
          // The client key is an IP address, a prefix or a base64url hash: nothing in it needs
          // JSON escaping.
          response
              .putHeader("Content-Type", "application/json")
              .end("{\"status\":\"ok\",\"client\":\"" + client.key() + "\"}");
        });
  }
}
