package dev.ratelimiter.agent.backend;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Locale;

/**
 * What changes in the headers on the way through: hop-by-hop headers (those of RFC 9110 §7.6.1 and
 * any named in {@code Connection}) are dropped in both directions; towards the backend the peer is
 * appended to {@code X-Forwarded-For} and {@code X-Forwarded-Proto}/{@code -Host} are set from what
 * this agent saw (a client cannot choose them).
 */
final class ForwardedRequestHeaders {

  /**
   * Hop-by-hop headers besides those named in Connection (Transfer-Encoding and Host are the proxy
   * library's).
   */
  private static final List<String> HOP_BY_HOP =
      List.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "upgrade");

  private ForwardedRequestHeaders() {}

  /**
   * Prepares the headers sent to the backend; {@code upgrade} keeps Connection/Upgrade for a
   * WebSocket handshake.
   */
  static void towardsBackend(MultiMap headers, HttpServerRequest incoming, boolean upgrade) {
    if (!upgrade) {
      dropHopByHop(headers);
    }
    headers.remove("Expect"); // answered by the agent itself once the request is allowed
    String peer = incoming.remoteAddress().hostAddress();
    String existing = String.join(", ", headers.getAll("X-Forwarded-For"));
    headers.set("X-Forwarded-For", existing.isBlank() ? peer : existing + ", " + peer);
    headers.set("X-Forwarded-Proto", incoming.isSSL() ? "https" : "http");
    String host = incoming.headers().get("Host");
    if (host != null) {
      headers.set("X-Forwarded-Host", host);
    } else {
      headers.remove("X-Forwarded-Host");
    }
  }

  /** Drops the backend's hop-by-hop headers, except on a 101 (the upgrade needs them). */
  static void towardsClient(MultiMap headers, int status) {
    if (status != 101) {
      dropHopByHop(headers);
    }
  }

  private static void dropHopByHop(MultiMap headers) {
    for (String connection : headers.getAll("Connection")) {
      for (String token : connection.split(",")) {
        String name = token.trim().toLowerCase(Locale.ROOT);
        if (!name.isEmpty()) {
          headers.remove(name);
        }
      }
    }
    HOP_BY_HOP.forEach(headers::remove);
  }
}
