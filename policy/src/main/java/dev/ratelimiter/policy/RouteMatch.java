package dev.ratelimiter.policy;

import java.util.List;
import java.util.Set;

/**
 * Which requests a limit applies to: a request matches when its path starts with one of {@code
 * pathPrefixes} (none listed: any path) and its method is one of {@code methods} (none listed: any
 * method). A prefix matches whole segments only when it ends with {@code /}; otherwise it is a
 * plain string prefix ({@code /api/login} matches {@code /api/login} and {@code /api/login/x}, and
 * also {@code /api/logins}). A request whose method or path the caller does not know (a gRPC
 * descriptor without the entry) does not match a limit that names that part. Paths are compared in
 * their {@link CanonicalPath canonical form}, case-sensitively unless {@code caseInsensitive}; a
 * {@code HEAD} request matches where {@code GET} is listed (servers answer it as a {@code GET}).
 * With {@code plans}, the client's plan must be one of them; with {@code headers}, the request must
 * carry every one of them ({@link HeaderMatch}).
 *
 * @param pathPrefixes each starts with {@code /} and is in canonical form; empty = any path
 * @param methods upper-case HTTP methods from {@link #KNOWN_METHODS}; empty = any method
 * @param caseInsensitive prefixes match regardless of ASCII case (for a backend that routes so)
 * @param plans plan names; empty = any plan
 * @param headers headers the request must carry; empty = none needed
 */
public record RouteMatch(
    List<String> pathPrefixes,
    List<String> methods,
    boolean caseInsensitive,
    List<String> plans,
    List<HeaderMatch> headers) {

  public static final int MAX_PATH_PREFIXES = 16;
  public static final int MAX_PREFIX_LENGTH = 256;

  /** A percent-escape that {@link CanonicalPath} keeps: not an unreserved character, '/' or '\'. */
  private static final String KEPT_ESCAPE =
      "%(?:[01][0-9A-F]|2[0-9A-C]|3[A-F]|40|5[BDE]|60|7[B-DF]|[89A-F][0-9A-F])";

  private static final String CHAR = "(?:[^\\x00-\\x20\\x7F?#/\\\\%]|" + KEPT_ESCAPE + ")";
  private static final String NOT_DOT = "(?:[^\\x00-\\x20\\x7F?#/\\\\%.]|" + KEPT_ESCAPE + ")";

  /** A path segment other than {@code .} and {@code ..}. */
  private static final String SEGMENT =
      "(?:" + NOT_DOT + CHAR + "*|\\." + NOT_DOT + CHAR + "*|\\.\\." + CHAR + "+)";

  /**
   * A path prefix in canonical form ({@link CanonicalPath}), so that it can match: starts with '/',
   * no blanks, query or fragment, no empty, {@code .} or {@code ..} segment, no {@code \}, and
   * percent-escapes only where canonical form keeps them, in upper case. A regular expression
   * without look-arounds, so that the CRD schema (Go's RE2) checks it as the parser does.
   */
  public static final String PATH_PREFIX_PATTERN = "^/(?:" + SEGMENT + "(?:/" + SEGMENT + ")*/?)?$";

  public static final List<String> KNOWN_METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
  private static final Set<String> METHODS = Set.copyOf(KNOWN_METHODS);

  public RouteMatch {
    pathPrefixes = List.copyOf(pathPrefixes);
    methods = List.copyOf(methods);
    plans = List.copyOf(plans);
    headers = List.copyOf(headers);
  }

  /** Case-sensitive. */
  public RouteMatch(List<String> pathPrefixes, List<String> methods) {
    this(pathPrefixes, methods, false);
  }

  /** By route only. */
  public RouteMatch(List<String> pathPrefixes, List<String> methods, boolean caseInsensitive) {
    this(pathPrefixes, methods, caseInsensitive, List.of(), List.of());
  }

  public static boolean knownMethod(String method) {
    return METHODS.contains(method);
  }

  /**
   * @param method upper-case method, or null when unknown
   * @param path path without query, or null when unknown
   * @param plan the client's plan, or null when the policy has none
   * @param requestHeaders the request's headers
   */
  public boolean matches(String method, String path, String plan, RequestHeaders requestHeaders) {
    if (!plans.isEmpty() && (plan == null || !plans.contains(plan))) {
      return false;
    }
    for (HeaderMatch header : headers) {
      if (!header.matches(requestHeaders.values(header.name()))) {
        return false;
      }
    }
    return matches(method, path);
  }

  /**
   * By method and path alone (plans and headers not asked).
   *
   * @param method upper-case method, or null when unknown
   * @param path path without query, or null when unknown
   */
  public boolean matches(String method, String path) {
    if (!methods.isEmpty()
        && (method == null
            || !(methods.contains(method) || method.equals("HEAD") && methods.contains("GET")))) {
      return false;
    }
    if (pathPrefixes.isEmpty()) {
      return true;
    }
    if (path == null) {
      return false;
    }
    for (String prefix : pathPrefixes) {
      if (path.regionMatches(caseInsensitive, 0, prefix, 0, prefix.length())) {
        return true;
      }
    }
    return false;
  }
}
