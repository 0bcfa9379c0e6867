package dev.ratelimiter.agent.http;

import dev.ratelimiter.agent.limiter.ActivePolicy;
import dev.ratelimiter.agent.policy.InvalidPolicyException;
import dev.ratelimiter.agent.policy.Policy;
import dev.ratelimiter.agent.policy.PolicyDocument;
import dev.ratelimiter.agent.policy.PolicyParser;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * {@code GET /admin/policy} shows the policy in force; {@code PUT /admin/policy} replaces it after
 * validating the whole document (400 with the reason otherwise, and the old policy stays). Writes
 * need {@code Authorization: Bearer <ADMIN_TOKEN>}; without a configured token they are refused.
 */
public final class AdminPolicyHandler {

    private static final Logger LOG = LoggerFactory.getLogger(AdminPolicyHandler.class);

    private final ActivePolicy activePolicy;
    private final byte[] adminToken;

    public AdminPolicyHandler(ActivePolicy activePolicy, String adminToken) {
        this.activePolicy = activePolicy;
        this.adminToken = adminToken == null || adminToken.isEmpty() ? null : adminToken.getBytes(StandardCharsets.UTF_8);
    }

    public void get(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "application/json")
                .end(PolicyDocument.toJson(activePolicy.get()).encodePrettily());
    }

    public void put(RoutingContext ctx) {
        if (adminToken == null) {
            Problems.send(ctx.response(), 403, "Forbidden", "Admin writes are disabled: the agent was started without ADMIN_TOKEN.");
            return;
        }
        if (!authorized(ctx.request().getHeader("Authorization"))) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"ratelimiter-agent\"");
            Problems.send(ctx.response(), 401, "Unauthorized", "PUT /admin/policy needs 'Authorization: Bearer <ADMIN_TOKEN>'.");
            return;
        }
        Policy next;
        try {
            next = PolicyParser.parse(ctx.body().asString());
        } catch (InvalidPolicyException e) {
            LOG.warn("Refused a pushed policy: {}", e.getMessage());
            Problems.send(ctx.response(), Problems.body(400, "Bad Request", "Invalid policy, the policy in force is unchanged: " + e.getMessage())
                    .put("field", e.field())
                    .put("generation", activePolicy.get().generation()));
            return;
        }
        try {
            Policy previous = activePolicy.replace(next);
            if (previous.equals(next)) {
                LOG.debug("Policy {} generation {} re-pushed unchanged", next.id(), next.generation());
            } else {
                LOG.info("Policy {} generation {} in force (was generation {})", next.id(), next.generation(), previous.generation());
            }
        } catch (ActivePolicy.StaleGenerationException e) {
            Problems.send(ctx.response(), Problems.body(409, "Conflict", e.getMessage())
                    .put("generation", activePolicy.get().generation()));
            return;
        }
        ctx.response().putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("applied", true).put("generation", next.generation()).encode());
    }

    private boolean authorized(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] offered = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(offered, adminToken);
    }
}
