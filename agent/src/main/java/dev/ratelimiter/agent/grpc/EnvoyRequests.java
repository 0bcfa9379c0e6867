package dev.ratelimiter.agent.grpc;

import dev.ratelimiter.agent.clientkey.ClientKeyResolver;
import dev.ratelimiter.agent.clientkey.HeaderClientKey;
import dev.ratelimiter.agent.clientkey.JwtClientKey;
import dev.ratelimiter.agent.limiter.ClientIdentity;
import dev.ratelimiter.agent.limiter.Route;
import dev.ratelimiter.policy.IpAddress;
import dev.ratelimiter.policy.MissingHeader;
import dev.ratelimiter.policy.Policy;
import dev.ratelimiter.policy.RequestHeaders;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.vertx.grpc.common.GrpcStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An Envoy {@code RateLimitRequest} read as the checks the limiter decides, one per descriptor:
 * who, which route, what cost; or {@link Refused}, naming the entry, before anything is counted.
 * The other half of {@link EnvoyAnswers}.
 */
final class EnvoyRequests {

  static final String REMOTE_ADDRESS = "remote_address";
  static final String METHOD = "method";
  static final String PATH = "path";

  /** The client's plan, as the gateway read it (a plan the policy does not name is the default). */
  static final String PLAN = "plan";

  /**
   * Marks a settlement, sent after the request (Envoy's {@code apply_on_stream_done}): its value is
   * what the request was checked with earlier, its {@code hits_addend} what it spent.
   */
  static final String SETTLE = "settle";

  private EnvoyRequests() {}

  /**
   * What one descriptor asks the limiter: count {@code cost} against {@code client}; or, when
   * {@code settling} is not -1, settle what was reserved ({@code settling}) to {@code cost}.
   *
   * @param estimate what the request reserves of token budgets: null when it stated no cost (each
   *     budget then reserves its {@code reserve})
   */
  record Check(
      ClientIdentity client,
      Route route,
      long cost,
      java.util.function.ToLongFunction<dev.ratelimiter.policy.Limit> estimate,
      long settling) {

    boolean settlement() {
      return settling >= 0;
    }
  }

  /**
   * The checks of {@code request} under {@code policy}, in the descriptors' order. Every descriptor
   * is read before any is counted: a bad one refuses the request with nothing consumed.
   *
   * @throws Refused when the request cannot be decided
   */
  static List<Check> read(Policy policy, RateLimitRequest request) {
    if (!policy.id().equals(request.getDomain())) {
      throw new Refused(
          GrpcStatus.INVALID_ARGUMENT,
          "unknown domain '"
              + request.getDomain()
              + "': this rate limit service serves domain '"
              + policy.id()
              + "' (the policy's <namespace>/<name>)");
    }
    if (request.getDescriptorsCount() > MAX_DESCRIPTORS) {
      throw new Refused(
          GrpcStatus.INVALID_ARGUMENT,
          request.getDescriptorsCount()
              + " descriptors in one call; at most "
              + MAX_DESCRIPTORS
              + " are decided");
    }
    List<Check> checks = new ArrayList<>(request.getDescriptorsCount());
    for (int i = 0; i < request.getDescriptorsCount(); i++) {
      RateLimitDescriptor descriptor = request.getDescriptors(i);
      checkEntries(policy, descriptor, i);
      ClientIdentity client = client(policy, descriptor, i);
      Route route = route(descriptor, i).withClient(client.plan(), RequestHeaders.NONE);
      long cost = cost(request, descriptor);
      long settling = settling(descriptor, i);
      if (policy.hasTokenBudgets() && settling < 0) {
        // hits_addend is tokens, for the budgets; request limits count the request once
        boolean stated = descriptor.hasHitsAddend() || request.getHitsAddend() != 0;
        checks.add(
            new Check(
                client,
                route,
                1,
                stated ? dev.ratelimiter.agent.limiter.TokenEstimate.stated(cost) : null,
                -1));
      } else {
        checks.add(new Check(client, route, cost, null, settling));
      }
    }
    return checks;
  }

  /**
   * The descriptor entry that names the client: {@code remote_address} when the policy counts
   * clients by address; with {@code clientKey.source: Header} the header's name, lower-case, the
   * way Envoy's {@code request_headers} action is usually keyed ({@code descriptor_key:
   * x-api-key}); with {@code source: Jwt} the claim's name ({@code sub}), which Envoy's {@code
   * jwt_authn} filter verified and passed on.
   */
  static String clientEntryKey(Policy policy) {
    if (policy.clientKey().byJwt()) {
      return policy.clientKey().jwt().claim();
    }
    return policy.clientKey().byHeader()
        ? policy.clientKey().header().toLowerCase(Locale.ROOT)
        : REMOTE_ADDRESS;
  }

  /**
   * Who descriptor {@code i} is counted against: the hash of its header or claim entry (header and
   * JWT policies), else its {@code remote_address} entry; on the plan its {@code plan} entry names
   * (the gateway's word, like the other entries); exempt when that address or plan is.
   *
   * @throws Refused when the descriptor cannot be decided
   */
  private static ClientIdentity client(Policy policy, RateLimitDescriptor descriptor, int i) {
    String addressValue = entry(descriptor, REMOTE_ADDRESS);
    IpAddress address = addressValue == null ? null : IpAddress.parse(addressValue.trim());
    String plan = policy.plan() == null ? null : policy.plan().planOf(entry(descriptor, PLAN));
    boolean exempt = address != null && policy.exempts(address) || policy.exemptsPlan(plan);
    if (policy.clientKey().byHeader() || policy.clientKey().byJwt()) {
      String value = entry(descriptor, clientEntryKey(policy));
      if (value != null && value.indexOf(',') >= 0) {
        return refuse(
            "descriptor "
                + i
                + ": entry '"
                + clientEntryKey(policy)
                + "' has a comma in its value");
      }
      String key =
          policy.clientKey().byJwt()
              ? JwtClientKey.keyOf(value)
              : HeaderClientKey.of(optional(value));
      if (key != null || exempt) {
        return new ClientIdentity(key, exempt, plan);
      }
      if (policy.clientKey().missing() == MissingHeader.Reject) {
        return refuse(
            "descriptor "
                + i
                + " has no '"
                + clientEntryKey(policy)
                + "' entry: the policy counts clients by "
                + (policy.clientKey().byJwt()
                    ? "token claim " + policy.clientKey().jwt().claim()
                    : "header " + policy.clientKey().header())
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
        ClientKeyResolver.canonical(address, policy.clientKey().ipv6PrefixLength()), exempt, plan);
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
    for (String key : List.of(REMOTE_ADDRESS, clientEntryKey(policy), METHOD, PATH, PLAN, SETTLE)) {
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

  /**
   * The tokens a settlement says were reserved (its {@code settle} entry, a whole number from 1),
   * or -1 when the descriptor is a check.
   */
  private static long settling(RateLimitDescriptor descriptor, int i) {
    String value = entry(descriptor, SETTLE);
    if (value == null) {
      return -1;
    }
    String digits = value.trim();
    if (digits.isEmpty()
        || digits.length() > 10
        || !digits.chars().allMatch(c -> c >= '0' && c <= '9')
        || Long.parseLong(digits) < 1) {
      refuse(
          "descriptor "
              + i
              + ": entry '"
              + SETTLE
              + "' must be the tokens reserved, a whole number from 1 (the request's earlier"
              + " hits_addend, or the limit's cost.reserve)");
    }
    return Long.parseLong(digits);
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
