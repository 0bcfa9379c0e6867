package dev.ratelimiter.agent.http;

import dev.ratelimiter.agent.limiter.ClientIdentity;
import dev.ratelimiter.agent.limiter.Decision;
import dev.ratelimiter.agent.limiter.RateLimiter;
import dev.ratelimiter.agent.limiter.Route;
import dev.ratelimiter.agent.limiter.Source;
import dev.ratelimiter.policy.Policy;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * {@code /check} and {@code /check/**}, any method: the decision for a gateway's external
 * authorization (ingress-nginx and nginx {@code auth_request}, Traefik ForwardAuth, Envoy {@code
 * ext_authz} over HTTP). The client is resolved as for {@code /api} (the gateway must be in {@code
 * trustedProxies}); the request the decision is about comes from the gateway's headers (see {@link
 * #route}). Allowed: {@code 200}, empty body, the rate-limit headers. Refused: {@code 429} (or the
 * {@code 401}/{@code 403} that {@code X-RateLimit-Deny-Status} asks for) with {@code Retry-After},
 * the headers and a problem+json body. Store down with failurePolicy Closed: {@code 503}. The body
 * of a check request is never read.
 */
public final class CheckHandler implements Handler<HttpServerRequest> {

  static final String PREFIX = "/check";
  static final String DENY_STATUS = "X-RateLimit-Deny-Status";

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
    Policy policy = limiter.policy();
    ClientIdentity client = RequestClientKey.identify(policy, request);
    if (client.rejected()) {
      answer(
          request, () -> Refusals.missingClientHeader(request.response(), client.missingHeader()));
      return;
    }
    limiter
        .check(
            policy,
            client,
            route(request.headers(), request.method().name(), request.path()),
            1,
            Source.CHECK)
        .onComplete(
            ar -> {
              HttpServerResponse response = request.response();
              if (response.closed()) {
                return;
              }
              if (ar.failed()) {
                answer(request, () -> Refusals.storeUnavailable(response, ar.cause()));
                return;
              }
              Decision decision = ar.result();
              if (decision.allowed()) {
                answer(
                    request,
                    () -> {
                      RateLimitHeaders.apply(response.headers(), decision);
                      response.end();
                    });
              } else {
                answer(
                    request,
                    () ->
                        Refusals.tooManyRequests(
                            response, decision, denyStatus(request.headers())));
              }
            });
  }

  /**
   * The request the gateway asks about: Traefik's {@code X-Forwarded-Method}/{@code -Uri}, else
   * nginx's {@code X-Original-Method}/{@code -URI} (ingress-nginx: {@code X-Original-URL}), else
   * this request's method and its path after {@code /check} (Envoy ext_authz with a path prefix).
   * The query is dropped. Only per-route limits will read it: whoever calls {@code /check} directly
   * names its own route and is still counted under its own key.
   */
  static Route route(MultiMap headers, String checkMethod, String checkPath) {
    String uri = headers.get("X-Forwarded-Uri");
    String method = headers.get("X-Forwarded-Method");
    if (uri == null && method == null) {
      uri = headers.get("X-Original-URI");
      method = headers.get("X-Original-Method");
      if (uri == null) {
        uri = pathOfUrl(headers.get("X-Original-URL")); // ingress-nginx sends the full URL
      }
    }
    if (uri == null) {
      uri = checkPath.substring(PREFIX.length());
    }
    if (method == null) {
      method = checkMethod;
    }
    return Route.of(method, uri);
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

  /**
   * Answers without reading a body: when one is announced and has not ended, the answer says {@code
   * Connection: close} and the connection is closed once the answer is written (gateways send none:
   * nginx with {@code proxy_pass_request_body off}, Traefik and Envoy by default).
   */
  private static void answer(HttpServerRequest request, Runnable send) {
    String length = request.getHeader("Content-Length");
    boolean body =
        (length != null && !length.equals("0")) || request.headers().contains("Transfer-Encoding");
    if (body && !request.isEnded()) {
      request
          .response()
          .putHeader("Connection", "close")
          .bodyEndHandler(v -> request.connection().close());
      send.run();
    } else {
      send.run();
      request.resume();
    }
  }
}
