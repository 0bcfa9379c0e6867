package dev.ratelimiter.agent.server;

import io.vertx.core.Future;

/**
 * A server that cannot listen says where: "Address already in use" alone leaves an admin guessing
 * which of the agent's three ports is taken.
 */
final class ListenFailure {

  private ListenFailure() {}

  /**
   * {@code listening}, or its failure named with the address, port and the setting that sets it.
   */
  static <T> Future<T> named(Future<T> listening, String host, int port, String setting) {
    return listening.recover(
        cause ->
            Future.failedFuture(
                new IllegalStateException(
                    "cannot listen on "
                        + host
                        + ":"
                        + port
                        + " ("
                        + setting
                        + "): "
                        + cause.getMessage(),
                    cause)));
  }
}
