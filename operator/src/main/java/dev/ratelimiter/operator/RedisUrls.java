package dev.ratelimiter.operator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reading {@code spec.redis.external.url}: {@code redis[s]://[userinfo@]host[:port][,host[:port]...][/db]}
 * (several endpoints for Sentinel or Cluster). No {@link java.net.URI}: it refuses the
 * comma-separated form.
 */
public final class RedisUrls {

  private RedisUrls() {}

  /** The part between {@code ://} and the path, or "" when there is no scheme. */
  static String authority(String url) {
    int scheme = url == null ? -1 : url.indexOf("://");
    if (scheme < 0) {
      return "";
    }
    String rest = url.substring(scheme + 3);
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  /** True when the URL carries credentials ({@code user:password@} or {@code password@}). */
  public static boolean hasUserInfo(String url) {
    return authority(url).contains("@");
  }

  /** The URL without its credentials, fit for a status message or a log line. */
  public static String redact(String url) {
    if (url == null || !hasUserInfo(url)) {
      return url;
    }
    String authority = authority(url);
    String hosts = authority.substring(authority.lastIndexOf('@') + 1);
    return url.replace(authority, "***@" + hosts);
  }

  /** The host of each endpoint, lower-case, without port or IPv6 brackets. */
  public static List<String> hosts(String url) {
    String authority = authority(url);
    authority = authority.substring(authority.lastIndexOf('@') + 1);
    List<String> hosts = new ArrayList<>();
    for (String endpoint : authority.split(",")) {
      String host = endpoint.trim();
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
