package dev.ratelimiter.policy;

import java.util.List;

/**
 * A header a request must carry for a limit to apply: present at all (no {@code values}), or with
 * one of {@code values}. Every occurrence of the header and every comma-separated element of it is
 * compared (trimmed, exactly), and one that fits is enough: a client cannot step out of a limit by
 * sending the header twice or adding a second element, whichever of them its backend reads.
 *
 * @param name an HTTP header name, compared case-insensitively as HTTP does
 * @param values the values that fit; empty: any
 */
public record HeaderMatch(String name, List<String> values) {

  public static final int MAX_HEADERS = 8;
  public static final int MAX_VALUES = 16;
  public static final int MAX_VALUE_LENGTH = 256;

  /** Printable ASCII without ',' (elements are split at commas). */
  public static final String VALUE_PATTERN =
      "^[\\x21-\\x2B\\x2D-\\x7E]([\\x20-\\x2B\\x2D-\\x7E]*[\\x21-\\x2B\\x2D-\\x7E])?$";

  public HeaderMatch {
    values = List.copyOf(values);
  }

  /**
   * @param occurrences every value the request carries for {@link #name}, in order (empty: absent)
   */
  public boolean matches(List<String> occurrences) {
    if (occurrences == null || occurrences.isEmpty()) {
      return false;
    }
    if (values.isEmpty()) {
      return true;
    }
    for (String occurrence : occurrences) {
      for (String element : occurrence.split(",", -1)) {
        if (values.contains(element.trim())) {
          return true;
        }
      }
    }
    return false;
  }
}
