package dev.ratelimiter.agent.backend;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where allowed {@code /api/**} requests go: {@code BACKEND_URL}, {@code
 * http://host[:port][/base]}. The request's own path is appended to the base path unchanged ({@code
 * /v1} + {@code /api/users} = {@code /v1/api/users}).
 *
 * @param host host name or address, without brackets
 * @param port TCP port (80 when the URL has none)
 * @param basePath empty, or a path starting with {@code /} and not ending with one
 */
public record BackendTarget(String host, int port, String basePath) {

  /**
   * @throws IllegalArgumentException with a message naming {@code BACKEND_URL} and what is wrong
   */
  public static BackendTarget parse(String url) {
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw invalid(url, "it is not a URL (" + e.getReason() + ")");
    }
    if (uri.getScheme() == null || !uri.getScheme().toLowerCase(Locale.ROOT).equals("http")) {
      throw invalid(
          url,
          "the scheme must be http:// (the agent speaks plain HTTP to the backend, inside the cluster)");
    }
    if (uri.getRawAuthority() == null || uri.getHost() == null) {
      throw invalid(url, "it has no host");
    }
    if (uri.getRawUserInfo() != null) {
      throw invalid(url, "credentials in the URL are not supported");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw invalid(url, "it may not have a query or fragment");
    }
    int port = uri.getPort() == -1 ? 80 : uri.getPort();
    if (port < 1 || port > 65535) {
      throw invalid(url, "the port must be 1..65535");
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return new BackendTarget(host, port, path);
  }

  /** The URI to request from the backend for a client's path and raw query (null for none). */
  public String uri(String path, String rawQuery) {
    String target = basePath + path;
    return rawQuery == null ? target : target + "?" + rawQuery;
  }

  /** How error messages name the backend. */
  public String describe() {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return "http://" + h + ":" + port + basePath;
  }

  private static IllegalArgumentException invalid(String url, String why) {
    return new IllegalArgumentException("BACKEND_URL='" + url + "' is not usable: " + why);
  }
}
