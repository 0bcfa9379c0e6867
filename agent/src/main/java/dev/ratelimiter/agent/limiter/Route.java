package dev.ratelimiter.agent.limiter;

import dev.ratelimiter.policy.CanonicalPath;
import dev.ratelimiter.policy.RequestHeaders;

/**
 * The request a decision is about, as far as per-route limits need it: its method and path (no
 * query). For {@code /api} it is the request itself; for {@code /check} the request the gateway
 * asks about; over gRPC the descriptor's {@code method} and {@code path} entries.
 *
 * <p>Limits that match plans or headers also read the client's plan and the request's headers.
 *
 * @param method upper-case HTTP method, or null when the caller did not say
 * @param path the path without query string, or null when the caller did not say
 * @param plan the client's plan, or null when the policy has no plans
 * @param headers the request's headers ({@link RequestHeaders#NONE} when unknown)
 */
public record Route(String method, String path, String plan, RequestHeaders headers) {

  /** Neither method nor path known (e.g. a gRPC descriptor with neither entry). */
  public static final Route UNKNOWN = new Route(null, null);

  public Route(String method, String path) {
    this(method, path, null, RequestHeaders.NONE);
  }

  /** The same route for a client on {@code plan}, with the request's headers. */
  public Route withClient(String clientPlan, RequestHeaders requestHeaders) {
    return new Route(method, path, clientPlan, requestHeaders);
  }

  /**
   * @param uri a request target such as {@code /shop/cart?x=1}; the query is dropped and the path
   *     made canonical ({@link CanonicalPath}), so that every way in matches the same path
   * @throws CanonicalPath.Invalid when the path has no canonical form
   */
  public static Route of(String method, String uri) {
    String path = uri;
    if (path != null) {
      int query = path.indexOf('?');
      if (query >= 0) {
        path = path.substring(0, query);
      }
      path = CanonicalPath.of(path.isEmpty() ? "/" : path);
    }
    return new Route(
        method == null || method.isEmpty() ? null : method.toUpperCase(java.util.Locale.ROOT),
        path);
  }
}
