package dev.ratelimiter.agent.answer;

import dev.ratelimiter.agent.limiter.Decision;
import dev.ratelimiter.policy.Limit;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * The answers for a request the limiter does not let through: 429 (over a limit) or 503 (store
 * down, failurePolicy Closed).
 */
public final class Refusals {

  private Refusals() {}

  /** 429 with Retry-After, the rate-limit headers and a problem+json body naming the limit. */
  public static void tooManyRequests(HttpServerResponse response, Decision decision) {
    tooManyRequests(response, decision, 429);
  }

  /**
   * As {@link #tooManyRequests(HttpServerResponse, Decision)} with another status: a gateway that
   * cannot pass a 429 on (nginx {@code auth_request}) asks for 401 or 403 instead.
   */
  public static void tooManyRequests(HttpServerResponse response, Decision decision, int status) {
    RateLimitHeaders.apply(response.headers(), decision);
    long retryAfter = Math.max(1, RateLimitHeaders.seconds(decision.retryAfterMillis()));
    RefusalBody body = RefusalBody.of(decision.strictestLimit(), status, retryAfter);
    response
        .setStatusCode(status)
        .putHeader(RETRY_AFTER, body.retryAfter)
        .putHeader(CONTENT_TYPE, PROBLEM_JSON)
        .end(body.bytes);
  }

  private static final CharSequence RETRY_AFTER = HttpHeaders.createOptimized("Retry-After");
  private static final CharSequence CONTENT_TYPE = HttpHeaders.CONTENT_TYPE;
  private static final CharSequence PROBLEM_JSON =
      HttpHeaders.createOptimized(Problems.CONTENT_TYPE);

  /**
   * The problem+json body of a 429 and its {@code Retry-After} value, encoded once for as long as
   * refusals of one limit keep the same retry time: an abusive client's refusals, the most frequent
   * answer under attack, then cost no text building. A Vert.x buffer may be written any number of
   * times.
   */
  private record RefusalBody(
      Limit limit, int status, long retrySeconds, CharSequence retryAfter, Buffer bytes) {

    private static volatile RefusalBody last;

    static RefusalBody of(Limit limit, int status, long retryAfter) {
      RefusalBody cached = last;
      if (cached != null
          && cached.limit == limit
          && cached.status == status
          && cached.retrySeconds == retryAfter) {
        return cached;
      }
      // Limit names are DNS labels and need no escaping.
      String text =
          "{\"type\":\"about:blank\",\"title\":\"Too Many Requests\",\"status\":"
              + status
              + ",\"detail\":\"Limit '"
              + limit.name()
              + "' allows "
              + limit.requests()
              + " requests per "
              + limit.windowText()
              + "; retry in "
              + retryAfter
              + " s.\",\"limit\":\""
              + limit.name()
              + "\",\"retryAfter\":"
              + retryAfter
              + "}";
      RefusalBody body =
          new RefusalBody(
              limit,
              status,
              retryAfter,
              HttpHeaders.createOptimized(Long.toString(retryAfter)),
              Buffer.buffer(text));
      last = body;
      return body;
    }
  }

  /**
   * 401: the policy counts clients by a header ({@code clientKey.missing: Reject}) and the request
   * has none.
   */
  public static void missingClientHeader(HttpServerResponse response, String header) {
    // the header name is an HTTP token: nothing in it needs JSON escaping
    response
        .putHeader("Content-Type", Problems.CONTENT_TYPE)
        .setStatusCode(401)
        .end(
            "{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"This API counts clients by the header "
                + header
                + "; send it with your key.\",\"header\":\""
                + header
                + "\"}");
  }

  /**
   * 401: the bearer token names no client. The body names the check that failed ({@code signature},
   * {@code expired}, ...) and never echoes the token; {@code WWW-Authenticate} says the same the
   * way RFC 6750 does.
   */
  public static void invalidToken(HttpServerResponse response, String reason, String detail) {
    response.putHeader(
        "WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\"" + reason + "\"");
    Problems.send(
        response,
        Problems.body(
                401,
                "Unauthorized",
                "The bearer token was refused (" + reason + "): " + detail + ".")
            .put("check", reason));
  }

  /** 400: the client header came twice or with a comma ({@code HeaderClientKey#ambiguous}). */
  public static void ambiguousClientHeader(HttpServerResponse response, String header) {
    response.putHeader("Connection", "close");
    Problems.send(
        response,
        400,
        "Bad Request",
        "This API counts clients by the header "
            + header
            + "; send it once, with one value (no comma).");
  }

  /**
   * 503: the store did not answer and the policy's failurePolicy is Closed. The client is told only
   * that; what failed (endpoints, errors) is in the agent's log and metrics, not for the public.
   */
  public static void storeUnavailable(HttpServerResponse response, Throwable cause) {
    response.putHeader("Retry-After", "1");
    Problems.send(
        response,
        503,
        "Service Unavailable",
        "The rate-limit store is unavailable and the policy's failurePolicy is Closed: try again"
            + " shortly.");
  }
}
