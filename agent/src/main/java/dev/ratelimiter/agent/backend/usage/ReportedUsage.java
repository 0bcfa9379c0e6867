package dev.ratelimiter.agent.backend.usage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratelimiter.agent.limiter.UsageReport;
import dev.ratelimiter.policy.Cost;
import dev.ratelimiter.policy.Limit;
import io.vertx.core.MultiMap;

/**
 * The token counts a response reported, as they were read: input, output and total, each -1 until
 * seen. Understands OpenAI's {@code usage} (Chat Completions: {@code prompt_tokens}, {@code
 * completion_tokens}, {@code total_tokens}; Responses: {@code input_tokens}, {@code output_tokens},
 * {@code total_tokens}) and Anthropic's ({@code input_tokens} plus its cache reads and writes,
 * {@code output_tokens}, which its stream repeats as a running total). A later report of a count
 * replaces an earlier one.
 */
public final class ReportedUsage implements UsageReport {

  private long input = -1;
  private long output = -1;
  private long total = -1;
  private final MultiMap headers;

  /**
   * @param headers the response's headers, for limits whose usage comes in one
   */
  public ReportedUsage(MultiMap headers) {
    this.headers = headers;
  }

  /** Reads a {@code usage} object. */
  void read(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return;
    }
    long in = count(usage, "prompt_tokens");
    if (in < 0) {
      in = count(usage, "input_tokens");
      if (in >= 0) {
        in += Math.max(0, count(usage, "cache_creation_input_tokens"));
        in += Math.max(0, count(usage, "cache_read_input_tokens"));
      }
    }
    long out = count(usage, "completion_tokens");
    if (out < 0) {
      out = count(usage, "output_tokens");
    }
    long all = count(usage, "total_tokens");
    input = in >= 0 ? in : input;
    output = out >= 0 ? out : output;
    total = all >= 0 ? all : total;
  }

  private static long count(JsonNode usage, String field) {
    JsonNode n = usage.get(field);
    return n != null && n.isIntegralNumber() && n.canConvertToLong() && n.asLong() >= 0
        ? n.asLong()
        : -1;
  }

  @Override
  public long tokens(Limit limit) {
    Cost cost = limit.cost();
    if (cost.header() != null) {
      return headerCount(cost.header());
    }
    return switch (cost.usage()) {
      case InputTokens -> input;
      case OutputTokens -> output;
      case TotalTokens -> total >= 0 ? total : input >= 0 && output >= 0 ? input + output : -1;
    };
  }

  private long headerCount(String name) {
    if (headers == null || headers.getAll(name).size() != 1) {
      return -1; // absent, or given twice: not believed
    }
    String value = headers.get(name).trim();
    if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(Character::isDigit)) {
      return -1;
    }
    return Long.parseLong(value);
  }

  @Override
  public String toString() {
    return "usage{input=" + input + ", output=" + output + ", total=" + total + '}';
  }
}
