package dev.ratelimiter.policy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints windows written like {@code 30s}, {@code 1m}, {@code 1h30m}: hours, minutes and
 * seconds in that order, each at most five digits, whole seconds from {@value #MIN_TEXT} to {@value
 * #MAX_TEXT}.
 */
public final class WindowFormat {

  /** The shape of a window (not its bounds); RE2- and Java-compatible, for schemas too. */
  public static final String PATTERN = "^(?:([0-9]{1,5})h)?(?:([0-9]{1,5})m)?(?:([0-9]{1,5})s)?$";

  /** Longest text {@link #PATTERN} can match: {@code 99999h99999m99999s}. */
  public static final int MAX_TEXT_LENGTH = 18;

  public static final String MIN_TEXT = "1s";
  public static final String MAX_TEXT = "24h";
  public static final long MIN_SECONDS = 1;
  public static final long MAX_SECONDS = 24 * 3600;

  private static final Pattern SHAPE = Pattern.compile(PATTERN);

  private WindowFormat() {}

  /**
   * @return the window in seconds
   * @throws IllegalArgumentException with a message fit for a user when the text is not a window
   */
  public static long parseSeconds(String text) {
    Matcher m = SHAPE.matcher(text == null ? "" : text);
    if (text == null || text.isEmpty() || !m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a window; write whole seconds like 30s, 1m, 1h or 1h30m");
    }
    long seconds = part(m.group(1)) * 3600 + part(m.group(2)) * 60 + part(m.group(3));
    if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
      throw new IllegalArgumentException(
          "'" + text + "' is outside " + MIN_TEXT + " .. " + MAX_TEXT);
    }
    return seconds;
  }

  public static String format(long seconds) {
    StringBuilder sb = new StringBuilder();
    long h = seconds / 3600;
    long m = (seconds % 3600) / 60;
    long s = seconds % 60;
    if (h > 0) {
      sb.append(h).append('h');
    }
    if (m > 0) {
      sb.append(m).append('m');
    }
    if (s > 0 || sb.length() == 0) {
      sb.append(s).append('s');
    }
    return sb.toString();
  }

  private static long part(String digits) {
    return digits == null ? 0 : Long.parseLong(digits);
  }
}
