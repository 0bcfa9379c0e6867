package dev.ratelimiter.policy;

import java.util.List;
import java.util.Set;

/**
 * Which requests a limit applies to: a request matches when its path starts with one of {@code
 * pathPrefixes} (none listed: any path) and its method is one of {@code methods} (none listed: any
 * method). A prefix matches whole segments only when it ends with {@code /}; otherwise it is a
 * plain string prefix ({@code /api/login} matches {@code /api/login} and {@code /api/login/x}, and
 * also {@code /api/logins}). A request whose method or path the caller does not know (a gRPC
 * descriptor without the entry) does not match a limit that names that part.
 *
 * @param pathPrefixes each starts with {@code /}; empty = any path
 * @param methods upper-case HTTP methods from {@link #KNOWN_METHODS}; empty = any method
 */
public record RouteMatch(List<String> pathPrefixes, List<String> methods) {

  public static final int MAX_PATH_PREFIXES = 16;
  public static final int MAX_PREFIX_LENGTH = 256;

  /** A path prefix: starts with '/', no blanks, no query or fragment. */
  public static final String PATH_PREFIX_PATTERN = "^/[^\\s?#]*$";

  public static final List<String> KNOWN_METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
  private static final Set<String> METHODS = Set.copyOf(KNOWN_METHODS);

  public RouteMatch {
    pathPrefixes = List.copyOf(pathPrefixes);
    methods = List.copyOf(methods);
  }

  public static boolean knownMethod(String method) {
    return METHODS.contains(method);
  }

  /**
   * @param method upper-case method, or null when unknown
   * @param path path without query, or null when unknown
   */
  public boolean matches(String method, String path) {
    if (!methods.isEmpty() && (method == null || !methods.contains(method))) {
      return false;
    }
    if (pathPrefixes.isEmpty()) {
      return true;
    }
    if (path == null) {
      return false;
    }
    for (String prefix : pathPrefixes) {
      if (path.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
