package dev.ratelimiter.agent.clientkey;

import dev.ratelimiter.policy.ClientKeyPolicy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/**
 * The key of a client named by a header ({@code clientKey.source: Header}): {@code key:} and the
 * first 128 bits of the SHA-256 of the value, base64url. The value itself (an API key, a secret)
 * never reaches the counter store, the logs or the metrics. A value longer than {@value
 * ClientKeyPolicy#HEADER_VALUE_MAX_LENGTH} characters, or an empty one, counts as absent. The
 * header sent twice, or a value with a comma (which HTTP reads as two), is {@link #ambiguous}: a
 * backend may authenticate the first value while a count of the whole would be a fresh quota for
 * every made-up second value, so the agent refuses such requests instead of guessing.
 */
public final class HeaderClientKey {

  static final String PREFIX = "key:";
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private HeaderClientKey() {}

  /** The header came more than once, or with a comma in its value. */
  public static boolean ambiguous(List<String> values) {
    return values != null
        && (values.size() > 1 || values.size() == 1 && values.get(0).indexOf(',') >= 0);
  }

  /**
   * @return the key, or null when the header is absent, empty or too long
   * @throws IllegalArgumentException for {@link #ambiguous} values
   */
  public static String of(List<String> values) {
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (ambiguous(values)) {
      throw new IllegalArgumentException("the client header came more than once");
    }
    String value = values.get(0).strip();
    if (value.isEmpty() || value.length() > ClientKeyPolicy.HEADER_VALUE_MAX_LENGTH) {
      return null;
    }
    return PREFIX + hash(value);
  }

  static String hash(String value) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return BASE64URL.encodeToString(java.util.Arrays.copyOf(digest, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
