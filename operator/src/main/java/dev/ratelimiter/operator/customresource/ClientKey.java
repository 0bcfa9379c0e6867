package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.ratelimiter.policy.Cidr;
import dev.ratelimiter.policy.ClientKeyPolicy;
import dev.ratelimiter.policy.ClientKeySource;
import dev.ratelimiter.policy.ForwardedHeader;
import dev.ratelimiter.policy.MissingHeader;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Objects;

/**
 * How a client is identified. Bounds and patterns are the shared policy rules; enum-like fields are
 * text, so a value this operator does not know reaches the validator instead of failing the
 * informer.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "source",
  "header",
  "missing",
  "jwt",
  "forwardedHeader",
  "trustedProxies",
  "ipv6PrefixLength"
})
@ValidationRule(
    value = "(has(self.source) && self.source == 'Header') == has(self.header)",
    message = "header is required with source Header, and only allowed with it",
    fieldPath = ".header")
@ValidationRule(
    value = "!has(self.missing) || (has(self.source) && self.source in ['Header', 'Jwt'])",
    message = "missing is only allowed with source Header or Jwt",
    fieldPath = ".missing")
@ValidationRule(
    value = "(has(self.source) && self.source == 'Jwt') == has(self.jwt)",
    message = "jwt is required with source Jwt, and only allowed with it",
    fieldPath = ".jwt")
public class ClientKey {

  @JsonPropertyDescription(
      "RemoteAddress: the client's IP address (behind trusted proxies: the forwarded one). Header: the value"
          + " of the request header named by 'header' (counted under a hash of it, never the value itself)."
          + " Jwt: a claim of a bearer token the agents verify (see jwt).")
  @Default("RemoteAddress")
  @SchemaFrom(type = ClientKeySource.class)
  private String source;

  @JsonPropertyDescription("With source Header: the header that names the client, e.g. X-Api-Key.")
  @Size(min = 1, max = ClientKeyPolicy.HEADER_NAME_MAX_LENGTH)
  @Pattern(ClientKeyPolicy.HEADER_NAME_PATTERN)
  private String header;

  @JsonPropertyDescription(
      "With source Header or Jwt, a request without the header or token: RemoteAddress (counted by its"
          + " address, the default) or Reject (401 naming the header). An invalid token is always 401.")
  @SchemaFrom(type = MissingHeader.class)
  private String missing;

  @JsonPropertyDescription("With source Jwt: which bearer tokens name a client.")
  private JwtSpec jwt;

  @JsonPropertyDescription(
      "The one header believed from trusted proxies: XForwardedFor or Forwarded; the other is ignored.")
  @Default("XForwardedFor")
  @SchemaFrom(type = ForwardedHeader.class)
  private String forwardedHeader;

  @JsonPropertyDescription(
      "CIDRs of the proxies themselves (not the pod network), whose forwarded header is believed."
          + " Default: none. A /0 entry is refused: it would trust every address.")
  @Size(max = ClientKeyPolicy.MAX_TRUSTED_PROXIES)
  @ValidationRule(
      value = "self.all(x, !x.matches('/0+$'))",
      message =
          "a trustedProxies entry ending in /0 would trust every address, so any client could choose its key; list the proxies' own addresses")
  private List<@Size(max = Cidr.MAX_TEXT_LENGTH) @Pattern(Cidr.PATTERN) String> trustedProxies;

  @JsonPropertyDescription(
      "IPv6 clients are counted per prefix of this length (32..128); 128 = per address. Default 64.")
  @Min(ClientKeyPolicy.MIN_IPV6_PREFIX)
  @Max(ClientKeyPolicy.MAX_IPV6_PREFIX)
  @Default("" + ClientKeyPolicy.DEFAULT_IPV6_PREFIX)
  private Integer ipv6PrefixLength;

  public String getSource() {
    return source;
  }

  public void setSource(String source) {
    this.source = source;
  }

  public String getHeader() {
    return header;
  }

  public void setHeader(String header) {
    this.header = header;
  }

  public String getMissing() {
    return missing;
  }

  public void setMissing(String missing) {
    this.missing = missing;
  }

  public JwtSpec getJwt() {
    return jwt;
  }

  public void setJwt(JwtSpec jwt) {
    this.jwt = jwt;
  }

  public String getForwardedHeader() {
    return forwardedHeader;
  }

  public void setForwardedHeader(String forwardedHeader) {
    this.forwardedHeader = forwardedHeader;
  }

  public List<String> getTrustedProxies() {
    return trustedProxies;
  }

  public void setTrustedProxies(List<String> trustedProxies) {
    this.trustedProxies = trustedProxies;
  }

  public Integer getIpv6PrefixLength() {
    return ipv6PrefixLength;
  }

  public void setIpv6PrefixLength(Integer ipv6PrefixLength) {
    this.ipv6PrefixLength = ipv6PrefixLength;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ClientKey)) {
      return false;
    }
    ClientKey c = (ClientKey) o;
    return Objects.equals(source, c.source)
        && Objects.equals(header, c.header)
        && Objects.equals(missing, c.missing)
        && Objects.equals(jwt, c.jwt)
        && Objects.equals(forwardedHeader, c.forwardedHeader)
        && Objects.equals(trustedProxies, c.trustedProxies)
        && Objects.equals(ipv6PrefixLength, c.ipv6PrefixLength);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        source, header, missing, jwt, forwardedHeader, trustedProxies, ipv6PrefixLength);
  }
}
