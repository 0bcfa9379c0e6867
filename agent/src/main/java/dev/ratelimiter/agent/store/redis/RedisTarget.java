package dev.ratelimiter.agent.store.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Where Redis is: the mode and its endpoints ({@code REDIS_URL}, comma-separated: one server, the
 * sentinels, or cluster seed nodes; an endpoint after the first may leave out the scheme, as in
 * {@code redis://s1:26379,s2:26379}) and, for Sentinel, the master's name.
 */
public record RedisTarget(RedisMode mode, List<String> urls, String masterName) {

  public static final String DEFAULT_MASTER_NAME = "mymaster";

  public RedisTarget {
    urls = List.copyOf(urls);
  }

  /** A single standalone Redis. */
  public static RedisTarget standalone(String url) {
    return parse(url, RedisMode.Standalone, null);
  }

  /**
   * Splits and checks {@code REDIS_URL} for {@code mode}: every endpoint a {@code redis://} or
   * {@code rediss://} URL with a host, all with the same scheme (TLS applies to all), exactly one
   * unless the mode is Sentinel or Cluster.
   *
   * @param masterName Sentinel only; null = {@value #DEFAULT_MASTER_NAME}
   * @throws IllegalArgumentException naming the setting at fault
   */
  public static RedisTarget parse(String urlList, RedisMode mode, String masterName) {
    List<String> urls = new ArrayList<>();
    for (String part : urlList.split(",", -1)) {
      String url = part.trim();
      if (!urls.isEmpty() && !url.isEmpty() && !url.contains("://")) {
        // redis://s1:26379,s2:26379: a later endpoint without a scheme takes the first one's
        url = urls.get(0).substring(0, urls.get(0).indexOf("://") + 3) + url;
      }
      if (url.isEmpty()) {
        throw new IllegalArgumentException(
            "REDIS_URL '"
                + redactAll(urlList)
                + "' has an empty endpoint; separate endpoints with single commas");
      }
      try {
        RedisUrls.check(url);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("REDIS_URL: " + e.getMessage());
      }
      urls.add(url);
    }
    if (urls.stream().map(RedisUrls::isTls).distinct().count() > 1) {
      throw new IllegalArgumentException(
          "REDIS_URL mixes redis:// and rediss:// endpoints; TLS applies to all of them");
    }
    if (mode == RedisMode.Standalone && urls.size() > 1) {
      throw new IllegalArgumentException(
          "REDIS_URL lists "
              + urls.size()
              + " endpoints but REDIS_MODE is Standalone; set REDIS_MODE to Sentinel or Cluster, or give one URL");
    }
    if (masterName != null && mode != RedisMode.Sentinel) {
      throw new IllegalArgumentException(
          "REDIS_MASTER_NAME is set but REDIS_MODE is " + mode + "; it applies to Sentinel only");
    }
    if (masterName != null && !masterName.matches("[A-Za-z0-9._:-]{1,128}")) {
      throw new IllegalArgumentException(
          "REDIS_MASTER_NAME='" + masterName + "' is not a master name (letters, digits, . _ : -)");
    }
    return new RedisTarget(
        mode,
        urls,
        mode == RedisMode.Sentinel && masterName == null ? DEFAULT_MASTER_NAME : masterName);
  }

  private static String redactAll(String urlList) {
    return java.util.Arrays.stream(urlList.split(",", -1))
        .map(RedisUrls::redact)
        .collect(Collectors.joining(","));
  }

  public boolean tls() {
    return RedisUrls.isTls(urls.get(0));
  }

  /** The endpoints without passwords, for logs and errors. */
  public String describe() {
    String endpoints = urls.stream().map(RedisUrls::redact).collect(Collectors.joining(","));
    return switch (mode) {
      case Standalone -> endpoints;
      case Sentinel -> "master " + masterName + " via sentinels " + endpoints;
      case Cluster -> "cluster " + endpoints;
    };
  }
}
