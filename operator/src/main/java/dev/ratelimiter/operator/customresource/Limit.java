package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** One quota: at most {@code requests} per {@code window} for each client. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "requests", "window", "algorithm"})
@ValidationRule(
    value = "duration(self.window) >= duration('1s') && duration(self.window) <= duration('24h')",
    message = "window must be between 1s and 24h",
    fieldPath = ".window")
public class Limit {

  /** DNS label: lower-case letters, digits and '-', starting and ending alphanumeric. */
  public static final String NAME_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  /** Whole seconds written like 30s, 1m, 1h, 1h30m (hours, minutes, seconds in that order). */
  public static final String WINDOW_PATTERN = "^([0-9]{1,5}h)?([0-9]{1,5}m)?([0-9]{1,5}s)?$";

  public static final long MAX_REQUESTS = 1_000_000_000L;

  @JsonPropertyDescription("Name of the limit, unique within the policy (DNS label).")
  @Required
  @Size(min = 1, max = 63)
  @Pattern(NAME_PATTERN)
  private String name;

  @JsonPropertyDescription("Requests allowed per window and client, 1 .. 1,000,000,000.")
  @Required
  @Min(1)
  @Max(MAX_REQUESTS)
  private Long requests;

  @JsonPropertyDescription("Window length in whole seconds, 1s .. 24h, written like 30s, 1m, 1h30m.")
  @Required
  @Size(min = 2, max = 20)
  @Pattern(WINDOW_PATTERN)
  private String window;

  @JsonPropertyDescription("FixedWindow: the window starts at the client's first request.")
  @Default("FixedWindow")
  @JsonFormat(with = JsonFormat.Feature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
  private Algorithm algorithm;

  public Limit() {}

  public Limit(String name, long requests, String window, Algorithm algorithm) {
    this.name = name;
    this.requests = requests;
    this.window = window;
    this.algorithm = algorithm;
  }

  public static Limit defaultLimit() {
    return new Limit("default", 10, "1m", Algorithm.FixedWindow);
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

  public Algorithm getAlgorithm() {
    return algorithm;
  }

  public void setAlgorithm(Algorithm algorithm) {
    this.algorithm = algorithm;
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
        && algorithm == l.algorithm;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, requests, window, algorithm);
  }
}
