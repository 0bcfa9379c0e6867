package dev.ratelimiter.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * The one form of a request's path that per-route matching, counting, forwarding and {@code /check}
 * all use, so that no spelling a backend would route to the same handler escapes a limit:
 *
 * <ul>
 *   <li>percent-encoded unreserved characters ({@code A-Z a-z 0-9 - . _ ~}) are decoded ({@code
 *       %6cogin} is {@code login}); other escapes stay, in upper case ({@code %c3%a9} → {@code
 *       %C3%A9});
 *   <li>an encoded {@code /} or {@code \} ({@code %2F}, {@code %5C}), a plain {@code \}, a broken
 *       escape, or a control character is refused: backends disagree on what they mean;
 *   <li>repeated slashes are one ({@code /api//login} is {@code /api/login});
 *   <li>dot segments are resolved ({@code /api/x/../login} is {@code /api/login}), after decoding,
 *       so {@code %2e%2e} too; one that would climb above {@code /} is refused.
 * </ul>
 *
 * A trailing slash stays. Case is kept: whether a limit's prefixes match regardless of case is the
 * limit's own choice ({@code match.caseInsensitive}).
 */
public final class CanonicalPath {

  /** A path no canonical form can be given, and why (for a {@code 400}). */
  public static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  private CanonicalPath() {}

  /**
   * @param raw a path as it came, without the query ({@code /api/%6cogin})
   * @throws Invalid when the path cannot be given one form
   */
  public static String of(String raw) {
    if (raw == null || raw.isEmpty()) {
      return "/";
    }
    if (raw.charAt(0) != '/') {
      throw new Invalid("the path must start with '/'");
    }
    if (isPlain(raw)) {
      return raw; // the common case: nothing to decode, merge or resolve
    }
    String decoded = decodeUnreserved(raw);
    List<String> segments = new ArrayList<>();
    int start = 1;
    for (int i = 1; i <= decoded.length(); i++) {
      if (i == decoded.length() || decoded.charAt(i) == '/') {
        String segment = decoded.substring(start, i);
        start = i + 1;
        if (segment.isEmpty() || segment.equals(".")) {
          continue;
        }
        if (segment.equals("..")) {
          if (segments.isEmpty()) {
            throw new Invalid("the path climbs above '/' ('..')");
          }
          segments.remove(segments.size() - 1);
          continue;
        }
        segments.add(segment);
      }
    }
    StringBuilder out = new StringBuilder(decoded.length());
    for (String segment : segments) {
      out.append('/').append(segment);
    }
    boolean trailing = decoded.endsWith("/") || decoded.endsWith("/.") || decoded.endsWith("/..");
    if (out.length() == 0 || trailing) {
      out.append('/');
    }
    return out.toString();
  }

  /** No escape, no backslash, no control character, no empty or dot segment. */
  private static boolean isPlain(String path) {
    char previous = 0;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%' || c == '\\' || c < 0x20 || c == 0x7f) {
        return false;
      }
      if (c == '/' && previous == '/') {
        return false;
      }
      if (c == '.' && previous == '/') {
        return false; // maybe a dot segment: the slow way decides
      }
      previous = c;
    }
    return true;
  }

  private static String decodeUnreserved(String path) {
    StringBuilder out = new StringBuilder(path.length());
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '\\') {
        throw new Invalid("the path contains '\\'");
      }
      if (c < 0x20 || c == 0x7f) {
        throw new Invalid("the path contains a control character");
      }
      if (c != '%') {
        out.append(c);
        continue;
      }
      if (i + 2 >= path.length() || hex(path.charAt(i + 1)) < 0 || hex(path.charAt(i + 2)) < 0) {
        throw new Invalid("the path has a broken percent-encoding");
      }
      char decoded = (char) (hex(path.charAt(i + 1)) * 16 + hex(path.charAt(i + 2)));
      if (decoded == '/' || decoded == '\\') {
        throw new Invalid("the path contains an encoded '" + decoded + "'");
      }
      if (isUnreserved(decoded)) {
        out.append(decoded);
      } else {
        out.append('%')
            .append(Character.toUpperCase(path.charAt(i + 1)))
            .append(Character.toUpperCase(path.charAt(i + 2)));
      }
      i += 2;
    }
    return out.toString();
  }

  private static boolean isUnreserved(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
