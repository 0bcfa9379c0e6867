package dev.ratelimiter.agent.backend.usage;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.ratelimiter.agent.limiter.TokenEstimate;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.Set;

/**
 * A request body's own estimate of its tokens (see {@link TokenEstimate}): the ceiling a JSON body
 * states at its top level ({@code max_tokens}: Anthropic Messages and older OpenAI Chat
 * Completions; {@code max_completion_tokens}: OpenAI Chat Completions; {@code max_output_tokens}:
 * OpenAI Responses), and its input as one token per {@link #BYTES_PER_TOKEN} bytes of body, the
 * usual ratio for English text, which the settlement corrects to what the model counted.
 *
 * <p>Only bodies of at most {@link #MAX_READ} bytes with a {@code Content-Length} are read (before
 * the decision, so the agent holds at most that much per request); a longer or chunked body
 * reserves the budget's {@code reserve} for its output, and its length for its input.
 */
public final class RequestEstimate {

  /** The most bytes of a request body read for its ceiling. */
  public static final int MAX_READ = 64 * 1024;

  public static final int BYTES_PER_TOKEN = 4;

  private static final Set<String> CEILINGS =
      Set.of("max_tokens", "max_completion_tokens", "max_output_tokens");

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder().maxNestingDepth(64).maxNumberLength(32).build())
          .build();

  private RequestEstimate() {}

  /**
   * Whether a body of {@code contentLength} bytes (-1: unknown) and {@code contentType} is read for
   * its ceiling.
   */
  public static boolean readable(long contentLength, String contentType) {
    return contentLength > 0 && contentLength <= MAX_READ && isJson(contentType);
  }

  /** The estimate of a body that was not read: its input from its length (-1: unknown). */
  public static TokenEstimate ofLength(long contentLength) {
    return new TokenEstimate(-1, input(contentLength));
  }

  /** The estimate of {@code body}, a JSON object; a body that is not one states no ceiling. */
  public static TokenEstimate of(Buffer body) {
    return new TokenEstimate(ceiling(body), input(body.length()));
  }

  private static long input(long bytes) {
    return bytes <= 0 ? -1 : (bytes + BYTES_PER_TOKEN - 1) / BYTES_PER_TOKEN;
  }

  /**
   * The largest top-level ceiling field's value, read to the end of the body: a body that states a
   * ceiling twice (JSON parsers differ on which duplicate wins) reserves the larger. -1 when none
   * is stated, when one is not a positive whole number, or when the body is not a JSON object.
   */
  static long ceiling(Buffer body) {
    try (JsonParser parser = JSON.createParser(body.getBytes())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return -1;
      }
      long ceiling = -1;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (CEILINGS.contains(name)) {
          if (value != JsonToken.VALUE_NUMBER_INT || parser.getLongValue() <= 0) {
            return -1;
          }
          ceiling = Math.max(ceiling, parser.getLongValue());
        }
        parser.skipChildren();
      }
      return parser.currentToken() == JsonToken.END_OBJECT && parser.nextToken() == null
          ? ceiling
          : -1;
    } catch (IOException | RuntimeException e) {
      return -1; // not JSON, or beyond the bounds: the backend will say so; the budget reserves
    }
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String type =
        (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
            .trim()
            .toLowerCase(java.util.Locale.ROOT);
    return type.equals("application/json") || type.endsWith("+json");
  }
}
