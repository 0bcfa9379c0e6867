package dev.ratelimiter.agent.request;

import dev.ratelimiter.agent.clientkey.ClientKeyResolver;
import dev.ratelimiter.agent.clientkey.HeaderClientKey;
import dev.ratelimiter.agent.limiter.ClientIdentity;
import dev.ratelimiter.policy.ClientKeyPolicy;
import dev.ratelimiter.policy.IpAddress;
import dev.ratelimiter.policy.MissingHeader;
import dev.ratelimiter.policy.Policy;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;

/**
 * The client a public-port request is counted against, under one policy (read once per request):
 * only the policy's one forwarding header is believed, and only from trusted proxies. With {@code
 * clientKey.source: Header} the key is a hash of that header's value; a request without it is
 * counted by its address ({@code missing: RemoteAddress}) or refused ({@code missing: Reject}); one
 * with the header twice, or with a comma in it, is refused ({@link HeaderClientKey#ambiguous}).
 * Exemptions are decided on the resolved client address, whatever the key.
 */
public final class RequestClientKey {

  private RequestClientKey() {}

  public static String of(Policy policy, HttpServerRequest request) {
    return ClientKeyResolver.resolve(
        policy.clientKey(),
        request.remoteAddress().hostAddress(),
        headerValues(request, policy.clientKey().forwardedHeader().headerName()));
  }

  public static ClientIdentity identify(Policy policy, HttpServerRequest request) {
    ClientKeyPolicy keys = policy.clientKey();
    String peer = request.remoteAddress().hostAddress();
    List<String> forwarded = headerValues(request, keys.forwardedHeader().headerName());
    IpAddress address = ClientKeyResolver.resolveAddress(keys, peer, forwarded);
    boolean exempt = address != null && !policy.exempt().isEmpty() && policy.exempts(address);
    if (keys.byHeader()) {
      List<String> values = headerValues(request, keys.header());
      if (HeaderClientKey.ambiguous(values)) {
        return ClientIdentity.ambiguous(keys.header());
      }
      String key = HeaderClientKey.of(values);
      if (key != null) {
        return new ClientIdentity(key, exempt);
      }
      if (keys.missing() == MissingHeader.Reject && !exempt) {
        return ClientIdentity.missing(keys.header());
      }
    }
    String byAddress =
        address == null
            ? (peer == null ? "unknown" : peer)
            : ClientKeyResolver.canonical(address, keys.ipv6PrefixLength());
    return new ClientIdentity(byAddress, exempt);
  }

  private static List<String> headerValues(HttpServerRequest request, String name) {
    return request.headers().contains(name) ? request.headers().getAll(name) : List.of();
  }
}
