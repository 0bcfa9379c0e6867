package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.ratelimiter.policy.HeaderMatch;
import dev.ratelimiter.policy.Limit;
import dev.ratelimiter.policy.PlanPolicy;
import dev.ratelimiter.policy.RouteMatch;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Objects;

/**
 * The requests a limit applies to (the shared {@code dev.ratelimiter.policy.RouteMatch} rules):
 * path prefixes and/or methods; a request must match both lists that are given.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"pathPrefixes", "methods", "caseInsensitive", "plans", "headers"})
@ValidationRule(
    value = "has(self.pathPrefixes) || has(self.methods) || has(self.plans) || has(self.headers)",
    message =
        "match must name pathPrefixes, methods, plans or headers (a limit for every request has no match)")
public class RouteMatchSpec {

  /**
   * The shared known methods, upper-case; kept as text so an unknown one reaches the validator
   * instead of failing the informer.
   */
  public static final String METHOD_PATTERN =
      "^(GET|HEAD|POST|PUT|DELETE|CONNECT|OPTIONS|TRACE|PATCH)$";

  @JsonPropertyDescription(
      "Path prefixes in canonical form (starting with '/', no empty, '.' or '..' segment, escapes"
          + " only where needed, upper-case); the request's canonical path must start with one of"
          + " them.")
  @Size(min = 1, max = RouteMatch.MAX_PATH_PREFIXES)
  private List<
          @Size(min = 1, max = RouteMatch.MAX_PREFIX_LENGTH)
          @Pattern(RouteMatch.PATH_PREFIX_PATTERN) String>
      pathPrefixes;

  @JsonPropertyDescription("Upper-case HTTP methods; the request's method must be one of them.")
  @Size(min = 1, max = 9)
  private List<@Pattern(METHOD_PATTERN) String> methods;

  @JsonPropertyDescription(
      "Match pathPrefixes regardless of ASCII case, for a backend that routes /API/Login like"
          + " /api/login. Default false.")
  private Boolean caseInsensitive;

  @JsonPropertyDescription("Plans (see spec.plan); the client's plan must be one of them.")
  @Size(min = 1, max = PlanPolicy.MAX_PLANS)
  private List<@Size(max = Limit.NAME_MAX_LENGTH) @Pattern(Limit.NAME_PATTERN) String> plans;

  @JsonPropertyDescription("Headers the request must carry, each with one of its values if given.")
  @Size(min = 1, max = HeaderMatch.MAX_HEADERS)
  private List<HeaderMatchSpec> headers;

  public RouteMatchSpec() {}

  public RouteMatchSpec(List<String> pathPrefixes, List<String> methods) {
    this.pathPrefixes = pathPrefixes;
    this.methods = methods;
  }

  public List<String> getPathPrefixes() {
    return pathPrefixes;
  }

  public void setPathPrefixes(List<String> pathPrefixes) {
    this.pathPrefixes = pathPrefixes;
  }

  public List<String> getMethods() {
    return methods;
  }

  public void setMethods(List<String> methods) {
    this.methods = methods;
  }

  public Boolean getCaseInsensitive() {
    return caseInsensitive;
  }

  public void setCaseInsensitive(Boolean caseInsensitive) {
    this.caseInsensitive = caseInsensitive;
  }

  public List<String> getPlans() {
    return plans;
  }

  public void setPlans(List<String> plans) {
    this.plans = plans;
  }

  public List<HeaderMatchSpec> getHeaders() {
    return headers;
  }

  public void setHeaders(List<HeaderMatchSpec> headers) {
    this.headers = headers;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RouteMatchSpec m
        && Objects.equals(pathPrefixes, m.pathPrefixes)
        && Objects.equals(methods, m.methods)
        && Objects.equals(caseInsensitive, m.caseInsensitive)
        && Objects.equals(plans, m.plans)
        && Objects.equals(headers, m.headers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(pathPrefixes, methods, caseInsensitive, plans, headers);
  }
}
