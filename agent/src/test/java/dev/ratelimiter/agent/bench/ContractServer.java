package dev.ratelimiter.agent.bench;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * A second baseline for {@code bench/run.sh}: a plain Vert.x server that answers {@code GET /api}
 * with what the agent answers under {@code bench/policy.yaml} (the five rate-limit headers, a 429
 * with {@code Retry-After} and a problem+json body for the abuser's address, a 200 naming the
 * client otherwise), every value a constant encoded once, and no limiting at all. The CPU it spends
 * per request is the least that answer costs in Vert.x and Netty; what the agent spends beyond it
 * is the agent's own work (client key, decision, store) and not the contract's.
 */
public final class ContractServer extends VerticleBase {

  /** The client {@code bench/abuser.lua} claims; every request of it is refused. */
  private static final String ABUSER = "198.51.100.1";

  private static final CharSequence X_FORWARDED_FOR =
      HttpHeaders.createOptimized("X-Forwarded-For");
  private static final CharSequence RATELIMIT_POLICY =
      HttpHeaders.createOptimized("RateLimit-Policy");
  private static final CharSequence RATELIMIT = HttpHeaders.createOptimized("RateLimit");
  private static final CharSequence X_LIMIT = HttpHeaders.createOptimized("X-RateLimit-Limit");
  private static final CharSequence X_REMAINING =
      HttpHeaders.createOptimized("X-RateLimit-Remaining");
  private static final CharSequence X_RESET = HttpHeaders.createOptimized("X-RateLimit-Reset");
  private static final CharSequence RETRY_AFTER = HttpHeaders.createOptimized("Retry-After");

  private static final CharSequence POLICY_VALUE =
      HttpHeaders.createOptimized("\"per-minute\";q=10;w=60");
  private static final CharSequence TEN = HttpHeaders.createOptimized("10");
  private static final CharSequence NINE = HttpHeaders.createOptimized("9");
  private static final CharSequence ZERO = HttpHeaders.createOptimized("0");
  private static final CharSequence SIXTY = HttpHeaders.createOptimized("60");
  private static final CharSequence THIRTY = HttpHeaders.createOptimized("30");
  private static final CharSequence NEW_CLIENT =
      HttpHeaders.createOptimized("\"per-minute\";r=9;t=60");
  private static final CharSequence REFUSED =
      HttpHeaders.createOptimized("\"per-minute\";r=0;t=30");
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  private static final CharSequence PROBLEM_JSON =
      HttpHeaders.createOptimized("application/problem+json");
  private static final Buffer REFUSAL_BODY =
      Buffer.buffer(
          "{\"type\":\"about:blank\",\"title\":\"Too Many Requests\",\"status\":429,\"detail\":\"Limit"
              + " 'per-minute' allows 10 requests per 1m; retry in 30 s.\",\"limit\":"
              + "\"per-minute\",\"retryAfter\":30}");

  private final int port;

  private ContractServer(int port) {
    this.port = port;
  }

  @Override
  public Future<?> start() {
    return serve(vertx, port);
  }

  /** One server on {@code port} (0: any free port), answering as described above. */
  public static Future<HttpServer> serve(Vertx vertx, int port) {
    return vertx
        .createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
        .requestHandler(ContractServer::answer)
        .listen(port, "127.0.0.1");
  }

  private static void answer(HttpServerRequest req) {
    HttpServerResponse response = req.response();
    if (!req.path().equals("/api")) {
      response.setStatusCode(404).end();
      return;
    }
    String client = req.getHeader(X_FORWARDED_FOR);
    MultiMap headers = response.headers();
    headers.set(RATELIMIT_POLICY, POLICY_VALUE).set(X_LIMIT, TEN);
    if (ABUSER.equals(client)) {
      headers
          .set(RATELIMIT, REFUSED)
          .set(X_REMAINING, ZERO)
          .set(X_RESET, THIRTY)
          .set(RETRY_AFTER, THIRTY)
          .set(HttpHeaders.CONTENT_TYPE, PROBLEM_JSON);
      response.setStatusCode(429).end(REFUSAL_BODY);
    } else {
      headers
          .set(RATELIMIT, NEW_CLIENT)
          .set(X_REMAINING, NINE)
          .set(X_RESET, SIXTY)
          .set(HttpHeaders.CONTENT_TYPE, JSON);
      response.end("{\"status\":\"ok\",\"client\":\"" + client + "\"}");
    }
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args.length > 0 ? args[0] : "8082");
    RawServer.deployOnEveryCore(
        () -> new ContractServer(port), "contract server on 127.0.0.1:" + port);
  }
}
