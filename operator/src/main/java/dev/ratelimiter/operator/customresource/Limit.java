package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import dev.ratelimiter.policy.Algorithm;
import dev.ratelimiter.policy.WindowFormat;
import java.util.Objects;

/**
 * One quota: at most {@code requests} per {@code window} for each client. The bounds and patterns
 * are the shared policy rules ({@code dev.ratelimiter.policy}); the algorithm is kept as text so a
 * value this operator does not know reaches the validator instead of failing the informer.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "requests", "window", "algorithm", "match"})
@ValidationRule(
    value = "duration(self.window) >= duration('" + WindowFormat.MIN_TEXT + "') && duration(self.window) <= duration('"
        + WindowFormat.MAX_TEXT + "')",
    message = "window must be between " + WindowFormat.MIN_TEXT + " and " + WindowFormat.MAX_TEXT,
    fieldPath = ".window")
public class Limit {

  @JsonPropertyDescription("Name of the limit, unique within the policy (DNS label).")
  @Required
  @Size(min = 1, max = dev.ratelimiter.policy.Limit.NAME_MAX_LENGTH)
  @Pattern(dev.ratelimiter.policy.Limit.NAME_PATTERN)
  private String name;

  @JsonPropertyDescription("Requests allowed per window and client, 1 .. 1,000,000,000.")
  @Required
  @Min(dev.ratelimiter.policy.Limit.MIN_REQUESTS)
  @Max(dev.ratelimiter.policy.Limit.MAX_REQUESTS)
  private Long requests;

  @JsonPropertyDescription("Window length in whole seconds, 1s .. 24h, written like 30s, 1m, 1h30m.")
  @Required
  @Size(min = 2, max = WindowFormat.MAX_TEXT_LENGTH)
  @Pattern(WindowFormat.PATTERN)
  private String window;

  @JsonPropertyDescription(
      "FixedWindow: the window starts at the client's first request. SlidingWindow and TokenBucket are"
          + " not supported by this version yet.")
  @Default("FixedWindow")
  @SchemaFrom(type = Algorithm.class)
  @ValidationRule(value = "self == 'FixedWindow'", message = "only FixedWindow is supported by this version yet")
  private String algorithm;

  @JsonPropertyDescription(
      "Optional: the requests this limit applies to (path prefixes and/or methods). Without it the limit"
          + " applies to every request; a request that no limit applies to is allowed and not counted.")
  private RouteMatch match;

  public Limit() {}

  public Limit(String name, long requests, String window, String algorithm) {
    this.name = name;
    this.requests = requests;
    this.window = window;
    this.algorithm = algorithm;
  }

  /** The shared default limit (10 requests per 1m), as the spec writes it. */
  public static Limit defaultLimit() {
    return new Limit(dev.ratelimiter.policy.Limit.DEFAULT_NAME, dev.ratelimiter.policy.Limit.DEFAULT_REQUESTS,
        dev.ratelimiter.policy.Limit.DEFAULT_WINDOW, Algorithm.FixedWindow.name());
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

  public String getAlgorithm() {
    return algorithm;
  }

  public void setAlgorithm(String algorithm) {
    this.algorithm = algorithm;
  }

  public RouteMatch getMatch() {
    return match;
  }

  public void setMatch(RouteMatch match) {
    this.match = match;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Limit)) {
      return false;
    }
    Limit l = (Limit) o;
    return Objects.equals(name, l.name)
        && Objects.equals(requests, l.requests)
        && Objects.equals(window, l.window)
        && Objects.equals(algorithm, l.algorithm)
        && Objects.equals(match, l.match);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, requests, window, algorithm, match);
  }
}
