package dev.ratelimiter.agent.http;

import dev.ratelimiter.agent.clientkey.ClientKeyResolver;
import dev.ratelimiter.agent.limiter.Decision;
import dev.ratelimiter.agent.limiter.RateLimiter;
import dev.ratelimiter.agent.policy.Limit;
import dev.ratelimiter.agent.policy.Policy;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /api}: client key → limiter → 200, 429 or (store down, failurePolicy Closed) 503. */
public final class ApiHandler implements Handler<RoutingContext> {

    private final RateLimiter limiter;

    public ApiHandler(RateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Policy policy = limiter.policy();
        String client = ClientKeyResolver.resolve(policy.clientKey(), request.remoteAddress().hostAddress(),
                request.headers().getAll("Forwarded"), request.headers().getAll("X-Forwarded-For"));
        limiter.check(client).onComplete(ar -> {
            HttpServerResponse response = ctx.response();
            if (ar.failed()) {
                response.putHeader("Retry-After", "1");
                Problems.send(response, 503, "Service Unavailable",
                        "The rate-limit store is unavailable and the policy's failurePolicy is Closed: " + ar.cause().getMessage());
                return;
            }
            Decision decision = ar.result();
            RateLimitHeaders.apply(response.headers(), decision);
            if (decision.allowed()) {
                response.putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("status", "ok").put("client", client).encode());
            } else {
                reject(response, decision);
            }
        });
    }

    private static void reject(HttpServerResponse response, Decision decision) {
        long retryAfter = Math.max(1, RateLimitHeaders.seconds(decision.retryAfterMillis()));
        Limit limit = decision.strictestLimit();
        response.putHeader("Retry-After", Long.toString(retryAfter));
        Problems.send(response, Problems.body(429, "Too Many Requests",
                        "Limit '" + limit.name() + "' allows " + limit.requests() + " requests per " + limit.windowText()
                                + "; retry in " + retryAfter + " s.")
                .put("limit", limit.name())
                .put("retryAfter", retryAfter));
    }
}
