package dev.ratelimiter.agent.backend.usage;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Reads the usage out of a response body as its bytes pass, holding at most {@link #MAX_TOKEN}
 * bytes of it: a JSON body through Jackson's non-blocking parser (only the top-level {@code usage}
 * object is kept), a server-sent-event stream line by line ({@code data:} lines whose JSON carries
 * {@code usage}, {@code message.usage} or {@code response.usage}). A body it cannot read, or a
 * string or line longer than the bound, ends the reading: the usage is then what was read so far
 * (usually nothing, and the reservation stands).
 */
public final class UsageReader {

  /** The most bytes of one JSON string or one event line held while it is read. */
  public static final int MAX_TOKEN = 1 << 20;

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxStringLength(MAX_TOKEN)
                  .maxNestingDepth(64)
                  .maxNumberLength(32)
                  .build())
          .build();

  private static final ObjectMapper MAPPER = new ObjectMapper(JSON);

  private final ReportedUsage usage;
  private final boolean events;
  private JsonParser parser;
  private ByteArrayOutputStream line;
  private boolean skippingLine;
  private boolean done;
  private int depth;
  private ObjectNode reading;
  private String field;
  private boolean usageNext;

  private UsageReader(ReportedUsage usage, boolean events) {
    this.usage = usage;
    this.events = events;
  }

  /**
   * A reader for a body of {@code contentType}; null when it is neither JSON nor an event stream.
   */
  public static UsageReader forBody(String contentType, ReportedUsage usage) {
    if (contentType == null) {
      return null;
    }
    String type = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    if (type.equals("text/event-stream")) {
      return new UsageReader(usage, true);
    }
    if (type.equals("application/json") || type.endsWith("+json")) {
      return new UsageReader(usage, false);
    }
    return null;
  }

  /** The next bytes of the body. */
  public void feed(Buffer chunk) {
    if (done) {
      return;
    }
    byte[] bytes = chunk.getBytes();
    try {
      if (events) {
        lines(bytes);
      } else {
        json(bytes);
      }
    } catch (IOException | RuntimeException unreadable) {
      done = true; // what was read stands
    }
  }

  private void json(byte[] bytes) throws IOException {
    if (parser == null) {
      parser = JSON.createNonBlockingByteArrayParser();
    }
    ((ByteArrayFeeder) parser.getNonBlockingInputFeeder()).feedInput(bytes, 0, bytes.length);
    for (JsonToken t = parser.nextToken(); t != null && t != JsonToken.NOT_AVAILABLE; ) {
      token(t);
      t = parser.nextToken();
    }
  }

  /** Keeps the top-level {@code usage} object's own numbers. */
  private void token(JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT, START_ARRAY -> {
        depth++;
        if (t == JsonToken.START_OBJECT && depth == 2 && usageNext) {
          reading = JsonNodeFactory.instance.objectNode();
        }
        usageNext = false;
      }
      case END_OBJECT, END_ARRAY -> {
        if (depth == 2 && reading != null) {
          usage.read(reading);
          reading = null;
        }
        depth--;
      }
      case FIELD_NAME -> {
        field = parser.currentName();
        usageNext = depth == 1 && "usage".equals(field);
      }
      case VALUE_NUMBER_INT -> {
        if (reading != null && depth == 2) {
          reading.put(field, parser.getLongValue());
        }
        usageNext = false;
      }
      default -> usageNext = false;
    }
  }

  private void lines(byte[] bytes) throws IOException {
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        append(bytes, start, i);
        endLine();
        start = i + 1;
      }
    }
    append(bytes, start, bytes.length);
  }

  private void append(byte[] bytes, int from, int to) {
    if (skippingLine || to <= from) {
      return;
    }
    if (line == null) {
      line = new ByteArrayOutputStream();
    }
    if (line.size() + (to - from) > MAX_TOKEN) {
      skippingLine = true; // too long to be an event worth reading
      line.reset();
      return;
    }
    line.write(bytes, from, to - from);
  }

  private void endLine() throws IOException {
    boolean skipped = skippingLine;
    skippingLine = false;
    if (line == null || skipped) {
      return;
    }
    byte[] text = line.toByteArray();
    line.reset();
    int n = text.length;
    if (n > 0 && text[n - 1] == '\r') {
      n--;
    }
    if (n < 6
        || text[0] != 'd'
        || !new String(text, 0, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("data:")) {
      return;
    }
    int from = text[5] == ' ' ? 6 : 5;
    if (n - from < 2 || text[from] != '{') {
      return; // e.g. OpenAI's [DONE]
    }
    JsonNode event;
    try {
      event = MAPPER.readTree(text, from, n - from);
    } catch (IOException notJson) {
      return; // one event that is not JSON: the next may be
    }
    usage.read(event.get("usage"));
    JsonNode message = event.get("message");
    if (message != null) {
      usage.read(message.get("usage"));
    }
    JsonNode response = event.get("response");
    if (response != null) {
      usage.read(response.get("usage"));
    }
  }
}
