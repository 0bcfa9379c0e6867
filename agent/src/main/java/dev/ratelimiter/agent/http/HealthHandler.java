package dev.ratelimiter.agent.http;

import dev.ratelimiter.agent.limiter.ActivePolicy;
import dev.ratelimiter.agent.startup.Startup;
import dev.ratelimiter.agent.store.CounterStore;
import dev.ratelimiter.policy.FailurePolicy;
import dev.ratelimiter.policy.Policy;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /health/live}: the process serves. {@code /health/ready}: the start-up is over (the store
 * prepared, the request path warmed up: {@link Startup}), a policy is loaded and the store answers,
 * or the store is away but the failure policy (Open, Local) lets the agent serve anyway. The body
 * says what start-up waited for and how long it took.
 */
public final class HealthHandler {

  private final ActivePolicy activePolicy;
  private final CounterStore store;
  private final Startup startup;

  public HealthHandler(ActivePolicy activePolicy, CounterStore store, Startup startup) {
    this.activePolicy = activePolicy;
    this.store = store;
    this.startup = startup;
  }

  public void live(RoutingContext ctx) {
    json(ctx, 200, new JsonObject().put("status", "UP"));
  }

  public void ready(RoutingContext ctx) {
    Policy policy = activePolicy.get();
    JsonObject body =
        new JsonObject()
            .put("policy", policy.id())
            .put("generation", policy.generation())
            .put("store", store.describe())
            .put(
                "startup",
                new JsonObject()
                    .put("store", startup.store())
                    .put("warmUp", startup.warmUp())
                    .put(
                        "readyAfterSeconds",
                        startup.ready()
                            ? Math.round(startup.readySeconds() * 1000) / 1000.0
                            : null));
    if (!startup.ready()) {
      json(
          ctx,
          503,
          body.put("status", "STARTING")
              .put(
                  "detail",
                  "starting: store " + startup.store() + "; warm-up " + startup.warmUp()));
      return;
    }
    store
        .ping()
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                json(ctx, 200, body.put("status", "UP").put("storeReachable", true));
              } else if (policy.failurePolicy() != FailurePolicy.Closed) {
                json(
                    ctx,
                    200,
                    body.put("status", "UP")
                        .put("storeReachable", false)
                        .put("storeError", ar.cause().getMessage())
                        .put(
                            "detail",
                            "store unavailable, serving with failurePolicy "
                                + policy.failurePolicy()
                                + ": "
                                + ar.cause().getMessage()));
              } else {
                json(
                    ctx,
                    503,
                    body.put("status", "DOWN")
                        .put("storeReachable", false)
                        .put("storeError", ar.cause().getMessage())
                        .put(
                            "detail",
                            "store unavailable and failurePolicy is Closed: "
                                + ar.cause().getMessage()));
              }
            });
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body.encode());
  }
}
