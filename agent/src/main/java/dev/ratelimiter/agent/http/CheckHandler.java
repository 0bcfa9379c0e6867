package dev.ratelimiter.agent.http;

import dev.ratelimiter.agent.answer.RateLimitHeaders;
import dev.ratelimiter.agent.clientkey.ClientKeyResolver;
import dev.ratelimiter.agent.limiter.RateLimiter;
import dev.ratelimiter.agent.limiter.Route;
import dev.ratelimiter.agent.limiter.Source;
import dev.ratelimiter.agent.limiter.TokenEstimate;
import dev.ratelimiter.agent.request.RequestDecision;
import dev.ratelimiter.agent.request.UnreadBody;
import dev.ratelimiter.policy.Limit;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * {@code /check} and {@code /check/**}, any method: the decision for a gateway's external
 * authorization (ingress-nginx and nginx {@code auth_request}, Traefik ForwardAuth, Envoy {@code
 * ext_authz} over HTTP). The client is resolved as for {@code /api} (the gateway must be in {@code
 * trustedProxies}); the request the decision is about comes from the gateway's headers, believed
 * only from a trusted proxy (see {@link #route}). Allowed: {@code 200}, empty body, the rate-limit
 * headers. Refused: {@code 429} (or the {@code 401}/{@code 403} that {@code
 * X-RateLimit-Deny-Status} asks for) with {@code Retry-After}, the headers and a problem+json body.
 * Store down with failurePolicy Closed: {@code 503}. The body of a check request is never read. A
 * trusted gateway may say what the request costs against token budgets ({@link #statedCost}).
 */
public final class CheckHandler implements Handler<HttpServerRequest> {

  static final String PREFIX = "/check";
  static final String DENY_STATUS = "X-RateLimit-Deny-Status";
  static final String COST = "X-RateLimit-Cost";

  private final RateLimiter limiter;

  public CheckHandler(RateLimiter limiter) {
    this.limiter = limiter;
  }

  static boolean isCheckPath(String path) {
    return path.startsWith(PREFIX)
        && (path.length() == PREFIX.length() || path.charAt(PREFIX.length()) == '/');
  }

  @Override
  public void handle(HttpServerRequest request) {
    request.pause(); // a body, if any, is never read
    RequestDecision.decide(
        limiter,
        request,
        true,
        Source.CHECK,
        policy ->
            route(
                request.headers(),
                request.method().name(),
                request.path(),
                ClientKeyResolver.fromTrustedProxy(
                    policy.clientKey(), request.remoteAddress().hostAddress())),
        denyStatus(request.headers()),
        policy ->
            ClientKeyResolver.fromTrustedProxy(
                    policy.clientKey(), request.remoteAddress().hostAddress())
                ? statedCost(request.headers())
                : null,
        (client, decision) ->
            UnreadBody.answer(
                request,
                true,
                () -> {
                  RateLimitHeaders.apply(request.response().headers(), decision);
                  request.response().end();
                }));
  }

  /**
   * The request the gateway asks about. Route headers are believed only from a trusted proxy
   * ({@code clientKey.trustedProxies}: whoever else calls {@code /check} names its own route, and
   * is counted under its own key), and of one family only: nginx's {@code X-Original-URI} and
   * {@code X-Original-Method} (ingress-nginx: {@code X-Original-URL}), or Traefik's {@code
   * X-Forwarded-Uri} and {@code X-Forwarded-Method}. A gateway sets its own family and passes the
   * client's headers on, so the other family, or one of its headers twice, was written by the
   * client: refused (400) rather than guessed. Otherwise the request's method and its path after
   * {@code /check} (Envoy ext_authz with a path prefix). The query is dropped and the path made
   * canonical ({@link dev.ratelimiter.policy.CanonicalPath}).
   *
   * @param trusted the peer is a trusted proxy
   * @throws IllegalArgumentException with the reason, for a 400
   */
  static Route route(MultiMap headers, String checkMethod, String checkPath, boolean trusted) {
    String uri = null;
    String method = null;
    if (trusted) {
      boolean nginx = present(headers, NGINX);
      boolean traefik = present(headers, TRAEFIK);
      if (nginx && traefik) {
        throw new IllegalArgumentException(
            "Both X-Original-* and X-Forwarded-Uri/-Method route headers came: a gateway sets one"
                + " family, so the other is the client's. Clear it in the gateway (see the"
                + " gateway recipes in docs/gateways.md).");
      }
      if (nginx) {
        uri = single(headers, "X-Original-URI");
        if (uri == null) {
          uri = pathOfUrl(single(headers, "X-Original-URL")); // ingress-nginx sends the full URL
        }
        method = single(headers, "X-Original-Method");
      } else if (traefik) {
        uri = single(headers, "X-Forwarded-Uri");
        method = single(headers, "X-Forwarded-Method");
      }
    }
    if (uri == null) {
      uri = checkPath.substring(PREFIX.length());
    }
    if (method == null) {
      method = checkMethod;
    }
    try {
      return Route.of(method, uri);
    } catch (dev.ratelimiter.policy.CanonicalPath.Invalid e) {
      throw new IllegalArgumentException(
          "The route's path cannot be used: " + e.getMessage() + ".");
    }
  }

  private static final List<String> NGINX =
      List.of("X-Original-URI", "X-Original-URL", "X-Original-Method");
  private static final List<String> TRAEFIK = List.of("X-Forwarded-Uri", "X-Forwarded-Method");

  private static boolean present(MultiMap headers, List<String> names) {
    for (String name : names) {
      if (headers.contains(name)) {
        return true;
      }
    }
    return false;
  }

  /** The one value of a route header; null when absent. */
  private static String single(MultiMap headers, String name) {
    List<String> values = headers.getAll(name);
    if (values.size() > 1) {
      throw new IllegalArgumentException("The route header " + name + " came more than once.");
    }
    return values.isEmpty() ? null : values.get(0);
  }

  /**
   * The path and query of an absolute URL such as {@code https://shop.example/cart?x=1}; null when
   * none.
   */
  private static String pathOfUrl(String url) {
    if (url == null) {
      return null;
    }
    int scheme = url.indexOf("://");
    if (scheme < 0) {
      return url.startsWith("/") ? url : null;
    }
    int slash = url.indexOf('/', scheme + 3);
    return slash < 0 ? "/" : url.substring(slash);
  }

  /**
   * What a trusted gateway says the request costs against the policy's token budgets ({@code
   * X-RateLimit-Cost}, reserved like a proxied request's stated ceiling); null when it says
   * nothing. Limits without a cost still count the request once.
   *
   * @throws IllegalArgumentException when the header is not one whole number in range, for a 400
   */
  static ToLongFunction<Limit> statedCost(MultiMap headers) {
    String value = single(headers, COST);
    if (value == null) {
      return null;
    }
    String digits = value.trim();
    if (digits.isEmpty()
        || digits.length() > 10
        || !digits.chars().allMatch(c -> c >= '0' && c <= '9')
        || Long.parseLong(digits) < 1
        || Long.parseLong(digits) > Limit.MAX_REQUESTS) {
      throw new IllegalArgumentException(
          COST
              + " must be a whole number of tokens from 1 to "
              + Limit.MAX_REQUESTS
              + ", not '"
              + (value.length() > 32 ? value.substring(0, 32) + "…" : value)
              + "'.");
    }
    return TokenEstimate.stated(Long.parseLong(digits));
  }

  /**
   * 401 or 403 when the gateway asks for it ({@code X-RateLimit-Deny-Status}); anything else: 429.
   */
  static int denyStatus(MultiMap headers) {
    String asked = headers.get(DENY_STATUS);
    if (asked != null) {
      asked = asked.trim();
      if (asked.equals("401") || asked.equals("403")) {
        return Integer.parseInt(asked);
      }
    }
    return 429;
  }
}
