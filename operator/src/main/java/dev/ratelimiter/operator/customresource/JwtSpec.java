package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.ratelimiter.policy.ClientKeyPolicy;
import dev.ratelimiter.policy.JwtPolicy;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Objects;

/** With clientKey.source Jwt: which bearer tokens name a client (the shared {@link JwtPolicy}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "header",
  "claim",
  "issuer",
  "audiences",
  "jwksConfigMapRef",
  "clockSkewSeconds"
})
public class JwtSpec {

  @JsonPropertyDescription("The header carrying 'Bearer <token>'. Default Authorization.")
  @Size(min = 1, max = ClientKeyPolicy.HEADER_NAME_MAX_LENGTH)
  @Pattern(ClientKeyPolicy.HEADER_NAME_PATTERN)
  private String header;

  @JsonPropertyDescription(
      "The claim that names the client (counted under a hash of it). Default sub.")
  @Pattern(JwtPolicy.CLAIM_PATTERN)
  private String claim;

  @JsonPropertyDescription("The iss every token must carry.")
  @Required
  @Size(min = 1, max = JwtPolicy.MAX_TEXT_LENGTH)
  private String issuer;

  @JsonPropertyDescription("When given, a token's aud must hold one of these.")
  @Size(min = 1, max = JwtPolicy.MAX_AUDIENCES)
  private List<@Size(min = 1, max = JwtPolicy.MAX_TEXT_LENGTH) String> audiences;

  @JsonPropertyDescription(
      "The ConfigMap key holding the issuer's JWKS (public keys). The ConfigMap must be labelled"
          + " ratelimiter.dev/jwks=true; an edit reaches every agent within a second.")
  @Required
  private ConfigMapKeyRef jwksConfigMapRef;

  @JsonPropertyDescription("Tolerance on exp and nbf, 0..300 seconds. Default 30.")
  @Min(0)
  @Max(JwtPolicy.MAX_CLOCK_SKEW_SECONDS)
  private Integer clockSkewSeconds;

  public String getHeader() {
    return header;
  }

  public void setHeader(String header) {
    this.header = header;
  }

  public String getClaim() {
    return claim;
  }

  public void setClaim(String claim) {
    this.claim = claim;
  }

  public String getIssuer() {
    return issuer;
  }

  public void setIssuer(String issuer) {
    this.issuer = issuer;
  }

  public List<String> getAudiences() {
    return audiences;
  }

  public void setAudiences(List<String> audiences) {
    this.audiences = audiences;
  }

  public ConfigMapKeyRef getJwksConfigMapRef() {
    return jwksConfigMapRef;
  }

  public void setJwksConfigMapRef(ConfigMapKeyRef jwksConfigMapRef) {
    this.jwksConfigMapRef = jwksConfigMapRef;
  }

  public Integer getClockSkewSeconds() {
    return clockSkewSeconds;
  }

  public void setClockSkewSeconds(Integer clockSkewSeconds) {
    this.clockSkewSeconds = clockSkewSeconds;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JwtSpec j
        && Objects.equals(header, j.header)
        && Objects.equals(claim, j.claim)
        && Objects.equals(issuer, j.issuer)
        && Objects.equals(audiences, j.audiences)
        && Objects.equals(jwksConfigMapRef, j.jwksConfigMapRef)
        && Objects.equals(clockSkewSeconds, j.clockSkewSeconds);
  }

  @Override
  public int hashCode() {
    return Objects.hash(header, claim, issuer, audiences, jwksConfigMapRef, clockSkewSeconds);
  }
}
