package dev.ratelimiter.agent.backend;

import java.util.Locale;

/** Paths the agent forwards as they are, so they must not climb out of {@code /api}. */
final class ProxyPaths {

  private ProxyPaths() {}

  /** False when any segment is {@code .} or {@code ..}, written plainly or percent-encoded. */
  static boolean isClean(String path) {
    for (String segment : path.split("/", -1)) {
      String s = segment.toLowerCase(Locale.ROOT).replace("%2e", ".");
      if (s.equals(".") || s.equals("..")) {
        return false;
      }
    }
    return true;
  }
}
