package dev.ratelimiter.agent.request;

import io.vertx.core.http.HttpHeaders;
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
    // Vert.x's own names: their case-insensitive hashes are computed once, not per request
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    boolean announced =
        (length != null && !length.equals("0"))
            || request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
    return announced && !request.isEnded();
  }

  /**
   * Runs {@code send}, which writes the whole answer; see the class comment.
   *
   * @param paused whether the caller paused the request: then it is resumed after the answer, so
   *     that its end is read and the connection goes on to its next request; a request never paused
   *     needs nothing (resuming it would cost Vert.x a queue per request)
   */
  public static void answer(HttpServerRequest request, boolean paused, Runnable send) {
    if (pending(request)) {
      request
          .response()
          .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
          .bodyEndHandler(v -> request.connection().close());
      send.run();
    } else {
      send.run();
      if (paused) {
        request.resume();
      }
    }
  }
}
