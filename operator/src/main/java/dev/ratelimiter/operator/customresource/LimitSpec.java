package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.ratelimiter.policy.Algorithm;
import dev.ratelimiter.policy.Limit;
import dev.ratelimiter.policy.WindowFormat;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/**
 * One quota: at most {@code requests} per {@code window} for each client. The bounds and patterns
 * are the shared policy rules ({@code dev.ratelimiter.policy}); the algorithm is kept as text so a
 * value this operator does not know reaches the validator instead of failing the informer.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "requests", "window", "algorithm", "burst", "match", "cost"})
@ValidationRule(
    value =
        "duration(self.window) >= duration('"
            + WindowFormat.MIN_TEXT
            + "') && duration(self.window) <= duration('"
            + WindowFormat.MAX_TEXT
            + "')",
    message = "window must be between " + WindowFormat.MIN_TEXT + " and " + WindowFormat.MAX_TEXT,
    fieldPath = ".window")
@ValidationRule(
    value =
        "!has(self.algorithm) || self.algorithm != 'SlidingWindow' || self.requests <= "
            + Limit.MAX_SLIDING_WINDOW_REQUESTS,
    message =
        "SlidingWindow remembers each admitted request of the window per client: at most "
            + Limit.MAX_SLIDING_WINDOW_REQUESTS
            + " requests",
    fieldPath = ".requests")
@ValidationRule(
    value =
        "!has(self.algorithm) || self.algorithm != 'TokenBucket' || has(self.burst) || self.requests <= "
            + Limit.MAX_BURST,
    message =
        "a TokenBucket's burst defaults to requests and is at most "
            + Limit.MAX_BURST
            + "; set burst",
    fieldPath = ".requests")
@ValidationRule(
    value = "!has(self.burst) || (has(self.algorithm) && self.algorithm == 'TokenBucket')",
    message = "only a TokenBucket has a burst",
    fieldPath = ".burst")
@ValidationRule(
    value =
        "!has(self.cost) || self.cost.reserve <= (has(self.burst) ? self.burst : self.requests)",
    message = "cost.reserve must fit the limit at once: at most requests (a TokenBucket: burst)",
    fieldPath = ".cost.reserve")
public class LimitSpec {

  @JsonPropertyDescription("Name of the limit, unique within the policy (DNS label).")
  @Required
  @Size(min = 1, max = Limit.NAME_MAX_LENGTH)
  @Pattern(Limit.NAME_PATTERN)
  private String name;

  @JsonPropertyDescription("Requests allowed per window and client, 1 .. 1,000,000,000.")
  @Required
  @Min(Limit.MIN_REQUESTS)
  @Max(Limit.MAX_REQUESTS)
  private Long requests;

  @JsonPropertyDescription(
      "Window length in whole seconds, 1s .. 24h, written like 30s, 1m, 1h30m.")
  @Required
  @Size(min = 2, max = WindowFormat.MAX_TEXT_LENGTH)
  @Pattern(WindowFormat.PATTERN)
  private String window;

  @JsonPropertyDescription(
      "FixedWindow: the window starts at the client's first request. SlidingWindow: in any interval of"
          + " length window at most requests (requests at most 10000). TokenBucket: requests per window sustained,"
          + " up to burst at once.")
  @Default("FixedWindow")
  @SchemaFrom(type = Algorithm.class)
  private String algorithm;

  @JsonPropertyDescription(
      "TokenBucket only: the most requests a client can make at once; default requests, at most 100,000,000.")
  @Min(Limit.MIN_BURST)
  @Max(Limit.MAX_BURST)
  private Long burst;

  @JsonPropertyDescription(
      "Optional: the requests this limit applies to (path prefixes and/or methods). Without it the limit"
          + " applies to every request; a request that no limit applies to is allowed and not counted.")
  private RouteMatchSpec match;

  @JsonPropertyDescription(
      "Optional: makes the limit a token budget for LLM APIs. requests is then tokens per window;"
          + " each request reserves its stated ceiling (else reserve) before it is forwarded and"
          + " settles to the usage its response reports.")
  private CostSpec cost;

  public LimitSpec() {}

  public LimitSpec(String name, long requests, String window, String algorithm) {
    this.name = name;
    this.requests = requests;
    this.window = window;
    this.algorithm = algorithm;
  }

  /** The shared default limit (10 requests per 1m), as the spec writes it. */
  public static LimitSpec defaultLimit() {
    return new LimitSpec(
        Limit.DEFAULT_NAME,
        Limit.DEFAULT_REQUESTS,
        Limit.DEFAULT_WINDOW,
        Algorithm.FixedWindow.name());
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Long getRequests() {
    return requests;
  }

  public void setRequests(Long requests) {
    this.requests = requests;
  }

  public String getWindow() {
    return window;
  }

  public void setWindow(String window) {
    this.window = window;
  }

  public Long getBurst() {
    return burst;
  }

  public void setBurst(Long burst) {
    this.burst = burst;
  }

  public String getAlgorithm() {
    return algorithm;
  }

  public void setAlgorithm(String algorithm) {
    this.algorithm = algorithm;
  }

  public RouteMatchSpec getMatch() {
    return match;
  }

  public void setMatch(RouteMatchSpec match) {
    this.match = match;
  }

  public CostSpec getCost() {
    return cost;
  }

  public void setCost(CostSpec cost) {
    this.cost = cost;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof LimitSpec)) {
      return false;
    }
    LimitSpec l = (LimitSpec) o;
    return Objects.equals(name, l.name)
        && Objects.equals(requests, l.requests)
        && Objects.equals(window, l.window)
        && Objects.equals(algorithm, l.algorithm)
        && Objects.equals(burst, l.burst)
        && Objects.equals(match, l.match)
        && Objects.equals(cost, l.cost);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, requests, window, algorithm, burst, match, cost);
  }
}
