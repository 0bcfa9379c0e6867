package dev.ratelimiter.agent.grpc;

import dev.ratelimiter.agent.limiter.Decision;
import dev.ratelimiter.agent.limiter.RateLimiter;
import dev.ratelimiter.agent.limiter.Source;
import dev.ratelimiter.policy.Policy;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Envoy's rate limit service v3, {@code
 * envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit}, on the same limiter and counters as
 * {@code /api}: a request is read into checks by {@link EnvoyRequests}, decided here, and answered
 * by {@link EnvoyAnswers}.
 *
 * <ul>
 *   <li>{@code domain} must be the policy id {@code <namespace>/<name>}; another one is refused
 *       with {@code INVALID_ARGUMENT} naming the expected domain.
 *   <li>Each descriptor is one decision. Its {@code remote_address} entry names the client (Envoy's
 *       {@code remote_address} action: the downstream address Envoy trusts), canonicalised like the
 *       HTTP path's (IPv6 per prefix); its {@code method} and {@code path} entries, when present,
 *       name the route. Other entries are ignored. A descriptor without the client entry, or with
 *       one that is not an IP address, is refused with {@code INVALID_ARGUMENT} naming the entry.
 *   <li>The cost is the descriptor's {@code hits_addend}, else the request's, else 1 (0 counts as
 *       1). All-or-nothing per descriptor; descriptors are decided independently (as Envoy's own
 *       service does), so one request's OK descriptors are counted even when another is over limit.
 *   <li>Token budgets: a stated {@code hits_addend} is what the request reserves of them (else each
 *       budget's {@code reserve}). A descriptor with a {@code settle} entry is a settlement, sent
 *       after the request (Envoy's {@code apply_on_stream_done}): the entry's value is what was
 *       reserved, the {@code hits_addend} what was spent; the difference is given back or charged,
 *       and the answer is {@code OK}.
 *   <li>No descriptors: {@code OK}, nothing counted. A descriptor's {@code limit} override is
 *       ignored: the policy decides.
 *   <li>Store down with failurePolicy Closed: {@code UNAVAILABLE} (Envoy's {@code
 *       failure_mode_deny} then decides); with Open: {@code OK} without remaining and reset.
 * </ul>
 */
public final class RateLimitService {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(RateLimitService.class);

  static final ServiceName SERVICE =
      ServiceName.create("envoy.service.ratelimit.v3.RateLimitService");
  public static final ServiceMethod<RateLimitRequest, RateLimitResponse> SHOULD_RATE_LIMIT =
      ServiceMethod.server(
          SERVICE,
          "ShouldRateLimit",
          GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(RateLimitRequest.newBuilder()));

  private final RateLimiter limiter;

  public RateLimitService(RateLimiter limiter) {
    this.limiter = limiter;
  }

  /**
   * Registers {@code ShouldRateLimit} on {@code server}; the handler for the gRPC port's requests
   * ({@link GuardedGrpcRequest}).
   */
  public io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> bind(GrpcServer server) {
    server.callHandler(
        SHOULD_RATE_LIMIT,
        call ->
            call.handler(request -> answer(call, request))
                // a message that does not decode (a compressed one without grpc-encoding, a
                // broken one) gets an answer, not silence
                .invalidMessageHandler(
                    invalid ->
                        reply(
                            call,
                            io.vertx.core.Future.failedFuture(
                                new EnvoyRequests.Refused(
                                    GrpcStatus.INVALID_ARGUMENT,
                                    "the message cannot be read: " + invalid.getMessage()))))
                .exceptionHandler(e -> LOG.debug("ShouldRateLimit call failed: {}", e.toString())));
    return request ->
        server.handle(
            new GuardedGrpcRequest(
                (io.vertx.core.internal.http.HttpServerRequestInternal) request));
  }

  private void answer(
      GrpcServerRequest<RateLimitRequest, RateLimitResponse> call, RateLimitRequest request) {
    decide(request).onComplete(ar -> reply(call, ar));
  }

  private static void reply(
      GrpcServerRequest<RateLimitRequest, RateLimitResponse> call,
      io.vertx.core.AsyncResult<RateLimitResponse> ar) {
    try {
      if (ar.succeeded()) {
        call.response().send(ar.result());
      } else if (ar.cause() instanceof EnvoyRequests.Refused refused) {
        call.response().status(refused.status).statusMessage(refused.getMessage()).end();
      } else {
        call.response()
            .status(GrpcStatus.UNAVAILABLE)
            .statusMessage(String.valueOf(ar.cause().getMessage()))
            .end();
      }
    } catch (RuntimeException e) {
      // Vert.x 5.0.7 throws (a NullPointerException) writing to a stream the caller has reset:
      // the caller is gone, and there is no one left to answer
      LOG.debug("Could not answer a ShouldRateLimit call whose caller went away: {}", e.toString());
    }
  }

  /**
   * The answer, or a failed future: {@link EnvoyRequests.Refused} for a bad request, anything else
   * when the store is down (Closed).
   */
  Future<RateLimitResponse> decide(RateLimitRequest request) {
    Policy policy = limiter.policy();
    List<EnvoyRequests.Check> checks;
    try {
      checks = EnvoyRequests.read(policy, request);
    } catch (EnvoyRequests.Refused refused) {
      return Future.failedFuture(refused);
    }
    List<Future<Decision>> decisions = new ArrayList<>(checks.size());
    for (EnvoyRequests.Check check : checks) {
      decisions.add(
          check.settlement()
              ? limiter
                  .settle(policy, check.client(), check.route(), check.settling(), check.cost())
                  .map((Decision) null)
              : limiter.check(
                  policy,
                  check.client(),
                  check.route(),
                  check.cost(),
                  Source.GRPC,
                  check.estimate()));
    }
    return Future.all(decisions)
        .map(
            all -> {
              List<Decision> list = new ArrayList<>(decisions.size());
              for (Future<Decision> d : decisions) {
                list.add(d.result());
              }
              return EnvoyAnswers.response(list);
            });
  }
}
