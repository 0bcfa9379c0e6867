package dev.ratelimiter.agent.http;

import dev.ratelimiter.agent.answer.Problems;
import dev.ratelimiter.agent.limiter.ActivePolicy;
import dev.ratelimiter.agent.store.CounterStore;
import dev.ratelimiter.contract.AgentContract.PushAnswer;
import dev.ratelimiter.policy.InvalidPolicyException;
import dev.ratelimiter.policy.Policy;
import dev.ratelimiter.policy.PolicyDocument;
import dev.ratelimiter.policy.PolicyParser;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /admin/policy} shows the policy in force; {@code PUT /admin/policy} replaces it after
 * validating the whole document (400 with the reason otherwise, and the old policy stays). Both
 * need {@code Authorization: Bearer <ADMIN_TOKEN>}, checked by {@link AdminTokenCheck} before any
 * body is read; without a configured token the admin API is refused (403). A successful PUT's
 * answer also says whether the store answers ({@code storeReachable}, {@code storeError}), as
 * {@code /health/ready} does: the operator's push reads it.
 */
public final class AdminPolicyHandler {

  private static final Logger LOG = LoggerFactory.getLogger(AdminPolicyHandler.class);

  private final ActivePolicy activePolicy;
  private final AdminTokenCheck tokenCheck;

  /**
   * Asked after a successful PUT, so the answer tells the pusher whether this agent reaches its
   * store; null: not asked.
   */
  private final CounterStore store;

  public AdminPolicyHandler(ActivePolicy activePolicy, String adminToken) {
    this(activePolicy, adminToken, null);
  }

  public AdminPolicyHandler(ActivePolicy activePolicy, String adminToken, CounterStore store) {
    this.activePolicy = activePolicy;
    this.tokenCheck = new AdminTokenCheck(adminToken);
    this.store = store;
  }

  /** Runs before the body handler: see {@link AdminTokenCheck}. */
  public AdminTokenCheck tokenCheck() {
    return tokenCheck;
  }

  public void get(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject(PolicyDocument.toMap(activePolicy.get())).encodePrettily());
  }

  /** After the token check and the body handler. */
  public void put(RoutingContext ctx) {
    String type =
        String.valueOf(ctx.request().getHeader("Content-Type")).toLowerCase(java.util.Locale.ROOT);
    if (type.startsWith("multipart/") || type.startsWith("application/x-www-form-urlencoded")) {
      // Forms are decoded apart from the body (file parts dropped): never read one as a policy.
      Problems.send(
          ctx.response(),
          415,
          "Unsupported Media Type",
          "A policy is a YAML or JSON document, not a form or an upload: send it as"
              + " application/yaml, application/json or text/plain (curl -X PUT -H 'Content-Type:"
              + " application/yaml' --data-binary @policy.yaml; without -H, curl --data-binary"
              + " sends it as a form).");
      return;
    }
    Policy next;
    try {
      next = PolicyParser.parse(ctx.body().asString());
    } catch (InvalidPolicyException e) {
      LOG.warn("Refused a pushed policy: {}", e.getMessage());
      Problems.send(
          ctx.response(),
          Problems.body(
                  400,
                  "Bad Request",
                  "Invalid policy, the policy in force is unchanged: " + e.getMessage())
              .put("field", e.field())
              .put(PushAnswer.GENERATION, activePolicy.get().generation()));
      return;
    }
    try {
      Policy previous = activePolicy.replace(next);
      if (previous.equals(next)) {
        LOG.debug("Policy {} generation {} re-pushed unchanged", next.id(), next.generation());
      } else {
        LOG.info(
            "Policy {} generation {} in force (was generation {})",
            next.id(),
            next.generation(),
            previous.generation());
      }
    } catch (ActivePolicy.StaleGenerationException e) {
      Problems.send(
          ctx.response(),
          Problems.body(409, "Conflict", e.getMessage())
              .put(PushAnswer.GENERATION, activePolicy.get().generation()));
      return;
    }
    JsonObject answer =
        new JsonObject()
            .put(PushAnswer.APPLIED, true)
            .put(PushAnswer.GENERATION, next.generation());
    if (store == null) {
      ctx.response().putHeader("Content-Type", "application/json").end(answer.encode());
      return;
    }
    // The operator reads these for RedisReady of an external Redis (as /health/ready reports them).
    store
        .ping()
        .onComplete(
            ar -> {
              answer.put(PushAnswer.STORE_REACHABLE, ar.succeeded());
              if (ar.failed()) {
                answer.put(PushAnswer.STORE_ERROR, ar.cause().getMessage());
              }
              ctx.response().putHeader("Content-Type", "application/json").end(answer.encode());
            });
  }
}
