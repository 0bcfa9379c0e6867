package dev.ratelimiter.agent.grpc;

import dev.ratelimiter.agent.clientkey.ClientKeyResolver;
import dev.ratelimiter.agent.clientkey.HeaderClientKey;
import dev.ratelimiter.agent.limiter.ClientIdentity;
import dev.ratelimiter.agent.limiter.Decision;
import dev.ratelimiter.agent.limiter.RateLimiter;
import dev.ratelimiter.agent.limiter.Route;
import dev.ratelimiter.agent.limiter.Source;
import dev.ratelimiter.policy.IpAddress;
import dev.ratelimiter.policy.MissingHeader;
import dev.ratelimiter.policy.Policy;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
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
import java.util.Locale;

/**
 * Envoy's rate limit service v3, {@code
 * envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit}, on the same limiter and counters as
 * {@code /api}.
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

  static final String REMOTE_ADDRESS = "remote_address";
  static final String METHOD = "method";
  static final String PATH = "path";

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
                                new Refused(
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
      } else if (ar.cause() instanceof Refused refused) {
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
   * The answer, or a failed future: {@link Refused} for a bad request, anything else when the store
   * is down (Closed).
   */
  Future<RateLimitResponse> decide(RateLimitRequest request) {
    Policy policy = limiter.policy();
    if (!policy.id().equals(request.getDomain())) {
      return Future.failedFuture(
          new Refused(
              GrpcStatus.INVALID_ARGUMENT,
              "unknown domain '"
                  + request.getDomain()
                  + "': this rate limit service serves domain '"
                  + policy.id()
                  + "' (the policy's <namespace>/<name>)"));
    }
    if (request.getDescriptorsCount() > MAX_DESCRIPTORS) {
      return Future.failedFuture(
          new Refused(
              GrpcStatus.INVALID_ARGUMENT,
              request.getDescriptorsCount()
                  + " descriptors in one call; at most "
                  + MAX_DESCRIPTORS
                  + " are decided"));
    }
    // Every descriptor is read before any is counted: a bad one refuses the request with nothing
    // consumed.
    List<ClientIdentity> clients = new ArrayList<>(request.getDescriptorsCount());
    List<Route> routes = new ArrayList<>(request.getDescriptorsCount());
    try {
      for (int i = 0; i < request.getDescriptorsCount(); i++) {
        RateLimitDescriptor descriptor = request.getDescriptors(i);
        checkEntries(policy, descriptor, i);
        clients.add(client(policy, descriptor, i));
        routes.add(route(descriptor, i));
      }
    } catch (Refused refused) {
      return Future.failedFuture(refused);
    }
    List<Future<Decision>> decisions = new ArrayList<>(clients.size());
    for (int i = 0; i < clients.size(); i++) {
      RateLimitDescriptor descriptor = request.getDescriptors(i);
      decisions.add(
          limiter.check(
              policy, clients.get(i), routes.get(i), cost(request, descriptor), Source.GRPC));
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

  /**
   * The descriptor entry that names the client: {@code remote_address} when the policy counts
   * clients by address; with {@code clientKey.source: Header} the header's name, lower-case, the
   * way Envoy's {@code request_headers} action is usually keyed ({@code descriptor_key:
   * x-api-key}).
   */
  static String clientEntryKey(Policy policy) {
    return policy.clientKey().byHeader()
        ? policy.clientKey().header().toLowerCase(Locale.ROOT)
        : REMOTE_ADDRESS;
  }

  /**
   * Who descriptor {@code i} is counted against: the hash of its header entry (header policies),
   * else its {@code remote_address} entry; exempt when that address is.
   *
   * @throws Refused when the descriptor cannot be decided
   */
  private static ClientIdentity client(Policy policy, RateLimitDescriptor descriptor, int i) {
    String addressValue = entry(descriptor, REMOTE_ADDRESS);
    IpAddress address = addressValue == null ? null : IpAddress.parse(addressValue.trim());
    boolean exempt = address != null && policy.exempts(address);
    if (policy.clientKey().byHeader()) {
      String value = entry(descriptor, clientEntryKey(policy));
      if (value != null && value.indexOf(',') >= 0) {
        return refuse(
            "descriptor "
                + i
                + ": entry '"
                + clientEntryKey(policy)
                + "' has a comma in its value");
      }
      String key = HeaderClientKey.of(optional(value));
      if (key != null || exempt) {
        return new ClientIdentity(key, exempt);
      }
      if (policy.clientKey().missing() == MissingHeader.Reject) {
        return refuse(
            "descriptor "
                + i
                + " has no '"
                + clientEntryKey(policy)
                + "' entry: the policy counts clients by header "
                + policy.clientKey().header()
                + " and refuses requests without it (clientKey.missing: Reject)");
      }
    }
    if (addressValue == null) {
      return refuse(
          "descriptor "
              + i
              + " has no '"
              + REMOTE_ADDRESS
              + "' entry: it names the client to count (Envoy's remote_address action)");
    }
    if (address == null) {
      return refuse(
          "descriptor "
              + i
              + ": entry '"
              + REMOTE_ADDRESS
              + "' is not an IP address: '"
              + addressValue
              + "'");
    }
    return new ClientIdentity(
        ClientKeyResolver.canonical(address, policy.clientKey().ipv6PrefixLength()), exempt);
  }

  /**
   * Descriptors per call and entries per descriptor: Envoy sends a handful; thousands would keep an
   * event loop busy for everyone else.
   */
  static final int MAX_DESCRIPTORS = 64;

  static final int MAX_ENTRIES = 32;

  /**
   * A descriptor within bounds, naming the client and the route at most once each: a second entry
   * of the same key could be read either way.
   */
  private static void checkEntries(Policy policy, RateLimitDescriptor descriptor, int i) {
    if (descriptor.getEntriesCount() > MAX_ENTRIES) {
      refuse(
          "descriptor "
              + i
              + " has "
              + descriptor.getEntriesCount()
              + " entries; at most "
              + MAX_ENTRIES);
    }
    for (String key : List.of(REMOTE_ADDRESS, clientEntryKey(policy), METHOD, PATH)) {
      int seen = 0;
      for (RateLimitDescriptor.Entry entry : descriptor.getEntriesList()) {
        if (entry.getKey().equals(key)) {
          seen++;
        }
      }
      if (seen > 1) {
        refuse("descriptor " + i + " has the entry '" + key + "' " + seen + " times");
      }
    }
  }

  /** The route of descriptor {@code i}, its path canonical as on the HTTP ports. */
  private static Route route(RateLimitDescriptor descriptor, int i) {
    try {
      return Route.of(entry(descriptor, METHOD), entry(descriptor, PATH));
    } catch (dev.ratelimiter.policy.CanonicalPath.Invalid e) {
      throw new Refused(
          GrpcStatus.INVALID_ARGUMENT,
          "descriptor " + i + ": entry '" + PATH + "' cannot be used: " + e.getMessage());
    }
  }

  private static ClientIdentity refuse(String why) {
    throw new Refused(GrpcStatus.INVALID_ARGUMENT, why);
  }

  private static List<String> optional(String value) {
    return value == null ? List.of() : List.of(value);
  }

  /**
   * More than any limit's quota: a cost this high is always refused, and no larger number need
   * reach the store.
   */
  static final long MAX_COST = 1_000_000_001L;

  /**
   * Units this descriptor costs: its own {@code hits_addend}, else the request's, else 1; 0 counts
   * as 1, and anything above every possible quota as {@link #MAX_COST}.
   */
  static long cost(RateLimitRequest request, RateLimitDescriptor descriptor) {
    long hits =
        descriptor.hasHitsAddend()
            ? descriptor.getHitsAddend().getValue()
            : Integer.toUnsignedLong(request.getHitsAddend());
    return hits < 0 || hits > MAX_COST ? MAX_COST : Math.max(1, hits);
  }

  private static String entry(RateLimitDescriptor descriptor, String key) {
    for (RateLimitDescriptor.Entry entry : descriptor.getEntriesList()) {
      if (entry.getKey().equals(key)) {
        return entry.getValue();
      }
    }
    return null;
  }

  /** A request this service will not decide, with the gRPC status that says why. */
  static final class Refused extends RuntimeException {
    final GrpcStatus status;

    Refused(GrpcStatus status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }
}
