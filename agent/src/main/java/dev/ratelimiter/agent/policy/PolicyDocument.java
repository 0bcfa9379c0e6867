package dev.ratelimiter.agent.policy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Renders a policy back into the document shape it was read from (for {@code GET /admin/policy}). */
public final class PolicyDocument {

    private PolicyDocument() {
    }

    public static JsonObject toJson(Policy policy) {
        JsonArray limits = new JsonArray();
        for (Limit limit : policy.limits()) {
            limits.add(new JsonObject()
                    .put("name", limit.name())
                    .put("requests", limit.requests())
                    .put("window", limit.windowText())
                    .put("algorithm", limit.algorithm().name()));
        }
        JsonArray proxies = new JsonArray();
        policy.clientKey().trustedProxies().forEach(cidr -> proxies.add(cidr.toString()));
        return new JsonObject()
                .put("policy", policy.id())
                .put("generation", policy.generation())
                .put("limits", limits)
                .put("clientKey", new JsonObject()
                        .put("source", "RemoteAddress")
                        .put("forwardedHeader", policy.clientKey().forwardedHeader().name())
                        .put("trustedProxies", proxies)
                        .put("ipv6PrefixLength", policy.clientKey().ipv6PrefixLength()))
                .put("failurePolicy", policy.failurePolicy().name());
    }
}
