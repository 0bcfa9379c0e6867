package dev.ratelimiter.agent.request;

import io.vertx.core.http.HttpServerRequest;

/**
 * Answering a request (held paused) without reading its body: a check, or a refusal before the
 * backend. When a body is announced and still coming, the answer says {@code Connection: close} and
 * the connection is closed once the answer is written, so that a client cannot make the agent read
 * (or hold) an endless upload, and the next request pipelined behind it is never served. Gateways
 * send their checks without a body, so they keep their connections.
 */
public final class UnreadBody {

  private UnreadBody() {}

  /** A body was announced ({@code Content-Length} above 0, or chunked) and has not ended. */
  public static boolean pending(HttpServerRequest request) {
    String length = request.getHeader("Content-Length");
    boolean announced =
        (length != null && !length.equals("0")) || request.headers().contains("Transfer-Encoding");
    return announced && !request.isEnded();
  }

  /** Runs {@code send}, which writes the whole answer; see the class comment. */
  public static void answer(HttpServerRequest request, Runnable send) {
    if (pending(request)) {
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
