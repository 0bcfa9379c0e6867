package dev.ratelimiter.agent.http;

import dev.ratelimiter.agent.clientkey.ClientKeyResolver;
import dev.ratelimiter.policy.Policy;
import io.vertx.core.http.HttpServerRequest;

import java.util.List;

/**
 * The client a public-port request is counted against, under one policy (read once per request):
 * only the policy's one forwarding header is believed, and only from trusted proxies.
 */
public final class RequestClientKey {

    private RequestClientKey() {
    }

    public static String of(Policy policy, HttpServerRequest request) {
        return ClientKeyResolver.resolve(policy.clientKey(), request.remoteAddress().hostAddress(),
                headerValues(request, policy.clientKey().forwardedHeader().headerName()));
    }

    private static List<String> headerValues(HttpServerRequest request, String name) {
        return request.headers().contains(name) ? request.headers().getAll(name) : List.of();
    }
}
