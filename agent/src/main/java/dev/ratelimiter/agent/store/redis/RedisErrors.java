package dev.ratelimiter.agent.store.redis;

/** Reading the errors vertx-redis-client reports. */
final class RedisErrors {

  private RedisErrors() {}

  /**
   * The error and its root cause, e.g. a TLS handshake failure and the certificate problem behind
   * it.
   */
  static String describe(Throwable err) {
    Throwable root = err;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = err.getClass().getSimpleName() + ": " + err.getMessage();
    return root == err
        ? text
        : text + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
  }

  static boolean isClosed(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("Connection is closed")) {
        return true;
      }
    }
    return false;
  }
}
