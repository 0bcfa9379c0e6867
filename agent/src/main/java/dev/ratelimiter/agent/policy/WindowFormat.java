package dev.ratelimiter.agent.policy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints windows written like {@code 30s}, {@code 1m}, {@code 1h30m}: whole seconds, 1s .. 24h. */
public final class WindowFormat {

    public static final long MIN_SECONDS = 1;
    public static final long MAX_SECONDS = 24 * 3600;

    private static final Pattern SHAPE = Pattern.compile("(?:(\\d{1,5})h)?(?:(\\d{1,7})m)?(?:(\\d{1,9})s)?");

    private WindowFormat() {
    }

    /**
     * @return the window in seconds
     * @throws IllegalArgumentException with a message fit for a user when the text is not a window
     */
    public static long parseSeconds(String text) {
        Matcher m = SHAPE.matcher(text == null ? "" : text);
        if (text == null || text.isEmpty() || !m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a window; write whole seconds like 30s, 1m, 1h or 1h30m");
        }
        long seconds = part(m.group(1)) * 3600 + part(m.group(2)) * 60 + part(m.group(3));
        if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
            throw new IllegalArgumentException("'" + text + "' is outside 1s .. 24h");
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
