package dev.ratelimiter.agent.grpc;

import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.util.concurrent.TimeUnit;

/**
 * A real gRPC client of Envoy's rate limit service v3 for tests (Vert.x's gRPC client over HTTP/2
 * cleartext, as Envoy calls it), built from Envoy's published messages, not from the agent's code.
 */
public final class RlsClient implements AutoCloseable {

  public static final ServiceMethod<RateLimitResponse, RateLimitRequest> SHOULD_RATE_LIMIT =
      ServiceMethod.client(
          io.vertx.grpc.common.ServiceName.create("envoy.service.ratelimit.v3.RateLimitService"),
          "ShouldRateLimit",
          GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(RateLimitResponse.newBuilder()));

  /** What the service answered: a response, or a non-OK gRPC status and its message. */
  public record Answer(GrpcStatus status, String message, RateLimitResponse response) {}

  private final Vertx vertx = Vertx.vertx();
  private final GrpcClient client = GrpcClient.client(vertx);

  public Future<Answer> call(int port, RateLimitRequest request) {
    return client
        .request(SocketAddress.inetSocketAddress(port, "127.0.0.1"), SHOULD_RATE_LIMIT)
        .compose(req -> req.send(request))
        .compose(
            resp ->
                resp.last()
                    .transform(
                        ar ->
                            Future.succeededFuture(
                                new Answer(
                                    resp.status(),
                                    resp.statusMessage(),
                                    ar.succeeded() ? ar.result() : null))));
  }

  public Answer callAndWait(int port, RateLimitRequest request) {
    try {
      return call(port, request)
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("ShouldRateLimit failed: " + e, e);
    }
  }

  /**
   * A descriptor of {@code key=value} pairs, e.g. {@code "remote_address", "10.0.0.1", "path",
   * "/x"}.
   */
  public static RateLimitDescriptor descriptor(String... pairs) {
    RateLimitDescriptor.Builder d = RateLimitDescriptor.newBuilder();
    for (int i = 0; i < pairs.length; i += 2) {
      d.addEntries(RateLimitDescriptor.Entry.newBuilder().setKey(pairs[i]).setValue(pairs[i + 1]));
    }
    return d.build();
  }

  public static RateLimitRequest request(
      String domain, int hitsAddend, RateLimitDescriptor... descriptors) {
    RateLimitRequest.Builder r =
        RateLimitRequest.newBuilder().setDomain(domain).setHitsAddend(hitsAddend);
    for (RateLimitDescriptor d : descriptors) {
      r.addDescriptors(d);
    }
    return r.build();
  }

  @Override
  public void close() {
    vertx.close();
  }
}
