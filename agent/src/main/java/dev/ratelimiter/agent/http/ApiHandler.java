package dev.ratelimiter.agent.http;

import dev.ratelimiter.agent.answer.RateLimitHeaders;
import dev.ratelimiter.agent.answer.Refusals;
import dev.ratelimiter.agent.limiter.ClientIdentity;
import dev.ratelimiter.agent.limiter.Decision;
import dev.ratelimiter.agent.limiter.RateLimiter;
import dev.ratelimiter.agent.limiter.Route;
import dev.ratelimiter.agent.limiter.Source;
import dev.ratelimiter.agent.request.RequestClientKey;
import dev.ratelimiter.policy.Policy;
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
    Policy policy = limiter.policy();
    ClientIdentity client = RequestClientKey.identify(policy, request);
    if (client.rejected()) {
      Refusals.missingClientHeader(request.response(), client.missingHeader());
      return;
    }
    if (client.ambiguous()) {
      Refusals.ambiguousClientHeader(request.response(), client.ambiguousHeader());
      return;
    }
    limiter
        .check(policy, client, Route.of(request.method().name(), request.path()), 1, Source.API)
        .onComplete(
            ar -> {
              HttpServerResponse response = request.response();
              if (ar.failed()) {
                Refusals.storeUnavailable(response, ar.cause());
                return;
              }
              Decision decision = ar.result();
              if (decision.allowed()) {
                RateLimitHeaders.apply(response.headers(), decision);
                // The client key is an IP address, a prefix or a base64url hash: nothing in it
                // needs JSON escaping.
                response
                    .putHeader("Content-Type", "application/json")
                    .end("{\"status\":\"ok\",\"client\":\"" + client.key() + "\"}");
              } else {
                Refusals.tooManyRequests(response, decision);
              }
            });
  }
}
