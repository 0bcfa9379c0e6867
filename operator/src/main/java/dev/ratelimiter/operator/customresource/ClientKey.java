package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Objects;

/** How a client is identified. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"source", "forwardedHeader", "trustedProxies", "ipv6PrefixLength"})
public class ClientKey {

  /** Loose shape of an IPv4 or IPv6 CIDR; the operator parses it exactly. */
  public static final String CIDR_PATTERN = "^[0-9a-fA-F:.]+/[0-9]{1,3}$";
  /** A coarser prefix would lump whole providers' customers into one client. */
  public static final int MIN_IPV6_PREFIX = 32;

  @JsonPropertyDescription("RemoteAddress: the client's IP address (behind trusted proxies: the forwarded one).")
  @Default("RemoteAddress")
  @JsonFormat(with = JsonFormat.Feature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
  private ClientKeySource source;

  @JsonPropertyDescription(
      "The one header believed from trusted proxies: XForwardedFor or Forwarded; the other is ignored.")
  @Default("XForwardedFor")
  @JsonFormat(with = JsonFormat.Feature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
  private ForwardedHeader forwardedHeader;

  @JsonPropertyDescription(
      "CIDRs of the proxies themselves (not the pod network), whose forwarded header is believed."
          + " Default: none. A /0 entry is refused: it would trust every address.")
  @Size(max = 64)
  @ValidationRule(
      value = "self.all(x, !x.matches('/0+$'))",
      message = "a trustedProxies entry ending in /0 would trust every address, so any client could choose its key; list the proxies' own addresses")
  private List<@Size(max = 49) @Pattern(CIDR_PATTERN) String> trustedProxies;

  @JsonPropertyDescription(
      "IPv6 clients are counted per prefix of this length (32..128); 128 = per address. Default 64.")
  @Min(MIN_IPV6_PREFIX)
  @Max(128)
  @Default("64")
  private Integer ipv6PrefixLength;

  public ClientKeySource getSource() {
    return source;
  }

  public void setSource(ClientKeySource source) {
    this.source = source;
  }

  public ForwardedHeader getForwardedHeader() {
    return forwardedHeader;
  }

  public void setForwardedHeader(ForwardedHeader forwardedHeader) {
    this.forwardedHeader = forwardedHeader;
  }

  @JsonIgnore
  public ForwardedHeader effectiveForwardedHeader() {
    return forwardedHeader == null ? ForwardedHeader.XForwardedFor : forwardedHeader;
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

  @JsonIgnore
  public ClientKeySource effectiveSource() {
    return source == null ? ClientKeySource.RemoteAddress : source;
  }

  @JsonIgnore
  public List<String> effectiveTrustedProxies() {
    return trustedProxies == null ? List.of() : trustedProxies;
  }

  @JsonIgnore
  public int effectiveIpv6PrefixLength() {
    return ipv6PrefixLength == null ? 64 : ipv6PrefixLength;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ClientKey)) {
      return false;
    }
    ClientKey c = (ClientKey) o;
    return source == c.source
        && forwardedHeader == c.forwardedHeader
        && Objects.equals(trustedProxies, c.trustedProxies)
        && Objects.equals(ipv6PrefixLength, c.ipv6PrefixLength);
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, forwardedHeader, trustedProxies, ipv6PrefixLength);
  }
}
