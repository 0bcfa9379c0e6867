package dev.ratelimiter.agent.http;

import dev.ratelimiter.agent.clientkey.ClientKeyResolver;
import dev.ratelimiter.agent.limiter.Decision;
import dev.ratelimiter.agent.limiter.RateLimiter;
import dev.ratelimiter.agent.policy.Limit;
import dev.ratelimiter.agent.policy.Policy;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.List;

/** {@code GET /api}: client key → limiter → 200, 429 or (store down, failurePolicy Closed) 503. */
public final class ApiHandler implements Handler<HttpServerRequest> {

    private final RateLimiter limiter;

    public ApiHandler(RateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public void handle(HttpServerRequest request) {
        Policy policy = limiter.policy();
        String client = ClientKeyResolver.resolve(policy.clientKey(), request.remoteAddress().hostAddress(),
                headerValues(request, policy.clientKey().forwardedHeader().headerName()));
        limiter.check(client).onComplete(ar -> {
            HttpServerResponse response = request.response();
            if (ar.failed()) {
                response.putHeader("Retry-After", "1");
                Problems.send(response, 503, "Service Unavailable",
                        "The rate-limit store is unavailable and the policy's failurePolicy is Closed: " + ar.cause().getMessage());
                return;
            }
            Decision decision = ar.result();
            RateLimitHeaders.apply(response.headers(), decision);
            if (decision.allowed()) {
                // The client key is an IP address or prefix: nothing in it needs JSON escaping.
                response.putHeader("Content-Type", "application/json")
                        .end("{\"status\":\"ok\",\"client\":\"" + client + "\"}");
            } else {
                reject(response, decision);
            }
        });
    }

    private static void reject(HttpServerResponse response, Decision decision) {
        long retryAfter = Math.max(1, RateLimitHeaders.seconds(decision.retryAfterMillis()));
        Limit limit = decision.strictestLimit();
        response.setStatusCode(429)
                .putHeader("Retry-After", Long.toString(retryAfter))
                .putHeader("Content-Type", Problems.CONTENT_TYPE)
                // Hot path for abusive clients: written by hand. Limit names are DNS labels and need no escaping.
                .end("{\"type\":\"about:blank\",\"title\":\"Too Many Requests\",\"status\":429,\"detail\":\"Limit '"
                        + limit.name() + "' allows " + limit.requests() + " requests per " + limit.windowText()
                        + "; retry in " + retryAfter + " s.\",\"limit\":\"" + limit.name() + "\",\"retryAfter\":" + retryAfter + "}");
    }

    private static List<String> headerValues(HttpServerRequest request, String name) {
        return request.headers().contains(name) ? request.headers().getAll(name) : List.of();
    }
}
