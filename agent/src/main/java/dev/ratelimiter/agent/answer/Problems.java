package dev.ratelimiter.agent.answer;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** The one way errors are written: RFC 9457 {@code application/problem+json}. */
public final class Problems {

  public static final String CONTENT_TYPE = "application/problem+json";

  private Problems() {}

  public static JsonObject body(int status, String title, String detail) {
    return new JsonObject()
        .put("type", "about:blank")
        .put("title", title)
        .put("status", status)
        .put("detail", detail);
  }

  public static void send(HttpServerResponse response, int status, String title, String detail) {
    send(response, body(status, title, detail));
  }

  public static void send(HttpServerResponse response, JsonObject problem) {
    if (response.ended() || response.closed()) {
      return;
    }
    response
        .setStatusCode(problem.getInteger("status"))
        .putHeader("Content-Type", CONTENT_TYPE)
        .end(problem.encode());
  }
}
