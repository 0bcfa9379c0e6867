package dev.ratelimiter.agent.http;

import dev.ratelimiter.agent.limiter.Decision;
import dev.ratelimiter.agent.limiter.RateLimiter;
import dev.ratelimiter.agent.limiter.Route;
import dev.ratelimiter.agent.limiter.Source;
import dev.ratelimiter.policy.Policy;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/** {@code GET /api} without a backend: client key → limiter → 200, 429 or (store down, failurePolicy Closed) 503. */
public final class ApiHandler implements Handler<HttpServerRequest> {

    private final RateLimiter limiter;

    public ApiHandler(RateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public void handle(HttpServerRequest request) {
        Policy policy = limiter.policy();
        String client = RequestClientKey.of(policy, request);
        limiter.check(policy, client, Route.of(request.method().name(), request.path()), 1, Source.API).onComplete(ar -> {
            HttpServerResponse response = request.response();
            if (ar.failed()) {
                Refusals.storeUnavailable(response, ar.cause());
                return;
            }
            Decision decision = ar.result();
            if (decision.allowed()) {
                RateLimitHeaders.apply(response.headers(), decision);
                // The client key is an IP address or prefix: nothing in it needs JSON escaping.
                response.putHeader("Content-Type", "application/json")
                        .end("{\"status\":\"ok\",\"client\":\"" + client + "\"}");
            } else {
                Refusals.tooManyRequests(response, decision);
            }
        });
    }
}
