package dev.ratelimiter.agent.backend.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.limiter.TokenEstimate;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("The ceiling a request body states")
class RequestEstimateTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"model\": \"m\", \"max_tokens\": 1000}|1000",
        "{\"max_completion_tokens\": 77}|77",
        "{\"max_output_tokens\": 5}|5",
        "{\"messages\": [{\"max_tokens\": 9}], \"max_tokens\": 12}|12",
        "{\"metadata\": {\"max_tokens\": 9}}|-1",
        "{\"max_tokens\": 3, \"max_completion_tokens\": 4}|4",
        "{\"max_tokens\": 30, \"max_tokens\": 4}|30",
        "{\"max_tokens\": 3, \"max_tokens\": \"4000\"}|-1",
        "{\"max_tokens\": 3} trailing|-1",
        "{\"max_tokens\": \"1000\"}|-1",
        "{\"max_tokens\": 0}|-1",
        "{\"max_tokens\": -5}|-1",
        "{\"max_tokens\": 1.5}|-1",
        "{\"max_tokens\": 123456789012345678901234567890}|-1",
        "[{\"max_tokens\": 1000}]|-1",
        "{\"max_tokens\": 10|-1",
        "not json|-1",
        "{}|-1"
      })
  @DisplayName(
      "only positive whole numbers at the top level of a whole JSON object count; the largest wins")
  void ceiling(String body, long expected) {
    assertThat(RequestEstimate.ceiling(Buffer.buffer(body))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} bytes of {1}: read {2}")
  @CsvSource({
    "400, application/json, true",
    "65536, application/json; charset=utf-8, true",
    "65537, application/json, false",
    "0, application/json, false",
    "-1, application/json, false",
    "400, application/vnd.api+json, true",
    "400, text/plain, false",
    "400, , false"
  })
  @DisplayName("bodies are read only when short, announced and JSON")
  void readable(long length, String type, boolean read) {
    assertThat(RequestEstimate.readable(length, type)).isEqualTo(read);
  }

  @ParameterizedTest(name = "{0} bytes: {1} tokens of input")
  @CsvSource({"1, 1", "4, 1", "5, 2", "400, 100", "0, -1", "-1, -1"})
  @DisplayName("the input is one token per 4 bytes, rounded up; unknown without a length")
  void input(long bytes, long tokens) {
    assertThat(RequestEstimate.ofLength(bytes)).isEqualTo(new TokenEstimate(-1, tokens));
  }

  @Test
  @DisplayName("a deeply nested body is given up on, not followed")
  void deepNesting() {
    String deep = "{\"a\": " + "[".repeat(1000) + "]".repeat(1000) + ", \"max_tokens\": 4}";
    assertThat(RequestEstimate.ceiling(Buffer.buffer(deep))).isEqualTo(-1);
  }
}
