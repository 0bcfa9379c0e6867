package dev.ratelimiter.agent.http;

import dev.ratelimiter.agent.answer.Problems;
import io.netty.handler.codec.http.HttpHeaders;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.Iterator;
import java.util.Map;

/**
 * The public port's routing, in one place. Without a backend: {@code GET /api} → {@link
 * ApiHandler}; other methods on {@code /api} 405. With a backend: {@code /api} and {@code /api/**},
 * any method, → the proxy. Always: {@code /check} and {@code /check/**}, any method, → {@link
 * CheckHandler}. Everything else 404; headers over 8 KiB 431. A plain request handler rather than a
 * vertx-web Router: this is the hot path, and a Router's per-request context and forwarded-header
 * parsing cost a measurable share of throughput here (bench/RESULTS.md).
 */
public final class PublicRoutes implements Handler<HttpServerRequest> {

  /** Larger headers than this are refused with 431 once fully read (a clean close, not a reset). */
  static final int MAX_HEADER_BYTES = 8192;

  private final Handler<HttpServerRequest> api;
  private final boolean proxying;
  private final Handler<HttpServerRequest> check;

  /**
   * @param proxying true when {@code api} is the proxy to a backend: then it takes {@code /api/**}
   *     and every method
   * @param check the gateway decision endpoint, {@code /check} and {@code /check/**}
   */
  public PublicRoutes(
      Handler<HttpServerRequest> api, boolean proxying, Handler<HttpServerRequest> check) {
    this.api = api;
    this.proxying = proxying;
    this.check = check;
  }

  @Override
  public void handle(HttpServerRequest request) {
    if (headerBytes(request) > MAX_HEADER_BYTES) {
      request.response().putHeader("Connection", "close");
      Problems.send(
          request.response(),
          431,
          "Request Header Fields Too Large",
          "The request's headers exceed " + MAX_HEADER_BYTES + " bytes.");
    } else if (proxying && isApiPath(request.path())) {
      api.handle(request);
    } else if (CheckHandler.isCheckPath(request.path())) {
      check.handle(request);
    } else if (!"/api".equals(request.path())) {
      Problems.send(
          request.response(),
          404,
          "Not Found",
          "No such resource: "
              + request.path()
              + (proxying
                  ? ". This agent serves /api, /api/** and /check."
                  : ". This agent serves GET /api and /check."));
    } else if (request.method() != HttpMethod.GET) {
      request.response().putHeader("Allow", "GET");
      Problems.send(
          request.response(),
          405,
          "Method Not Allowed",
          request.method() + " is not allowed on /api; use GET.");
    } else {
      api.handle(request);
    }
  }

  private static boolean isApiPath(String path) {
    return path.startsWith("/api") && (path.length() == 4 || path.charAt(4) == '/');
  }

  private static int headerBytes(HttpServerRequest request) {
    int bytes = request.uri().length();
    MultiMap headers = request.headers();
    if (headers instanceof HttpHeaders netty) {
      // Vert.x's headers are Netty's: read as they were decoded, with no String made per header
      Iterator<Map.Entry<CharSequence, CharSequence>> it = netty.iteratorCharSequence();
      while (it.hasNext()) {
        Map.Entry<CharSequence, CharSequence> header = it.next();
        bytes += header.getKey().length() + header.getValue().length() + 4;
      }
      return bytes;
    }
    for (Map.Entry<String, String> header : headers) {
      bytes += header.getKey().length() + header.getValue().length() + 4;
    }
    return bytes;
  }
}
