package dev.ratelimiter.operator.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reading {@code spec.redis.external.url}: one or more comma-separated endpoints, {@code
 * redis[s]://[userinfo@]host[:port][/db]}, where an endpoint after the first may leave out the
 * scheme ({@code redis://s1:26379,s2:26379}) — Sentinel's sentinels or a Cluster's seed nodes. No
 * {@link java.net.URI}: it refuses the comma-separated form.
 */
public final class RedisUrls {

  private RedisUrls() {}

  /**
   * Each endpoint's authority ({@code [userinfo@]host[:port]}): what follows its scheme, up to its
   * path.
   */
  static List<String> authorities(String url) {
    List<String> authorities = new ArrayList<>();
    if (url == null || url.indexOf("://") < 0) {
      return authorities;
    }
    for (String endpoint : url.split(",")) {
      String rest = endpoint.trim();
      int scheme = rest.indexOf("://");
      if (scheme >= 0) {
        rest = rest.substring(scheme + 3);
      }
      int slash = rest.indexOf('/');
      authorities.add(slash < 0 ? rest : rest.substring(0, slash));
    }
    return authorities;
  }

  /** True when any endpoint carries credentials ({@code user:password@} or {@code password@}). */
  public static boolean hasUserInfo(String url) {
    return authorities(url).stream().anyMatch(a -> a.contains("@"));
  }

  /** The URL without its credentials, fit for a status message or a log line. */
  public static String redact(String url) {
    if (url == null || !hasUserInfo(url)) {
      return url;
    }
    List<String> endpoints = new ArrayList<>();
    for (String endpoint : url.split(",")) {
      int at = endpoint.lastIndexOf('@');
      if (at < 0) {
        endpoints.add(endpoint);
      } else {
        int scheme = endpoint.indexOf("://");
        endpoints.add(
            (scheme >= 0 && scheme < at ? endpoint.substring(0, scheme + 3) : "")
                + "***@"
                + endpoint.substring(at + 1));
      }
    }
    return String.join(",", endpoints);
  }

  /** The host of each endpoint, lower-case, without port or IPv6 brackets. */
  public static List<String> hosts(String url) {
    List<String> hosts = new ArrayList<>();
    for (String authority : authorities(url)) {
      String host = authority.substring(authority.lastIndexOf('@') + 1).trim();
      if (host.startsWith("[")) {
        int end = host.indexOf(']');
        host = end < 0 ? host.substring(1) : host.substring(1, end);
      } else if (host.indexOf(':') >= 0) {
        host = host.substring(0, host.indexOf(':'));
      }
      if (!host.isEmpty()) {
        hosts.add(host.toLowerCase(Locale.ROOT));
      }
    }
    return hosts;
  }
}
