package dev.ratelimiter.agent.store.redis;

import java.net.URI;

/** Checks and prints Redis URLs without leaking a password into logs. */
public final class RedisUrls {

  private RedisUrls() {}

  /**
   * @throws IllegalArgumentException when the URL is not {@code redis://} or {@code rediss://} with
   *     a host
   */
  public static void check(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + redact(url) + "' is not a URL");
    }
    if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
      throw new IllegalArgumentException(
          "'" + redact(url) + "' must start with redis:// or rediss://");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("'" + redact(url) + "' names no host");
    }
  }

  public static boolean isTls(String url) {
    return url != null && url.regionMatches(true, 0, "rediss://", 0, 9);
  }

  public static String redact(String url) {
    if (url == null) {
      return "";
    }
    int scheme = url.indexOf("://");
    int at = url.lastIndexOf('@');
    if (scheme >= 0 && at > scheme) {
      return url.substring(0, scheme + 3) + "***@" + url.substring(at + 1);
    }
    return url;
  }
}
