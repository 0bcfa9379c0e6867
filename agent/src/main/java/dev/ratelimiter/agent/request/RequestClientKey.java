package dev.ratelimiter.agent.request;

import dev.ratelimiter.agent.clientkey.ClientKeyResolver;
import dev.ratelimiter.agent.clientkey.HeaderClientKey;
import dev.ratelimiter.agent.clientkey.JwtClientKey;
import dev.ratelimiter.agent.limiter.ClientIdentity;
import dev.ratelimiter.policy.ClientKeyPolicy;
import dev.ratelimiter.policy.ForwardedHeader;
import dev.ratelimiter.policy.IpAddress;
import dev.ratelimiter.policy.MissingHeader;
import dev.ratelimiter.policy.PlanPolicy;
import dev.ratelimiter.policy.Policy;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;

/**
 * The client a public-port request is counted against, under one policy (read once per request):
 * only the policy's one forwarding header is believed, and only from trusted proxies. With {@code
 * clientKey.source: Header} the key is a hash of that header's value; with {@code Jwt} a hash of
 * the verified token's claim ({@link JwtClientKey}), and a token that fails a check is refused
 * (401), never counted. A request without the header or token is counted by its address ({@code
 * missing: RemoteAddress}) or refused ({@code missing: Reject}); one with the header twice, or with
 * a comma in it, is refused ({@link HeaderClientKey#ambiguous}). The plan comes from the verified
 * token's claim, or from a header believed only from a trusted proxy; anything else is the default
 * plan. Exemptions are decided on the resolved client address and on the plan, whatever the key.
 */
public final class RequestClientKey {

  private RequestClientKey() {}

  public static String of(Policy policy, HttpServerRequest request) {
    return ClientKeyResolver.resolve(
        policy.clientKey(),
        request.remoteAddress().hostAddress(),
        headerValues(request, forwardedName(policy.clientKey().forwardedHeader())));
  }

  public static ClientIdentity identify(Policy policy, HttpServerRequest request) {
    ClientKeyPolicy keys = policy.clientKey();
    String peer = request.remoteAddress().hostAddress();
    List<String> forwarded = headerValues(request, forwardedName(keys.forwardedHeader()));
    IpAddress address = ClientKeyResolver.resolveAddress(keys, peer, forwarded);
    boolean exempt = address != null && !policy.exempt().isEmpty() && policy.exempts(address);
    String plan = headerPlan(policy, request, peer);
    String key = null;
    String idHeader = keys.byHeader() ? keys.header() : keys.byJwt() ? keys.jwt().header() : null;
    if (idHeader != null) {
      List<String> values = headerValues(request, idHeader);
      if (HeaderClientKey.ambiguous(values)) {
        return ClientIdentity.ambiguous(idHeader);
      }
      if (keys.byHeader()) {
        key = HeaderClientKey.of(values);
      } else {
        JwtClientKey.Outcome token =
            JwtClientKey.of(policy).resolve(values, System.currentTimeMillis());
        if (token != null && token.invalid() != null) {
          return ClientIdentity.invalidToken(
              idHeader, token.invalid().reason(), token.invalid().getMessage());
        }
        if (token != null) {
          key = token.key();
          if (policy.plan() != null && policy.plan().claim() != null) {
            plan = policy.plan().planOf(token.plan());
          }
        }
      }
      if (key == null && keys.missing() == MissingHeader.Reject && !exempt) {
        return ClientIdentity.missing(idHeader);
      }
    }
    exempt = exempt || policy.exemptsPlan(plan);
    if (key == null) {
      key =
          address == null
              ? (peer == null ? "unknown" : peer)
              : ClientKeyResolver.canonical(address, keys.ipv6PrefixLength());
    }
    return new ClientIdentity(key, exempt, plan);
  }

  /**
   * The plan named by {@code plan.from.header}, believed only from a trusted proxy and only when
   * given once; the default plan otherwise (and for a claim plan, until the token is read); null
   * without plans.
   */
  private static String headerPlan(Policy policy, HttpServerRequest request, String peer) {
    PlanPolicy plans = policy.plan();
    if (plans == null) {
      return null;
    }
    if (plans.header() == null || !ClientKeyResolver.fromTrustedProxy(policy.clientKey(), peer)) {
      return plans.defaultPlan();
    }
    List<String> values = headerValues(request, plans.header());
    return plans.planOf(values.size() == 1 ? values.get(0).strip() : null);
  }

  private static final CharSequence X_FORWARDED_FOR =
      HttpHeaders.createOptimized(ForwardedHeader.XForwardedFor.headerName());
  private static final CharSequence FORWARDED =
      HttpHeaders.createOptimized(ForwardedHeader.Forwarded.headerName());

  /** The header's name with its case-insensitive hash computed once, not per request. */
  private static CharSequence forwardedName(ForwardedHeader header) {
    return switch (header) {
      case XForwardedFor -> X_FORWARDED_FOR;
      case Forwarded -> FORWARDED;
    };
  }

  private static List<String> headerValues(HttpServerRequest request, CharSequence name) {
    // one look-up: an absent header gives an empty list
    return request.headers().getAll(name);
  }
}
