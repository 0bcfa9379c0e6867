package dev.ratelimiter.agent.request;

import dev.ratelimiter.agent.answer.Problems;
import dev.ratelimiter.agent.answer.Refusals;
import dev.ratelimiter.agent.limiter.ClientIdentity;
import dev.ratelimiter.agent.limiter.Decision;
import dev.ratelimiter.agent.limiter.RateLimiter;
import dev.ratelimiter.agent.limiter.Route;
import dev.ratelimiter.agent.limiter.Source;
import dev.ratelimiter.policy.Limit;
import dev.ratelimiter.policy.Policy;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.ToLongFunction;

/**
 * The step the public port's ways in share ({@code /api}, the proxy, {@code /check}): the policy in
 * force, read once; the client under it; the route; the decision. Every refusal is answered here
 * (401, 400, 429, 503), without reading a body the client is still sending ({@link UnreadBody});
 * the terminal handler is called only with an allowed decision, and only while the client is there.
 */
public final class RequestDecision {

  /** The route a request is about, under the policy in force. */
  @FunctionalInterface
  public interface RouteOf {
    /**
     * @throws IllegalArgumentException when the route cannot be told (answered 400 with its
     *     message)
     */
    Route of(Policy policy);
  }

  /** What the request says it spends against the policy's token budgets. */
  @FunctionalInterface
  public interface EstimateOf {
    /**
     * @return the estimate, or null: each budget reserves its {@code reserve}
     * @throws IllegalArgumentException when the request's word cannot be read (answered 400)
     */
    ToLongFunction<Limit> of(Policy policy);
  }

  /** What the terminal handler does with an allowed request. */
  @FunctionalInterface
  public interface Allowed {
    void allowed(ClientIdentity client, Decision decision);
  }

  private RequestDecision() {}

  /**
   * @param paused whether the caller paused the request (to leave a body unread): it is resumed
   *     after a refusal ({@link UnreadBody#answer})
   * @param refusedStatus the status of a refusal over the limit: 429, or what a gateway asked for
   */
  public static void decide(
      RateLimiter limiter,
      HttpServerRequest request,
      boolean paused,
      Source source,
      RouteOf routeOf,
      int refusedStatus,
      Allowed allowed) {
    decide(limiter, request, paused, source, routeOf, refusedStatus, policy -> null, allowed);
  }

  /** The same, with what the request says it spends against token budgets. */
  public static void decide(
      RateLimiter limiter,
      HttpServerRequest request,
      boolean paused,
      Source source,
      RouteOf routeOf,
      int refusedStatus,
      EstimateOf estimateOf,
      Allowed allowed) {
    Policy policy = limiter.policy();
    ClientIdentity client = RequestClientKey.identify(policy, request);
    if (client.rejected()) {
      UnreadBody.answer(
          request,
          paused,
          () -> Refusals.missingClientHeader(request.response(), client.missingHeader()));
      return;
    }
    if (client.invalid()) {
      UnreadBody.answer(
          request,
          paused,
          () ->
              Refusals.invalidToken(
                  request.response(), client.invalidToken(), client.invalidTokenDetail()));
      return;
    }
    if (client.ambiguous()) {
      UnreadBody.answer(
          request,
          paused,
          () -> Refusals.ambiguousClientHeader(request.response(), client.ambiguousHeader()));
      return;
    }
    Route route;
    ToLongFunction<Limit> estimate;
    try {
      route = routeOf.of(policy).withClient(client.plan(), request.headers()::getAll);
      estimate = estimateOf.of(policy);
    } catch (IllegalArgumentException e) {
      badRequest(request, paused, e.getMessage());
      return;
    }
    limiter
        .check(policy, client, route, 1, source, estimate)
        .onComplete(
            ar -> {
              if (request.response().closed()) {
                return; // the client went away while we decided
              }
              if (ar.failed()) {
                UnreadBody.answer(
                    request,
                    paused,
                    () -> Refusals.storeUnavailable(request.response(), ar.cause()));
              } else if (!ar.result().allowed()) {
                UnreadBody.answer(
                    request,
                    paused,
                    () -> Refusals.tooManyRequests(request.response(), ar.result(), refusedStatus));
              } else {
                allowed.allowed(client, ar.result());
              }
            });
  }

  /** A 400 problem, answered without reading a pending body. */
  public static void badRequest(HttpServerRequest request, boolean paused, String detail) {
    UnreadBody.answer(
        request, paused, () -> Problems.send(request.response(), 400, "Bad Request", detail));
  }
}
